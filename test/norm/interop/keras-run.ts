/**
 * Runs scripts/keras/interop_cases.py (the real tfjs converter, both ways) in .venv-keras once,
 * cached by the hash of its inputs: the Python scripts, the pinned requirements and the models the
 * test exported. A cache hit skips Python (its TensorFlow import alone takes seconds).
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const python = join(root, '.venv-keras', 'bin', 'python');

function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** The hash of the inputs: file paths (relative) and contents. */
function inputHash(exportedDir: string): string {
  const hash = createHash('sha256');
  const inputs = [
    ...filesUnder(join(root, 'scripts', 'keras')).filter((f) => f.endsWith('.py')),
    join(root, 'requirements-keras.txt'),
    join(root, 'requirements-keras-nodeps.txt'),
  ];
  for (const file of inputs) hash.update(relative(root, file)).update(readFileSync(file));
  for (const file of filesUnder(exportedDir))
    hash.update(relative(exportedDir, file)).update(readFileSync(file));
  return hash.digest('hex').slice(0, 20);
}

/**
 * The directory with `keras-in/CASE/` (converted Keras models and expected.json) and
 * `keras-out/CASE.json` (tf_keras' predictions of the exported models), made now or cached.
 */
export function runKerasCases(exportedDir: string): string {
  if (!existsSync(python)) {
    throw new Error(
      'The Keras interop test needs .venv-keras: run `bash scripts/setup.sh --keras` (npm test does) ' +
        'or `bash scripts/setup/keras-env.sh`',
    );
  }
  const cacheRoot = join(process.env.NORMLAB_CACHE ?? join(homedir(), '.cache', 'normlab'), 'keras-interop');
  const dir = join(cacheRoot, inputHash(exportedDir));
  if (existsSync(join(dir, 'done'))) return dir;
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  const result = spawnSync(python, [join(root, 'scripts', 'keras', 'interop_cases.py'), tmp, exportedDir], {
    cwd: root,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (result.status !== 0) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `interop_cases.py failed (${result.status ?? result.signal}):\n${result.stderr.slice(-4000)}`,
    );
  }
  mkdirSync(join(tmp, 'done'));
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return dir;
}
