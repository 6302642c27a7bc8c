/**
 * scripts/study-provenance.ts: the stretches a resumed study ran in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stretches } from '../../scripts/study-provenance';

const run = (start: string, end: string) => ({
  startedAt: `2026-12-07T${start}:00.000Z`,
  finishedAt: `2026-12-07T${end}:00.000Z`,
});

test('stretches: overlapping shards and close runs merge; an interruption starts a new stretch', () => {
  const runs = [
    run('08:40', '08:45'),
    run('08:45', '09:30'), // shard 0
    run('08:45', '10:29'), // shard 1, overlapping shard 0
    run('10:52', '10:57'), // resumed after the interruption
    run('10:36', '10:39'), // out of order, within 10 minutes of 10:29
  ];
  const parts = stretches(runs);
  assert.equal(parts.length, 2);
  assert.deepEqual(
    parts.map((p) => [
      new Date(p.start).toISOString().slice(11, 16),
      new Date(p.end).toISOString().slice(11, 16),
    ]),
    [
      ['08:40', '10:39'],
      ['10:52', '10:57'],
    ],
  );
  assert.deepEqual(
    parts.map((p) => p.runs.length),
    [4, 1],
  );
  assert.equal(stretches(runs, 30 * 60).length, 1, 'a longer allowed gap joins them');
  assert.deepEqual(stretches([]), []);
});
