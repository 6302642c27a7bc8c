/**
 * The cluster recipes: the Slurm array script run as plain bash with Slurm's variables (two smoke
 * shards and the merge, real trainer), and the Kubernetes manifests' consistency.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { expandSpec } from '../../lib/study/spec/plan';
import { profileSpec } from '../../lib/study/spec/profiles';
import { loadResults } from '../../lib/study/store/results';

const root = join(__dirname, '..', '..');
const sbatch = join(root, 'deploy', 'slurm', 'study-array.sbatch');

function slurmTask(env: Record<string, string>, args: string[] = []) {
  return spawnSync('bash', [sbatch, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2', SLURM_SUBMIT_DIR: root, ...env },
  });
}

test('Slurm array script: two smoke shards then the merge give exactly the planned runs', {
  timeout: 200_000,
}, () => {
  assert.equal(spawnSync('bash', ['-n', sbatch]).status, 0, 'bash syntax');
  const out = mkdtempSync(join(tmpdir(), 'normlab-slurm-'));
  const common = { PROFILE: 'smoke', OUT: out, SLURM_ARRAY_TASK_COUNT: '2', SLURM_CPUS_PER_TASK: '1' };
  const early = slurmTask({ ...common, SHARDS: '2' }, ['merge']);
  assert.equal(early.status, 1);
  assert.match(early.stderr, /merge: expected 2 shard files in .*, found 0/);
  for (const i of ['0', '1']) {
    const r = slurmTask({ ...common, SLURM_ARRAY_TASK_ID: i });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`shard ${i}/2`));
  }
  const merge = slurmTask({ ...common, SHARDS: '2', SLURM_ARRAY_TASK_COUNT: '1' }, ['merge']);
  assert.equal(merge.status, 0, merge.stderr);
  assert.match(merge.stdout, /merged 2 file\(s\): \d+ runs \(0 duplicates dropped, 0 planned runs missing\)/);
  assert.match(merge.stdout, /Per-claim summary \((\d+) of \1 runs/);
  const merged = loadResults(join(out, 'results.jsonl'));
  assert.deepEqual(
    merged.runs.map((r) => r.id),
    expandSpec(profileSpec('smoke'), merged.runs).runs.map((r) => r.id),
    'the merged file has the unsharded plan, in plan order',
  );
  assert.deepEqual([...new Set(merged.runs.map((r) => r.shard))].sort(), ['0/2', '1/2']);
});

test('Kubernetes manifests: an Indexed Job whose completions match the shard count, and a merge Job', () => {
  const docs = parseAllDocuments(
    readFileSync(join(root, 'deploy', 'k8s', 'study-indexed-job.yaml'), 'utf8'),
  ).map((d) => {
    assert.equal(d.errors.length, 0);
    return d.toJS();
  });
  const job = docs.find((d) => d.kind === 'Job');
  const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim');
  assert.equal(job.spec.completionMode, 'Indexed');
  const container = job.spec.template.spec.containers[0];
  const env = Object.fromEntries(
    container.env.map((e: { name: string; value?: string }) => [e.name, e.value]),
  );
  assert.equal(String(job.spec.completions), env.SHARDS);
  assert.deepEqual(container.args.slice(-2), ['--shard', '$(JOB_COMPLETION_INDEX)/$(SHARDS)']);
  assert.ok(container.args.includes('--wait'), 'a retried pod waits for the stale lock of its predecessor');
  assert.match(
    readFileSync(sbatch, 'utf8'),
    /--wait --shard "\$INDEX\/\$SHARDS"/,
    'so does a requeued Slurm task',
  );
  assert.equal(job.spec.template.spec.volumes[0].persistentVolumeClaim.claimName, pvc.metadata.name);
  const merge = parseAllDocuments(
    readFileSync(join(root, 'deploy', 'k8s', 'study-merge-job.yaml'), 'utf8'),
  )[0].toJS();
  const mergeEnv = Object.fromEntries(
    merge.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [e.name, e.value]),
  );
  assert.equal(mergeEnv.SHARDS, env.SHARDS);
  assert.equal(mergeEnv.PROFILE, env.PROFILE);
  assert.match(merge.spec.template.spec.containers[0].args[0], /--merge "\$\{files\[@\]\}"/);
});

test('the Dockerfile builds the image the Kubernetes manifests name, in the directory they run in', () => {
  const dockerfile = readFileSync(join(root, 'deploy', 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((l) => l.trim() && !l.trimStart().startsWith('#'));
  const workdir = instructions.find((l) => l.startsWith('WORKDIR'))?.split(/\s+/)[1];
  for (const file of ['study-indexed-job.yaml', 'study-merge-job.yaml']) {
    const docs = parseAllDocuments(readFileSync(join(root, 'deploy', 'k8s', file), 'utf8')).map((d) =>
      d.toJS(),
    );
    const container = docs.find((d) => d.kind === 'Job').spec.template.spec.containers[0];
    assert.equal(container.workingDir, workdir, `${file}: workingDir is the Dockerfile's WORKDIR`);
    assert.ok(
      dockerfile.includes(`-t ${container.image} `),
      `${file}: the Dockerfile's build command tags ${container.image}`,
    );
  }
  // Every repository script the build runs exists, and the entry point is the study CLI.
  const scripts = [...dockerfile.matchAll(/bash (scripts\/[\w/.-]+\.sh)/g)].map((m) => m[1]);
  assert.ok(scripts.length >= 2);
  for (const s of scripts)
    assert.equal(spawnSync('bash', ['-n', join(root, s)]).status, 0, `${s} exists and parses`);
  assert.match(dockerfile, /ENTRYPOINT \["node", "--import", "tsx", "scripts\/study\.ts"\]/);
  const ignore = readFileSync(join(root, 'deploy', 'Dockerfile.dockerignore'), 'utf8').split('\n');
  for (const p of ['node_modules', '.venv', 'results'])
    assert.ok(ignore.includes(p), `${p} stays out of the context`);
});
