/**
 * The lab entry (`normlab/lab`, lib/index.ts) stays small: at most 120 runtime names, each meant
 * for users. Tests and benches import the modules behind it directly, so a name is not added to
 * the entry for them; report helpers stay behind it too.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as lab from '../../lib/index';

/** The most runtime names the lab entry may export. */
const MAX_LAB_NAMES = 120;

describe('the lab entry', () => {
  const names = Object.keys(lab).sort();

  it(`exports at most ${MAX_LAB_NAMES} runtime names`, () => {
    assert.ok(names.length > 50, `the entry loaded (${names.length} names)`);
    assert.ok(
      names.length <= MAX_LAB_NAMES,
      `${names.length} runtime names, more than ${MAX_LAB_NAMES}: ${names.join(' ')}`,
    );
  });

  it("does not shadow tfjs' layer class names or export report internals", () => {
    const shadowing = ['Conv2D', 'Dense', 'ReLU', 'MaxPooling2D'];
    const internals = ['decimalsFor', 'inlinePlotlySource', 'formatInterval', 'standaloneHtml'];
    assert.deepEqual(
      names.filter((n) => shadowing.includes(n) || internals.includes(n)),
      [],
    );
  });
});
