/**
 * normlab as people take it: the packed package installed into a fresh project, and the
 * browser-safe entry bundled for and run in a browser.
 *
 * 1. `npm run build`, then `npm pack` (whose `prepack` would run the same build) → a tarball with the compiled JavaScript, the ES
 *    module wrappers, the declarations and the README, and nothing else.
 * 2. A temporary project installs the tarball with `npm install --offline --ignore-scripts`: its
 *    lock file starts as a copy of this project's, so every dependency (and the `@tensorflow/tfjs`
 *    peer) comes from the npm cache this project was installed from, without the network, and no
 *    install script runs (tfjs-node, an optional peer, is not installed at all).
 * 3. From Node: a layer by `require('normlab')` and by `import ... from 'normlab'` (one module
 *    instance for both), `normlab/lab` on top, deep imports refused by the `exports` map, and the
 *    declarations type-check a consumer (and reject a wrong norm kind).
 * 4. In Debian's Chromium: the installed package bundled by esbuild for the browser runs a layer;
 *    the browser-safe entry from source (lib/norm/index.ts) bundled the same way runs every
 *    deterministic norm kind and matches the native backend in Node.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import { NORM_KINDS, type NormKind, normLayer } from '../../lib/norm/index';
import { useNativeBackend } from '../helpers/backend';
import { launchChromium, runInPage } from '../helpers/chromium';

useNativeBackend();

const ROOT = join(__dirname, '..', '..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const work = mkdtempSync(join(tmpdir(), 'normlab-pack-'));
const consumer = join(work, 'consumer');
let tarball = '';
let packedFiles: string[] = [];
let browser: Browser | undefined;

/** Run a command; throw with its output when it fails. */
function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', NO_COLOR: '1' },
  });
  if (result.status !== 0)
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

/** Run a script file of the consumer project with node and parse the JSON line it prints last. */
function nodeJson(file: string): Record<string, unknown> {
  const out = run(process.execPath, [file], consumer).trim().split('\n');
  return JSON.parse(out[out.length - 1]) as Record<string, unknown>;
}

/** Batch norm (training mode, γ=1, β=0) of the 3×2 batch the consumer scripts use, in float64. */
const BATCH = [
  [1, 2],
  [3, 6],
  [5, 10],
];
function expectedBatchNorm(epsilon: number): number[] {
  const out: number[][] = BATCH.map(() => []);
  for (let c = 0; c < 2; c++) {
    const col = BATCH.map((row) => row[c]);
    const mean = col.reduce((a, b) => a + b, 0) / col.length;
    const variance = col.reduce((a, b) => a + (b - mean) ** 2, 0) / col.length;
    col.forEach((v, i) => {
      out[i][c] = (v - mean) / Math.sqrt(variance + epsilon);
    });
  }
  return out.flat();
}

function assertClose(
  actual: readonly number[],
  expected: readonly number[],
  tol: number,
  what: string,
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  const worst = Math.max(...actual.map((a, i) => Math.abs(a - expected[i]) / (1 + Math.abs(expected[i]))));
  assert.ok(worst <= tol, `${what}: worst relative difference ${worst} > ${tol}`);
}

/** Bundle `entry` for the browser (every import resolved and inlined, Node built-ins refused). */
async function bundleForBrowser(
  entry: string,
  resolveDir: string,
): Promise<{ code: string; inputs: string[] }> {
  const result = await build({
    stdin: { contents: readFileSync(entry, 'utf8'), resolveDir, sourcefile: entry, loader: 'ts' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2020',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  return { code: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

before(async () => {
  // 1. Build and pack (what \`npm pack\`'s prepack does, run apart so the JSON report stays clean).
  run(NPM, ['run', '--silent', 'build'], ROOT);
  const packed = JSON.parse(
    run(NPM, ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT),
  ) as {
    filename: string;
    size: number;
    unpackedSize: number;
    files: { path: string }[];
  }[];
  tarball = join(work, packed[0].filename);
  packedFiles = packed[0].files.map((f) => f.path);
  console.log(
    `packed ${packed[0].filename}: ${packed[0].size} bytes, ${packed[0].unpackedSize} unpacked, ${packedFiles.length} files`,
  );
  // 2. A fresh project whose lock starts as ours: npm takes every dependency from the cache.
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    name: string;
    version: string;
    packages: Record<string, unknown>;
  };
  const pkg = {
    name: 'consumer',
    version: '1.0.0',
    private: true,
    dependencies: { normlab: `file:${tarball}` },
  };
  lock.name = pkg.name;
  lock.version = pkg.version;
  lock.packages[''] = { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies };
  run('mkdir', ['-p', consumer], work);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(join(consumer, 'package-lock.json'), JSON.stringify(lock, null, 2));
  run(
    NPM,
    ['install', '--offline', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'],
    consumer,
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('holds the compiled entry points, their ES wrappers and declarations, and no sources or tests', () => {
    for (const file of [
      'package.json',
      'README.md',
      'dist/cjs/norm/index.js',
      'dist/cjs/index.js',
      'dist/esm/normlab.mjs',
      'dist/esm/lab.mjs',
      'dist/types/norm/index.d.ts',
      'dist/types/index.d.ts',
    ])
      assert.ok(packedFiles.includes(file), `${file} is in the tarball`);
    const stray = packedFiles.filter((f) => !/^(package\.json|README\.md|dist\/)/.test(f));
    assert.deepEqual(stray, [], 'only package.json, README.md and dist/');
    assert.ok(!packedFiles.some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')), 'no TypeScript sources');
  });

  it('installs offline with tfjs as a peer and without tfjs-node', () => {
    const installed = (name: string): boolean =>
      spawnSync(process.execPath, ['-e', `require.resolve('${name}/package.json')`], { cwd: consumer })
        .status === 0;
    assert.ok(installed('normlab'), 'normlab');
    assert.ok(installed('@tensorflow/tfjs'), '@tensorflow/tfjs (peer, installed with it)');
    assert.ok(!installed('@tensorflow/tfjs-node'), 'tfjs-node is an optional peer: not installed');
  });

  it('works from CommonJS: require a layer, the lab re-exports the same class, deep imports are refused', () => {
    writeFileSync(
      join(consumer, 'use.cjs'),
      `const tf = require('@tensorflow/tfjs');
const normlab = require('normlab');
const lab = require('normlab/lab');
const y = new normlab.BatchNormalization({ epsilon: 1e-3 }).apply(tf.tensor2d(${JSON.stringify(BATCH)}), { training: true });
let deep = 'allowed';
try { require('normlab/dist/cjs/norm/affine.js'); } catch (e) { deep = e.code; }
console.log(JSON.stringify({ y: Array.from(y.dataSync()), sameClass: lab.BatchNormalization === normlab.BatchNormalization,
  lab: typeof lab.loadFashionMnist + ' ' + typeof lab.train, internal: typeof normlab.checkEpsilon, deep }));
`,
    );
    const r = nodeJson('use.cjs');
    assertClose(r.y as number[], expectedBatchNorm(1e-3), 1e-5, 'batch norm via require');
    assert.equal(r.sameClass, true);
    assert.equal(r.lab, 'function function');
    assert.equal(r.internal, 'undefined', 'internals are not exported');
    assert.equal(r.deep, 'ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it('works from ES modules: import a layer; import and require share one module instance', () => {
    writeFileSync(
      join(consumer, 'use.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { BatchNormalization, normLayer } from 'normlab';
import { BatchNormalization as LabBatchNormalization, buildModel } from 'normlab/lab';
const require = createRequire(import.meta.url);
const y = normLayer('batch', { epsilon: 1e-3 }).apply(tf.tensor2d(${JSON.stringify(BATCH)}), { training: true });
console.log(JSON.stringify({ y: Array.from(y.dataSync()), oneInstance: require('normlab').BatchNormalization === BatchNormalization,
  labSame: LabBatchNormalization === BatchNormalization, buildModel: typeof buildModel }));
`,
    );
    const r = nodeJson('use.mjs');
    assertClose(r.y as number[], expectedBatchNorm(1e-3), 1e-5, 'batch norm via import');
    assert.equal(r.oneInstance, true);
    assert.equal(r.labSame, true);
    assert.equal(r.buildModel, 'function');
  });

  it("ships declarations a TypeScript consumer compiles against (and that reject a kind that doesn't exist)", () => {
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: [],
        },
        files: ['good.ts'],
      }),
    );
    writeFileSync(
      join(consumer, 'good.ts'),
      `import * as tf from '@tensorflow/tfjs';
import { type NormKind, normLayer, GroupNormalization } from 'normlab';
import type { TrainConfig } from 'normlab/lab';
const kind: NormKind = 'group';
const layer: tf.layers.Layer = normLayer(kind, { groups: 2 });
const group = new GroupNormalization({ groups: 2, epsilon: 1e-5 });
const config: TrainConfig = { optimizer: 'sgd', learningRate: 0.1, batchSize: 32, epochs: 1 };
export { layer, group, config };
`,
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    run(process.execPath, [tsc, '-p', 'tsconfig.json'], consumer);
    writeFileSync(join(consumer, 'bad.ts'), `import { normLayer } from 'normlab';\nnormLayer('batchy');\n`);
    writeFileSync(
      join(consumer, 'tsconfig.bad.json'),
      JSON.stringify({ extends: './tsconfig.json', files: ['bad.ts'] }),
    );
    const badRun = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.bad.json'], {
      cwd: consumer,
      encoding: 'utf8',
    });
    assert.notEqual(badRun.status, 0, 'a wrong norm kind is a type error');
    assert.match(badRun.stdout, /TS2345.*"batchy"/s);
  });

  it('bundles for the browser and runs a layer in Chromium', async () => {
    writeFileSync(
      join(consumer, 'browser.mjs'),
      `import * as tf from '@tensorflow/tfjs';
import { BatchNormalization } from 'normlab';
(async () => {
  try {
    await tf.setBackend('cpu');
    const y = new BatchNormalization({ epsilon: 1e-3 }).apply(tf.tensor2d(${JSON.stringify(BATCH)}), { training: true });
    window.__result = { y: Array.from(y.dataSync()), backend: tf.getBackend() };
  } catch (e) { window.__error = String(e && e.stack || e); }
})();
`,
    );
    const bundle = await bundleForBrowser(join(consumer, 'browser.mjs'), consumer);
    assert.ok(
      bundle.inputs.some((p) => p.includes('node_modules/normlab/dist/')),
      'the bundle holds the installed package',
    );
    assert.ok(browser, 'Chromium runs');
    const r = (await runInPage(browser, bundle.code)) as { y: number[]; backend: string };
    assert.equal(r.backend, 'cpu');
    assertClose(r.y, expectedBatchNorm(1e-3), 1e-5, 'batch norm in Chromium');
  });
});

describe('the browser-safe entry from source, in Chromium', () => {
  // Every kind whose output is deterministic (noisy batch norm draws random noise per step).
  const kinds = NORM_KINDS.filter((k) => !k.startsWith('noisy'));
  const shape: [number, number, number, number] = [2, 3, 3, 4];
  const values = Array.from(
    { length: shape.reduce((a, b) => a * b, 1) },
    (_, i) => Math.sin(i * 0.7) * 3 + (i % 5),
  );

  it('bundles with no Node module and every kind matches the native backend', async () => {
    const entry = join(work, 'source-entry.ts');
    writeFileSync(
      entry,
      `import * as tf from '@tensorflow/tfjs';
import { normLayer } from ${JSON.stringify(join(ROOT, 'lib', 'norm', 'index'))};
(async () => {
  try {
    await tf.setBackend('cpu');
    const out: Record<string, number[]> = {};
    for (const kind of ${JSON.stringify(kinds)}) {
      const x = tf.tensor4d(${JSON.stringify(values)}, ${JSON.stringify(shape)});
      const y = normLayer(kind as never, { groups: 2 }).apply(x, { training: true }) as tf.Tensor;
      out[kind] = Array.from(y.dataSync());
    }
    (window as unknown as { __result: unknown }).__result = out;
  } catch (e) { (window as unknown as { __error: unknown }).__error = String((e as Error).stack ?? e); }
})();
`,
    );
    const bundle = await bundleForBrowser(entry, ROOT);
    assert.ok(bundle.inputs.some((p) => p.includes('lib/norm/batch-normalization.ts')));
    assert.ok(!bundle.inputs.some((p) => /tfjs-node|node:/.test(p)), 'no Node-only input');
    assert.ok(browser, 'Chromium runs');
    const inBrowser = (await runInPage(browser, bundle.code)) as Record<string, number[]>;
    const before = tf.memory().numTensors;
    for (const kind of kinds as NormKind[]) {
      const y = tf.tidy(() =>
        (
          normLayer(kind, { groups: 2 }).apply(tf.tensor4d(values, shape), { training: true }) as tf.Tensor
        ).dataSync(),
      );
      assertClose(inBrowser[kind], Array.from(y), 1e-4, `${kind} in Chromium vs tfjs-node`);
    }
    assert.ok(tf.memory().numTensors - before <= kinds.length * 8, 'only the layers’ weights remain');
  });
});
