/**
 * Test-only child process for the results-store lock tests (run with `node --import tsx`).
 *
 * - `race <dir> <trials> <name> <wait|nowait>`: for each trial t, waits at a file barrier until
 *   both racers are ready, then runs one run of the smoke study into `<dir>/<t>` (waiting for the
 *   lock or not) and prints one JSON line: `{ trial, ok, id }` or `{ trial, ok: false, error }`.
 * - `hold <results file>`: takes the file's lock, prints `held`, and keeps it until killed.
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runStudy } from '../../lib/study/run/runner';
import { profileSpec } from '../../lib/study/spec/profiles';
import { runId } from '../../lib/study/spec/run-config';
import { lockResults } from '../../lib/study/store/results';
import { fakeExecutor } from './fake-executor';

async function race(dir: string, trials: number, name: string, wait: boolean): Promise<void> {
  const spec = profileSpec('smoke');
  for (let t = 0; t < trials; t++) {
    const trialDir = join(dir, String(t));
    const barrier = join(dir, `barrier-${t}`);
    mkdirSync(barrier, { recursive: true });
    writeFileSync(join(barrier, name), '');
    const start = Date.now();
    while (readdirSync(barrier).length < 2) {
      if (Date.now() - start > 30_000) throw new Error(`trial ${t}: the other racer never arrived`);
    }
    const calls: string[] = [];
    try {
      await runStudy({
        spec,
        outDir: trialDir,
        executor: fakeExecutor(calls),
        maxRuns: 1,
        wait,
        waitPollMs: 5,
      });
      process.stdout.write(`${JSON.stringify({ trial: t, ok: true, id: runId(JSON.parse(calls[0])) })}\n`);
    } catch (error) {
      process.stdout.write(`${JSON.stringify({ trial: t, ok: false, error: (error as Error).message })}\n`);
    }
  }
}

async function main(): Promise<void> {
  const [mode, ...args] = process.argv.slice(2);
  if (mode === 'race') return race(args[0], Number(args[1]), args[2], args[3] === 'wait');
  if (mode === 'hold') {
    if (!existsSync(args[0])) mkdirSync(join(args[0], '..'), { recursive: true });
    await lockResults(args[0]);
    process.stdout.write('held\n');
    setInterval(() => {}, 1000);
    return;
  }
  throw new Error(`store-child: unknown mode ${mode}`);
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(2);
});
