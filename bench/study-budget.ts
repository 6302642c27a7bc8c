/**
 * Estimate a study profile's wall time on an idle machine from per-step times: walks the whole
 * plan (tuning runs, and every evaluation run at a placeholder rate, since the tuned rates do not
 * change the step counts) and adds up training steps and evaluation passes per architecture.
 *
 *   node --import tsx bench/study-budget.ts <profile> <mlp ms> <vgg ms> <resnet ms>
 *
 * The ms are the idle wall time of one training step at batch 128 averaged over the kinds; a step
 * at batch b is taken to cost (0.15 + 0.85·b/128) of it (a fixed per-step share), and evaluating an
 * example costs a third of training on it (forward only). Probed runs (claim 9) add, per
 * checkpoint, one gradient per probed layer, one for the base point and one per landscape step.
 */
import { Command } from 'commander';
import { expandSpec } from '../lib/study/spec/plan';
import { PROFILE_NAMES, profileSpec } from '../lib/study/spec/profiles';
import type { RunRecord } from '../lib/study/spec/records';
import type { TrainRunConfig } from '../lib/study/spec/run-config';
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
const first = expandSpec(spec);
const fakeTuning = first.runs
  .filter((r) => r.stage === 'tuning')
  .map(
    (r) =>
      ({
        id: r.id,
        config: r.config,
        // A peak inside the grid (at 0.05), so that grids that grow past an edge do not grow here.
        metrics: {
          diverged: false,
          collapsed: false,
          chanceAccuracy: 0.1,
          valAccuracy: 0.5 - 0.01 * Math.abs(Math.log10(r.config.learningRate / 0.05)),
        },
      }) as unknown as RunRecord,
  );
const plan = expandSpec(spec, fakeTuning);
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
  const key = `${r.experiments[0]} ${c.arch}`;
  seconds[key] = (seconds[key] ?? 0) + s;
  runs[key] = (runs[key] ?? 0) + 1;
  total += s;
}
for (const k of Object.keys(seconds).sort())
  console.log(
    `${k.padEnd(26)} ${String(runs[k]).padStart(4)} runs ${(seconds[k] / 60).toFixed(1).padStart(6)} min`,
  );
console.log(
  `${profile}: ${plan.runs.length} runs, about ${(total / 60).toFixed(0)} min at ${JSON.stringify(stepMs)} ms/step (batch 128, idle)`,
);
