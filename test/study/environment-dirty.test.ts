/**
 * What makes a run's checkout "dirty": a change to any tracked file outside `results/`. A study
 * writing its own results into a committed results folder does not mark its runs dirty.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SOURCE_PATHSPEC } from '../../lib/study/run/environment';

const repo = mkdtempSync(join(tmpdir(), 'normlab-dirty-'));
after(() => rmSync(repo, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

/** What the runner's check reports for the scratch repository. */
function changes(): string {
  return git('status', '--porcelain', '--untracked-files=no', '--', ...SOURCE_PATHSPEC);
}

test('only changes outside results/ make a checkout dirty', () => {
  git('init', '-q');
  mkdirSync(join(repo, 'lib'));
  mkdirSync(join(repo, 'results', 'full'), { recursive: true });
  writeFileSync(join(repo, 'lib', 'a.ts'), 'export const a = 1;\n');
  writeFileSync(join(repo, 'results', 'full', 'results.jsonl'), '{"old":true}\n');
  git('add', '.');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'start');
  assert.equal(changes(), '');
  writeFileSync(join(repo, 'results', 'full', 'results.jsonl'), '{"new":true}\n');
  assert.equal(changes(), '', 'the study’s own output counted as a change');
  assert.notEqual(git('status', '--porcelain', '--untracked-files=no'), '', 'git itself sees the change');
  writeFileSync(join(repo, 'lib', 'a.ts'), 'export const a = 2;\n');
  assert.match(changes(), /lib\/a\.ts/);
});
