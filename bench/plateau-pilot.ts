/**
 * Pilot of a study budget: trains one configuration of the model zoo on Fashion-MNIST with the
 * study's schedule and prints, per epoch, validation accuracy and seconds, then the test accuracy
 * on the official 10,000-image test set and the median step time. Used to size the `full`
 * profile (plateau: the last two epochs gain < 0.5 points; accuracy floors).
 *
 *   node --import tsx bench/plateau-pilot.ts <arch> <norm> <trainSize> <epochs> <batch> <lr> [seed]
 */

import { loadavg } from 'node:os';
import { Command } from 'commander';
import { initBackend } from '../lib/backend';
import { loadFashionMnist } from '../lib/data/fashion-mnist';
import { buildModel } from '../lib/models/build';
import { ARCHITECTURES, type Architecture } from '../lib/models/types';
import { NORM_KINDS, type NormKind } from '../lib/norm/kinds';
import { train } from '../lib/train/trainer';
import { oneOf, positiveNumber, wholeNumber } from '../scripts/cli-options';

async function main(): Promise<void> {
  const program = new Command()
    .name('plateau-pilot')
    .argument('<arch>', 'architecture', oneOf(ARCHITECTURES))
    .argument('<norm>', 'norm kind', oneOf(NORM_KINDS))
    .argument('<trainSize>', 'training images', wholeNumber(1))
    .argument('<epochs>', 'epochs', wholeNumber(1))
    .argument('<batch>', 'mini-batch size', wholeNumber(1))
    .argument('<lr>', 'learning rate', positiveNumber)
    .argument('[seed]', 'seed', wholeNumber(0), 0)
    .showHelpAfterError()
    .parse();
  const [arch, norm, trainSize, epochs, batch, lr, seed] = program.processedArgs as [
    Architecture,
    NormKind,
    number,
    number,
    number,
    number,
    number,
  ];
  await initBackend();
  const data = await loadFashionMnist({
    trainSize,
    validationSize: 5000,
    download: false,
  });
  const model = buildModel({ arch, norm, seed });
  const cpu0 = process.cpuUsage();
  const steps = Math.floor(trainSize / batch) * epochs;
  const r = await train(
    model,
    data,
    {
      optimizer: 'sgd',
      momentum: 0.9,
      learningRate: lr,
      batchSize: batch,
      epochs,
      shuffleSeed: seed,
      schedule: { name: 'cosine', warmupSteps: Math.round(0.05 * steps) },
      evalTestEachEpoch: false,
      evalTrainAtEnd: false,
    },
    {
      onEpoch: (e) =>
        console.log(
          `  epoch ${e.epoch}: val ${e.validation?.accuracy.toFixed(4)} train-loss ${e.trainLoss.toFixed(3)} ${e.seconds.toFixed(1)} s`,
        ),
    },
  );
  console.log(
    `${arch}/${norm} n=${trainSize} epochs=${epochs} batch=${batch} lr=${lr} seed=${seed}: test ${r.final.test?.accuracy.toFixed(4)} ` +
      `(test n=${data.test.count}) median step ${r.medianStepMs.toFixed(2)} ms, train ${r.trainSeconds.toFixed(0)} s, ` +
      `diverged ${r.diverged ? 'yes' : 'no'}, load ${loadavg()[0].toFixed(1)}, ` +
      `process CPU ${((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1e6).toFixed(0)} s (training + evaluation)`,
  );
  model.dispose();
}
main();
