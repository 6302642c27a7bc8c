/**
 * Estimate a study profile's wall time on an idle machine from per-step times: walks the whole
 * plan (tuning runs, and every evaluation run at a placeholder rate, since the tuned rates do not
 * change the step counts) and adds up training steps and evaluation passes per architecture.
 *
 * The plan is walked as the runner makes it, stage by stage, with made-up validation accuracies:
 * every whole grid peaks inside 0.001–3 and does not grow; a local grid at the evaluation budget
 * (`tuneWith: 'evaluation-near-proxy'`: the proxy's pick and one step either side) is assumed to
 * grow once, so it ends at 4 rates per target (the estimate checks that it does). A grid that
 * grows further costs 3 more tuning runs (one per tuning seed) per step.
 *
 *   node --import tsx bench/study-budget.ts <profile> <mlp ms> <vgg ms> <resnet ms>
 *
 * The ms are the idle wall time of one training step at batch 128 averaged over the kinds; a step
 * at batch b is taken to cost (0.15 + 0.85·b/128) of it (a fixed per-step share), and evaluating an
 * example costs a third of training on it (forward only). Probed runs (claim 9) add, per
 * checkpoint, one gradient per probed layer, one for the base point and one per landscape step.
 */
import { Command } from 'commander';
import { expandSpec, tuningConfigs, tuningTargets } from '../lib/study/spec/plan';
import { PROFILE_NAMES, profileSpec } from '../lib/study/spec/profiles';
import type { RunRecord } from '../lib/study/spec/records';
import { type RunConfig, runId, type TrainRunConfig } from '../lib/study/spec/run-config';
import { oneOf, positiveNumber } from '../scripts/cli-options';

const program = new Command()
  .name('study-budget')
  .argument('[profile]', 'study profile', oneOf(PROFILE_NAMES), 'full')
  .argument('[mlp-ms]', "the MLP's ms per step at batch 128", positiveNumber, 2)
  .argument('[vgg-ms]', "the VGG's ms per step", positiveNumber, 30)
  .argument('[resnet-ms]', "the ResNet's ms per step", positiveNumber, 75)
  .showHelpAfterError()
  .parse();
const [profile, mlp, vgg, resnet] = program.processedArgs as [string, number, number, number];
const stepMs: Record<string, number> = { mlp, vgg, resnet };
/** Layers with weights whose gradient shift the probes measure (all but the first), per architecture. */
const PROBED_LAYERS: Record<string, number> = { mlp: 2, vgg: 7, resnet: 12 };
const spec = profileSpec(profile);
const localTargets = tuningTargets(spec).filter((t) => t.near);
const localIds = (records: readonly RunRecord[]) =>
  new Set(localTargets.flatMap((t) => tuningConfigs(spec, t, records).map((c) => runId(c))));
/**
 * A made-up finished tuning run. Whole grids peak at 0.05 (the best, 0.03, inside the grid); local
 * grids, which start at 0.01, 0.03, 0.1, peak at 0.12: their best (0.1) sits at the upper edge
 * once, then 0.3 joins and 0.1 is inside.
 */
const fakeRecord = (r: { id: string; config: RunConfig }, local: boolean): RunRecord =>
  ({
    id: r.id,
    config: r.config,
    experiments: ['tuning'],
    metrics: {
      diverged: false,
      collapsed: false,
      chanceAccuracy: 0.1,
      valAccuracy: 0.5 - 0.01 * Math.abs(Math.log10(r.config.learningRate / (local ? 0.12 : 0.05))),
    },
  }) as unknown as RunRecord;
// Stage by stage, as the runner re-plans: finish the tuning runs the plan knows, plan again.
const fakeTuning: RunRecord[] = [];
let plan = expandSpec(spec);
for (;;) {
  const local = localIds(fakeTuning);
  const done = new Set(fakeTuning.map((r) => r.id));
  const todo = plan.runs.filter((r) => r.stage === 'tuning' && !done.has(r.id));
  if (todo.length === 0) break;
  fakeTuning.push(...todo.map((r) => fakeRecord(r, local.has(r.id))));
  plan = expandSpec(spec, fakeTuning);
}
const localGridSizes = [...new Set(plan.tuned.filter((p) => p.near).map((p) => p.rates.length))];
if (localGridSizes.some((n) => n !== 4))
  throw new Error(`local grids ended at ${localGridSizes.join(', ')} rates, not the 4 assumed`);
if (plan.pending.length > 0) throw new Error(`${plan.pending.length} runs still wait for a tuned rate`);
const finalLocal = localIds(fakeTuning);
const seconds: Record<string, number> = {};
const runs: Record<string, number> = {};
let total = 0;
for (const r of plan.runs) {
  const c = r.config;
  const perStep = stepMs[c.arch] * (0.15 + (0.85 * c.batchSize) / 128);
  let s: number;
  if (c.kind === 'overhead')
    s = (c.norms.length * (c.rounds * (c.stepsPerRound + 1) + c.warmupSteps) * perStep) / 1000;
  else {
    const t = c as TrainRunConfig;
    const steps = Math.floor(t.dataset.trainSize / t.batchSize) * t.epochs;
    const evalExamples =
      t.evalsPerEpoch * t.epochs * t.dataset.valSize +
      t.dataset.trainSize +
      t.dataset.valSize +
      t.dataset.testSize;
    // Probes: per checkpoint one gradient per probed layer plus one for the base and one per
    // landscape step, on the probe batch; per tracked point one forward pass.
    const probeSteps = t.probes
      ? t.probes.checkpoints * (PROBED_LAYERS[c.arch] + 1 + t.probes.stepMultipliers.length) +
        t.probes.trackPoints / 3
      : 0;
    const probeStep = stepMs[c.arch] * (0.15 + (0.85 * (t.probes?.batchSize ?? 128)) / 128);
    s = (steps * perStep + probeSteps * probeStep + ((evalExamples / 128) * stepMs[c.arch]) / 3) / 1000;
  }
  const key = `${finalLocal.has(r.id) ? 'tuning-local' : r.experiments[0]} ${c.arch}`;
  seconds[key] = (seconds[key] ?? 0) + s;
  runs[key] = (runs[key] ?? 0) + 1;
  total += s;
}
for (const k of Object.keys(seconds).sort())
  console.log(
    `${k.padEnd(26)} ${String(runs[k]).padStart(4)} runs ${(seconds[k] / 60).toFixed(1).padStart(6)} min`,
  );
if (localTargets.length > 0)
  console.log(
    `(tuning-local: ${localTargets.length} targets tuned at their evaluation budget on a local grid of 4 rates)`,
  );
console.log(
  `${profile}: ${plan.runs.length} runs, about ${(total / 60).toFixed(0)} min at ${JSON.stringify(stepMs)} ms/step (batch 128, idle)`,
);
