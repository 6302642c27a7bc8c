/**
 * The study's interleaved step timing (claim 7's measurement) on a small budget: each norm kind's
 * training step relative to the step without normalization, and the floor "VGG step with layer,
 * instance or group norm ≤ 1.35× the no-norm step".
 *
 * It runs exactly what the study runs: the overhead runs a profile's plan holds
 * (`profileSpec` → `expandSpec`, the overhead experiment's configs: model sizes, batch size,
 * learning rate, data), executed by the study's own executor (`trainingExecutor`), which builds
 * every kind's model, trains each for warm-up steps, then times rounds in which every kind trains
 * `stepsPerRound` steps, the order alternating round by round, and records each kind's median step
 * per round and its ratio to `none` in the same round. Only the budget changes: `--rounds`,
 * `--steps` (per kind per round) and `--warmup` replace the profile's, and `--repeats` runs that
 * many of the plan's repetitions (seeds). The summary is the study's: the geometric mean of the
 * paired per-round ratios with its 95% interval (lib/study/claims/aggregate.ts' `ratioCI`).
 *
 * Usage: `node --import tsx bench/study-overhead.ts [--profile quick] [--archs vgg]
 * [--rounds 4] [--steps 5] [--warmup 2] [--repeats 1]`. The profile's data set (Fashion-MNIST for
 * `quick` and `full`) comes from the data loader's usual places.
 */
import { Command, Option } from 'commander';
import { describeBackend, initBackend } from '../lib/backend';
import type { Architecture } from '../lib/models/types';
import type { NormKind } from '../lib/norm/kinds';
import { sampleMedian as median } from '../lib/stats/basics';
import { ratioCI } from '../lib/study/claims/aggregate';
import { trainingExecutor } from '../lib/study/run/execute';
import { expandSpec } from '../lib/study/spec/plan';
import { PROFILE_NAMES, profileSpec } from '../lib/study/spec/profiles';
import type { OverheadRunMetrics } from '../lib/study/spec/records';
import type { OverheadRunConfig } from '../lib/study/spec/run-config';
import { someOf, wholeNumber } from '../scripts/cli-options';
import { describeMachine, formatLoad, loadFooter, machineInfo, runBench } from './machine';

/** The kinds the floor is about, and its bound on their step time over the no-norm step. */
const FLOOR_KINDS: readonly NormKind[] = ['layer', 'instance', 'group'];
const FLOOR = 1.35;
const ARCHS: readonly Architecture[] = ['mlp', 'vgg', 'resnet'];

interface Options {
  profile: string;
  archs: Architecture[];
  rounds: number;
  steps: number;
  warmup: number;
  repeats: number;
}

function options(): Options {
  return new Command()
    .name('study-overhead')
    .addOption(new Option('--profile <name>', 'the study profile').choices(PROFILE_NAMES).default('quick'))
    .option('--archs <list>', `some of ${ARCHS.join(', ')}`, someOf(ARCHS), ['vgg'] as Architecture[])
    .option('--rounds <n>', 'alternating rounds', wholeNumber(1), 4)
    .option('--steps <n>', 'timed steps per kind per round', wholeNumber(1), 5)
    .option('--warmup <n>', 'untimed steps per kind before the first round', wholeNumber(0), 2)
    .option('--repeats <n>', "repetitions (the plan's seeds, in order)", wholeNumber(1), 1)
    .showHelpAfterError()
    .parse()
    .opts<Options>();
}

/** The profile's overhead runs for `archs`, on this bench's budget. */
function overheadConfigs(o: Options): OverheadRunConfig[] {
  const plan = expandSpec(profileSpec(o.profile));
  const configs = plan.runs
    .map((r) => r.config)
    .filter((c): c is OverheadRunConfig => c.kind === 'overhead' && o.archs.includes(c.arch));
  if (configs.length === 0)
    throw new Error(
      `--archs: profile '${o.profile}' times no overhead on ${o.archs.join(', ')} ` +
        '(its overhead experiment lists the architectures it times)',
    );
  const seeds = [...new Set(configs.map((c) => c.seed))].slice(0, o.repeats);
  return configs
    .filter((c) => seeds.includes(c.seed))
    .map((c) => ({
      ...c,
      rounds: o.rounds,
      stepsPerRound: o.steps,
      warmupSteps: o.warmup,
    }));
}

async function main(): Promise<void> {
  const o = options();
  console.log(describeBackend(await initBackend()));
  const machine = await machineInfo();
  console.log(await describeMachine());
  const configs = overheadConfigs(o);
  console.log(
    `profile ${o.profile}'s overhead runs: ${configs.length} run(s) on ${o.archs.join(', ')}; ` +
      `${o.rounds} rounds × ${o.steps} steps per kind, ${o.warmup} warm-up steps; ` +
      `data ${configs[0].dataset.source}, batch ${configs[0].batchSize}`,
  );
  const executor = trainingExecutor();
  const byKey = new Map<string, { ms: number[]; ratios: number[] }>();
  for (const config of configs) {
    const outcome = await executor.execute(config);
    if (!('timings' in outcome.metrics)) throw new Error('the executor returned no overhead timings');
    for (const t of (outcome.metrics as OverheadRunMetrics).timings) {
      const key = `${config.arch} ${t.norm}`;
      const entry = byKey.get(key) ?? { ms: [], ratios: [] };
      entry.ms.push(...t.roundMs);
      entry.ratios.push(...t.ratioToNone);
      byKey.set(key, entry);
    }
    process.stderr.write(`  ${config.arch} seed ${config.seed} done (load ${formatLoad()})\n`);
  }
  console.log(
    '\nstep time relative to no normalization (paired per-round ratios, as the study summarizes them)',
  );
  console.log(
    `${'arch kind'.padEnd(20)}${'median ms'.padStart(12)}${'ratio'.padStart(10)}${'95% interval'.padStart(18)}${'rounds'.padStart(8)}`,
  );
  for (const [key, e] of byKey) {
    const r = ratioCI(e.ratios);
    const interval = Number.isFinite(r.lo) ? `${r.lo.toFixed(2)}–${r.hi.toFixed(2)}` : '-';
    console.log(
      `${key.padEnd(20)}${median(e.ms).toFixed(1).padStart(12)}${r.mean.toFixed(2).padStart(10)}${interval.padStart(18)}${String(e.ratios.length).padStart(8)}`,
    );
  }
  console.log(
    `\nfloor: step with layer, instance or group norm ≤ ${FLOOR}× the no-norm step, on ${machine.cpuModel}`,
  );
  for (const arch of o.archs) {
    for (const kind of FLOOR_KINDS) {
      const e = byKey.get(`${arch} ${kind}`);
      if (!e) continue;
      const ratio = ratioCI(e.ratios).mean;
      console.log(
        `  ${arch} ${kind.padEnd(10)}${ratio.toFixed(2)} (≤ ${FLOOR}: ${ratio <= FLOOR ? 'met' : 'NOT met'})`,
      );
    }
  }
  console.log(`\n${loadFooter(machine)}`);
}

runBench(main);
