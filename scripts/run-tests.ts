/**
 * The test suite's entry point (`npm test`, after setup): says which backend the tests use, then
 * runs every `test/**\/*.test.ts` file with node's built-in test runner.
 *
 * Usage: `node --import tsx scripts/run-tests.ts [substring ...]`: with arguments, only the test
 * files whose path contains one of them.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describeBackend, initBackend } from '../lib/backend';

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const info = await initBackend();
  console.log(`normlab tests: ${describeBackend(info)}`);
  const filters = process.argv.slice(2);
  const files = testFiles(join(root, 'test'))
    .map((f) => relative(root, f))
    .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
    .sort();
  if (files.length === 0) throw new Error(`no test file matches ${filters.join(', ')}`);
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-reporter=spec', ...files],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NORMLAB_TEST_BACKEND: info.backend } },
  );
  process.exit(result.status ?? 1);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
