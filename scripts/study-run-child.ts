/**
 * Executes one study run in a process of its own, for the study CLI (lib/study/run/own-process.ts
 * describes why and the protocol): reads `{ "config", "executor" }` as JSON from stdin, runs it on
 * the native backend with the shipped executor, and writes JSON lines to stdout: progress, then the
 * outcome. Anything else it has to say goes to stderr.
 *
 *   echo '{"config": {...}}' | node --import tsx scripts/study-run-child.ts
 */
import { initBackend } from '../lib/backend';
import { type TrainingExecutorOptions, trainingExecutor } from '../lib/study/run/execute';
import type { RunConfig } from '../lib/study/spec/run-config';

async function readStdin(): Promise<string> {
  process.stdin.setEncoding('utf8');
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

async function main(): Promise<void> {
  const input = JSON.parse(await readStdin()) as { config: RunConfig; executor?: TrainingExecutorOptions };
  if (!input?.config?.kind) throw new Error('expected {"config": RunConfig} on stdin');
  await initBackend();
  const write = (message: object) => process.stdout.write(`${JSON.stringify(message)}\n`);
  const outcome = await trainingExecutor(input.executor ?? {}).execute(input.config, (step) =>
    write({ step }),
  );
  write({ outcome });
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
