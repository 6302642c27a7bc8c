/**
 * An exclusive lock per results file (Node I/O), so two studies never write one file at once.
 *
 * The lock is a file `<results>.lock` created with `O_EXCL` and holding who took it (pid, host,
 * since, command). A second study is refused with that information, or waits (`wait: true`)
 * until the file is free. A lock whose process is gone (same host, pid no longer alive) is stale
 * and is taken over; the takeover itself is serialized by a short-lived `<results>.lock.takeover`
 * file, so two processes that find the same stale lock never both take it. A lock from another
 * host cannot be checked and is never taken over: the message says how to clear it by hand.
 *
 * @module
 */
import { closeSync, openSync, readFileSync, statSync, unlinkSync, utimesSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Who holds a results file (the content of its lock file). */
export interface LockHolder {
  /** Process id of the holder. */
  pid: number;
  /** Host name of the holder. */
  host: string;
  /** When the lock was taken (ISO 8601). */
  since: string;
  /** The holder's command line. */
  command: string;
  /** The holder's start time as the kernel counts it (Linux `/proc/<pid>/stat`), to tell a reused pid. */
  start?: string;
  /** Set on a taken-over lock file that was empty or unreadable: then the other fields say nothing. */
  unreadable?: boolean;
}

/** A held lock. */
export interface ResultsLock {
  /** The lock file. */
  path: string;
  /** This process's entry in it. */
  holder: LockHolder;
  /** The stale lock of a dead process this lock replaced, if any. */
  takenOverFrom?: LockHolder;
  /** Release the lock (idempotent; also done when the process exits). */
  release(): void;
}

/** Options of {@link lockResults}. */
export interface LockOptions {
  /** Wait until the file is free instead of failing. Default false. */
  wait?: boolean;
  /** Poll interval while waiting, in ms. Default 500. */
  pollMs?: number;
  /** Called once per poll while waiting, with the current holder. */
  onWait?: (holder: LockHolder) => void;
}

/** Thrown when a results file is locked by another live study. */
export class ResultsLockedError extends Error {
  /** Who holds it. */
  readonly holder: LockHolder;

  constructor(resultsPath: string, holder: LockHolder, sameHost: boolean) {
    super(
      `results file ${resultsPath} is in use by another study: pid ${holder.pid} on host ${holder.host}, ` +
        `since ${holder.since} (${holder.command}). Wait for it to finish, rerun with --wait to start when it ` +
        'does, or choose another --out directory.' +
        (sameHost
          ? ''
          : ` That host cannot be checked from here: the lock counts as stale once its holder has not refreshed it ` +
            `for ${LOCK_STALE_MS / 60_000} minutes (--wait waits for that), or delete ${resultsPath}.lock if you are sure ` +
            'that study is gone.'),
    );
    this.name = 'ResultsLockedError';
    this.holder = holder;
  }
}

/** The lock file of a results file. */
export function lockPath(resultsPath: string): string {
  return `${resultsPath}.lock`;
}

/** What a lock file holds: a holder, a holder whose pid names no process, or nothing readable. */
type LockContent =
  | { kind: 'holder'; holder: LockHolder; raw: string }
  | { kind: 'invalid'; holder: LockHolder; raw: string }
  | { kind: 'unreadable'; raw?: string };

function readLock(path: string): LockContent {
  let raw: string;
  try {
    raw = readFileSync(path, 'utf8');
  } catch {
    return { kind: 'unreadable' }; // missing (released meanwhile): handled by the caller
  }
  try {
    const value = JSON.parse(raw) as Partial<LockHolder>;
    if (typeof value.pid === 'number' && typeof value.host === 'string') {
      const holder: LockHolder = {
        pid: value.pid,
        host: value.host,
        since: String(value.since ?? '?'),
        command: String(value.command ?? '?'),
        ...(typeof value.start === 'string' ? { start: value.start } : {}),
      };
      // kill() takes 0 as this process group and -1 as every process: never a holder.
      const valid = Number.isInteger(value.pid) && value.pid > 0;
      return { kind: valid ? 'holder' : 'invalid', holder, raw };
    }
  } catch {
    // Torn or being written: the caller waits a moment before calling it stale.
  }
  return { kind: 'unreadable', raw };
}

function readHolder(path: string): LockHolder | undefined {
  const content = readLock(path);
  return content.kind === 'holder' ? content.holder : undefined;
}

/**
 * The lock a study took over, in words: the holder that is gone, or what was wrong with the lock
 * file.
 *
 * @example
 * ```ts
 * if (writer.staleLock) console.log(`took over ${describeStaleLock(writer.staleLock)}`);
 * ```
 */
export function describeStaleLock(holder: LockHolder): string {
  if (holder.unreadable)
    return 'an empty or unreadable lock file (left by a study that stopped while taking it)';
  if (!(Number.isInteger(holder.pid) && holder.pid > 0))
    return `a lock file naming no process (pid ${holder.pid}, host ${holder.host})`;
  return `the lock of pid ${holder.pid} on host ${holder.host} (since ${holder.since}), which is no longer running`;
}

/** Fields of `/proc/<pid>/stat` after the command name (Linux), or undefined where unknown. */
function procStat(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name is in parentheses and may hold spaces: count after its last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** A process's start time in clock ticks since boot (Linux field 22), or undefined where unknown. */
function processStart(pid: number): string | undefined {
  return procStat(pid)?.[19];
}

/**
 * Whether the holder (on this host) still runs: its pid is alive, it is not a zombie (killed but
 * not yet reaped by its parent: `kill(pid, 0)` still succeeds on it) and, where known, it started
 * when the holder did.
 */
function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(holder.pid);
  // Field 3, the state: Z is a zombie, X a process being removed.
  if (stat && (stat[0] === 'Z' || stat[0] === 'X')) return false;
  if (holder.start === undefined) return true;
  const start = stat?.[19];
  return start === undefined || start === holder.start;
}

/** The holder refreshes its lock this often. */
export const LOCK_REFRESH_MS = 15_000;
/** A lock from another host not refreshed for this long is stale. */
export const LOCK_STALE_MS = 120_000;

/** Create a file exclusively with the given content; false when it already exists. */
function createExclusive(path: string, content: string): boolean {
  let fd: number;
  try {
    fd = openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, content);
  } finally {
    closeSync(fd);
  }
  return true;
}

const TAKEOVER_STALE_MS = 30_000;
/** An unreadable lock file younger than this is being written right now: try again. */
const FRESH_MS = 2_000;

type Attempt = { lock: ResultsLock } | { holder: LockHolder; sameHost: boolean } | { retry: true };

function attempt(resultsPath: string): Attempt {
  const path = lockPath(resultsPath);
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    command: process.argv.slice(1).join(' '),
    start: processStart(process.pid),
  };
  const made = (takenOverFrom?: LockHolder): Attempt => ({ lock: heldLock(path, me, takenOverFrom) });
  if (createExclusive(path, JSON.stringify(me))) return made();
  let age = 0;
  try {
    const stat = statSync(path);
    if (stat.isDirectory())
      throw new Error(
        `results file ${resultsPath}: its lock ${path} is a directory, not a lock file. No study makes that: ` +
          `remove it (rmdir ${path}) if no study is using this folder, then rerun.`,
      );
    age = Date.now() - stat.mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { retry: true }; // released meanwhile
    throw error;
  }
  const content = readLock(path);
  const holder = content.kind === 'unreadable' ? undefined : content.holder;
  if (content.kind === 'unreadable') {
    // Unreadable: a writer between create and write, or a lock file torn by a crash.
    if (age < FRESH_MS) return { retry: true };
  } else if (content.kind === 'invalid') {
    // A pid that names no process (0, -1): nobody holds it.
  } else if (!holder) {
    return { retry: true };
  } else if (holder.host !== me.host) {
    if (age < LOCK_STALE_MS) return { holder, sameHost: false };
  } else if (holder.pid === process.pid) {
    // Our pid but not a lock we hold: left by an earlier process with the same pid (a container).
    if ([...held].some((l) => l.path === path)) return { holder, sameHost: true };
  } else if (isAlive(holder)) {
    return { holder, sameHost: true };
  }
  // Stale: take it over under the takeover file, checking it is still the same stale lock.
  const takeover = `${path}.takeover`;
  if (!createExclusive(takeover, String(process.pid))) {
    try {
      if (Date.now() - statSync(takeover).mtimeMs > TAKEOVER_STALE_MS) unlinkSync(takeover);
    } catch {
      // Gone meanwhile.
    }
    return { retry: true };
  }
  try {
    if (readLock(path).raw !== content.raw) return { retry: true };
    try {
      unlinkSync(path);
    } catch {
      // Released meanwhile: create it below.
    }
    if (createExclusive(path, JSON.stringify(me)))
      return made(holder ?? { pid: -1, host: me.host, since: '?', command: '?', unreadable: true });
    return { retry: true };
  } finally {
    unlinkSync(takeover);
  }
}

const held = new Set<ResultsLock>();
let exitHookInstalled = false;

function heldLock(path: string, holder: LockHolder, takenOverFrom?: LockHolder): ResultsLock {
  let released = false;
  // Show other hosts that the holder is alive (see LOCK_STALE_MS).
  const refresh = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Gone: nothing to refresh.
    }
  }, LOCK_REFRESH_MS);
  refresh.unref();
  const lock: ResultsLock = {
    path,
    holder,
    takenOverFrom,
    release() {
      if (released) return;
      released = true;
      clearInterval(refresh);
      held.delete(lock);
      // Remove the file only while it is still ours.
      const current = readHolder(path);
      if (current && current.pid === holder.pid && current.since === holder.since) {
        try {
          unlinkSync(path);
        } catch {
          // Already gone.
        }
      }
    },
  };
  held.add(lock);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const l of [...held]) l.release();
    });
  }
  return lock;
}

/**
 * Take the lock of a results file without waiting.
 *
 * @throws {@link ResultsLockedError} when another live study holds it (pid, host, since).
 */
export function tryLockResults(resultsPath: string): ResultsLock {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let i = 0; i < 1000; i++) {
    const a = attempt(resultsPath);
    if ('lock' in a) return a.lock;
    if ('holder' in a) throw new ResultsLockedError(resultsPath, a.holder, a.sameHost);
    Atomics.wait(pause, 0, 0, 5); // another process is writing its lock file: a moment
  }
  throw new Error(
    `results file ${resultsPath}: could not take its lock ${lockPath(resultsPath)} (it keeps changing)`,
  );
}

/**
 * Take the lock of a results file; with `wait`, poll until it is free (a holder that dies leaves
 * a stale lock, which is taken over).
 *
 * @throws {@link ResultsLockedError} without `wait` when another live study holds it.
 * @example
 * ```ts
 * const lock = await lockResults('results/quick/results.jsonl', { wait: true });
 * try { ... } finally { lock.release(); }
 * ```
 */
export async function lockResults(resultsPath: string, options: LockOptions = {}): Promise<ResultsLock> {
  const pollMs = options.pollMs ?? 500;
  for (;;) {
    const a = attempt(resultsPath);
    if ('lock' in a) return a.lock;
    if ('holder' in a) {
      if (!options.wait) throw new ResultsLockedError(resultsPath, a.holder, a.sameHost);
      options.onWait?.(a.holder);
    }
    await new Promise((resolve) => setTimeout(resolve, 'retry' in a ? Math.min(pollMs, 5) : pollMs));
  }
}
