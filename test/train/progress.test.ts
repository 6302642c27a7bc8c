import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { createProgressBar } from '../../lib/train/progress';

test('the progress bar draws steps, epoch, loss and accuracy', () => {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (chunk) => {
    text += chunk.toString();
  });
  const bar = createProgressBar({ label: 'vgg/batch', stream, noTTYOutput: true });
  bar.start(10);
  bar.update(4, { loss: 1.23456, accuracy: 0.5, epoch: 2 });
  bar.stop();
  assert.match(text, /vgg\/batch \|.*\| 4\/10 steps \| epoch 2 \| loss 1\.2346 \| acc 0\.500/);
});
