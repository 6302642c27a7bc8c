/**
 * The repository the site links to (the navigation bar, the clone command of Quick start):
 *
 * 1. `NORMLAB_REPO_URL`, when set;
 * 2. on GitHub Actions, the repository the workflow runs in (`GITHUB_SERVER_URL/GITHUB_REPOSITORY`);
 * 3. the clone's `origin` remote, as an https URL;
 * 4. otherwise {@link DEFAULT_REPO_URL}.
 */
import { execFileSync } from 'node:child_process';

/** The project's home when nothing else says where the site's repository is. */
export const DEFAULT_REPO_URL = 'https://github.com/normlab/normlab';

/** `git@host:owner/repo.git` and `https://host/owner/repo.git` as `https://host/owner/repo`. */
export function httpsUrl(remote: string): string | undefined {
  const trimmed = remote.trim().replace(/\.git$/, '');
  const ssh = /^(?:ssh:\/\/)?git@([^:/]+)[:/](.+)$/.exec(trimmed);
  if (ssh) return `https://${ssh[1]}/${ssh[2]}`;
  if (/^https?:\/\//.test(trimmed)) return trimmed.replace(/^http:/, 'https:').replace(/\/\/[^@/]+@/, '//');
  return undefined;
}

/** The repository URL by the rules above. */
export function repositoryUrl(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  if (env.NORMLAB_REPO_URL?.trim()) return env.NORMLAB_REPO_URL.trim().replace(/\/$/, '');
  if (env.GITHUB_REPOSITORY)
    return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`;
  try {
    const origin = execFileSync('git', ['remote', 'get-url', 'origin'], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    const url = httpsUrl(origin);
    if (url) return url;
  } catch {
    // Not a git clone, or no origin remote.
  }
  return DEFAULT_REPO_URL;
}
