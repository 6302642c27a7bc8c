/**
 * The test suite's entry point (`npm test`, after setup): says which backend the tests use, then
 * runs every `test/**\/*.test.ts` file with node's built-in test runner, in two phases: everything
 * else first, then the site's browser test (`test/site/`), which builds the site from the notebooks
 * the first phase executed. It ends with one line that counts both phases.
 *
 * Usage: `node --import tsx scripts/run-tests.ts [substring ...]`: with arguments, only the test
 * files whose path contains one of them.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';

const root = join(__dirname, '..');

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Run one phase: spec output on the terminal, TAP into a file to count the results. */
function runPhase(files: string[], backend: string): Counts {
  const dir = mkdtempSync(join(tmpdir(), 'normlab-tests-'));
  const tap = join(dir, 'results.tap');
  try {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--test',
        '--test-concurrency=2',
        '--test-reporter=spec',
        '--test-reporter-destination=stdout',
        '--test-reporter=tap',
        `--test-reporter-destination=${tap}`,
        ...files,
      ],
      { cwd: root, stdio: 'inherit', env: { ...process.env, NORMLAB_TEST_BACKEND: backend } },
    );
    const text = readFileSync(tap, 'utf8');
    const count = (name: string): number =>
      Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const counts = {
      passed: count('pass'),
      failed: count('fail') + count('cancelled'),
      skipped: count('skipped'),
    };
    if (result.status !== 0 && counts.failed === 0) counts.failed = 1; // the runner itself failed
    return counts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(filters: string[]): Promise<void> {
  const info = await initBackend();
  console.log(`normlab tests: ${describeBackend(info)}`);
  const files = testFiles(join(root, 'test'))
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) throw new Error(`no test file matches ${filters.join(', ')}`);
  const isSite = (f: string): boolean => f.startsWith(join('test', 'site'));
  const phases = [files.filter((f) => !isSite(f)), files.filter(isSite)].filter((p) => p.length > 0);
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const phase of phases) {
    const counts = runPhase(phase, info.backend);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  console.log(`\nnormlab tests on backend ${info.backend}:`);
  console.log(
    `${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ''}`,
  );
  process.exit(total.failed === 0 ? 0 : 1);
}

const program = new Command()
  .name('run-tests')
  .description('run the test suite (test/**/*.test.ts), the site browser test last')
  .argument('[substring...]', 'only the test files whose path contains one of these')
  .showHelpAfterError();
program.parse();
main(program.args).catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
