/**
 * The JSONL results store (Node I/O). Line 1 is a {@link ResultsHeader} that ties the file to
 * one spec (by hash); every further line is one finished {@link RunRecord}.
 *
 * One writer at a time: {@link openResults} takes the file's exclusive lock (lib/study/store/lock.ts);
 * a second study on the same file is refused with who holds it, or waits.
 *
 * Durability: a record is appended completely (short writes are continued) and fsynced before it
 * counts; a write that fails (a full disk) is cut back off, so no half line stays, and the error
 * names the file and says how to resume. A killed process leaves at most a torn last line: loading
 * ignores it; opening for append first copies it to `<file>.torn-<time>` and truncates it away.
 *
 * Trust: every line is checked (lib/study/store/record-check.ts) against the results schema, the file's
 * spec, its own id and the plan of the header's spec. A line that fails (garbage, an edited
 * config, a run of another plan, impossible metrics) is never counted: loading reports it in
 * `rejected`; opening for append moves it to the quarantine file `<file stem>.quarantine.jsonl`
 * (with its line number, reason and text) and rewrites the results file without it, so resume
 * goes on. A damaged header is an error that points to `--repair` (lib/study/store/repair.ts).
 *
 * @module
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { expandSpec, specHash as hashOfSpec } from '../spec/plan';
import type { StudySpec } from '../spec/schema';
import {
  appendDurably,
  nodeStoreFs,
  replaceFileDurably,
  type StoreFs,
  StoreWriteError,
} from './durable-write';
import { upgradeV1Record } from './legacy-format';
import { type LockHolder, type ResultsLock, tryLockResults } from './lock';
import { checkRunLine, type RejectedLine } from './record-check';
import { resultsHeaderSchema, validateResultsRecord } from './results-schema';

/**
 * Ids of the runs a spec plans, given the lines of its results file: runs at tuned learning rates
 * are planned from the file's tuning runs (so the ids depend on them); lines that are not valid
 * run records do not count.
 */
export function plannedIds(spec: StudySpec, lines: readonly string[]): Set<string> {
  const records: RunRecord[] = [];
  for (const line of lines) {
    try {
      const value = JSON.parse(line);
      if (value?.type === 'run') records.push(validateResultsRecord(value) as RunRecord);
    } catch {
      // Not a valid record: it cannot fix a tuned rate (and is rejected by the full check).
    }
  }
  return new Set(expandSpec(spec, records).runs.map((r) => r.id));
}

import type { ResultsHeader, RunRecord } from '../spec/records';

export { type LockHolder, lockPath, lockResults, type ResultsLock, tryLockResults } from './lock';
export type { RejectedLine } from './record-check';

/** A loaded results file. */
export interface LoadedResults {
  /** The header. */
  header: ResultsHeader;
  /** Finished runs that passed every check, unique by id (the first record of an id wins), in file order. */
  runs: RunRecord[];
  /** Lines that failed a check (never counted), with the reason. */
  rejected: RejectedLine[];
  /** Whether the last line was torn (incomplete) and ignored. */
  tornTail: boolean;
  /** Byte length of the valid prefix (through the last complete line). */
  validBytes: number;
  /** Duplicate run records ignored (same id seen earlier). */
  duplicates: number;
  /** Whether the last line is a complete record that only lacks its newline (it counts). */
  missingNewline?: boolean;
}

/** Options of {@link loadResults}. */
export interface LoadResultsOptions {
  /** Check each record against the schema and its id hash (slower). Default true. */
  validate?: boolean;
  /** Ids of the planned runs; default: the plan of the header's spec (when validating). */
  planIds?: ReadonlySet<string>;
}

/** The quarantine file of a results file: `results.jsonl` → `results.quarantine.jsonl`. */
export function quarantinePath(resultsPath: string): string {
  return resultsPath.endsWith('.jsonl')
    ? `${resultsPath.slice(0, -'.jsonl'.length)}.quarantine.jsonl`
    : `${resultsPath}.quarantine.jsonl`;
}

/** Parse and check a header line. @throws naming the file and pointing to `--repair`. */
export function parseHeaderLine(path: string, line: string | undefined): ResultsHeader {
  const damaged = (why: string) =>
    new Error(
      `results file ${path}: the header (line 1) is damaged: ${why}. Repair the file with the study CLI's ` +
        '--repair option (with --profile or --spec of the study it belongs to); the original is kept as a backup.',
    );
  if (line === undefined || line.trim() === '') throw damaged('it is empty');
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    throw damaged(`not JSON (${(error as Error).message})`);
  }
  if ((value as { type?: unknown } | null)?.type !== 'header')
    throw damaged(`line 1 is not a header record (type '${(value as { type?: unknown } | null)?.type}')`);
  const parsed = resultsHeaderSchema.safeParse(value);
  if (!parsed.success)
    throw damaged(
      parsed.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; '),
    );
  const header = value as ResultsHeader;
  if (hashOfSpec(header.spec) !== header.specHash)
    throw damaged(`its spec hashes to ${hashOfSpec(header.spec)}, not to its specHash ${header.specHash}`);
  // Format 1: today's code reads the spec with today's defaults (legacy-format.ts).
  if (header.formatVersion === 1) return { ...header, spec: parsed.data.spec as StudySpec };
  return header;
}

/**
 * Read a results file: the header and the runs that pass every check; failing lines are returned
 * in `rejected` (not counted), a torn last line is ignored. The file is not changed.
 *
 * @throws when the file is missing or its header is damaged (the message points to `--repair`).
 * @example
 * ```ts
 * const { header, runs, rejected } = loadResults('results/quick/results.jsonl');
 * console.log(header.specName, runs.length, 'runs;', rejected.length, 'lines not counted');
 * ```
 */
export function loadResults(path: string, options: LoadResultsOptions = {}): LoadedResults {
  const validate = options.validate ?? true;
  if (!existsSync(path)) throw new Error(`results file ${path} does not exist`);
  const { lines, tail, tailStart } = splitLines(readFileSync(path));
  if (lines.length === 0)
    throw new Error(`results file ${path} has no header line (empty or torn at the first line)`);
  const header = parseHeaderLine(path, lines[0].text);
  // The last line without its newline: a complete record counts (only the newline is missing);
  // anything else is a torn write.
  const candidates = [...lines];
  let tornTail = false;
  let validBytes = tailStart;
  let missingNewline = false;
  if (tail.length > 0) {
    const text = tail.toString('utf8');
    const whole =
      header.formatVersion !== 1 && !('reason' in checkRunLine(text, { header, validate: false }));
    if (whole) {
      candidates.push({ text, start: tailStart, end: tailStart + tail.length });
      validBytes = tailStart + tail.length;
      missingNewline = true;
    } else tornTail = true;
  }
  const texts = candidates.map((l) => l.text);
  if (header.formatVersion === 1) return loadV1(header, texts.slice(1), tornTail, validBytes);
  const planIds = options.planIds ?? (validate ? plannedIds(header.spec, texts.slice(1)) : undefined);
  const runs: RunRecord[] = [];
  const rejected: RejectedLine[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 1; i < candidates.length; i++) {
    const line = candidates[i].text;
    if (line.trim() === '') continue;
    const checked = checkRunLine(line, { header, planIds, validate });
    if ('reason' in checked) {
      if (
        i === candidates.length - 1 &&
        !tornTail &&
        !missingNewline &&
        checked.reason.startsWith('not JSON')
      ) {
        // A complete-looking but unparsable last line: a torn write (e.g. a zero-filled tail).
        tornTail = true;
        validBytes = candidates[i].start;
        break;
      }
      rejected.push({ line: i + 1, reason: checked.reason, text: line });
      continue;
    }
    if (seen.has(checked.id)) {
      duplicates++;
      continue;
    }
    seen.add(checked.id);
    runs.push(checked);
  }
  return {
    header,
    runs,
    rejected,
    tornTail,
    validBytes,
    duplicates,
    ...(missingNewline ? { missingNewline } : {}),
  };
}

/**
 * Whether a line without its newline is a whole record (it parses as a JSON run record): then only
 * its newline is missing. Whether it may be counted is checked like any other line.
 */
export function isWholeRecord(text: string): boolean {
  try {
    return (JSON.parse(text) as { type?: unknown } | null)?.type === 'run';
  } catch {
    return false;
  }
}

/** One line of a file: its decoded text and where its bytes start and end (without the newline). */
export interface FileLine {
  /** The line decoded as UTF-8 (invalid bytes become U+FFFD). */
  text: string;
  /** Byte offset of its first byte. */
  start: number;
  /** Byte offset just past its last byte (its newline, if any, is at `end`). */
  end: number;
}

/**
 * Split a file's bytes into lines, measuring in bytes (invalid UTF-8 decodes to longer text, so
 * offsets in decoded text would be wrong): the complete lines, and the bytes after the last
 * newline (`tail`, empty when the file ends with one) starting at `tailStart`.
 */
export function splitLines(bytes: Buffer): { lines: FileLine[]; tail: Buffer; tailStart: number } {
  const lines: FileLine[] = [];
  let start = 0;
  for (;;) {
    const end = bytes.indexOf(0x0a, start);
    if (end < 0) break;
    lines.push({ text: bytes.subarray(start, end).toString('utf8'), start, end });
    start = end + 1;
  }
  return { lines, tail: bytes.subarray(start), tailStart: start };
}

/**
 * A format-1 file (the study's first method): its run records, upgraded to today's shape
 * (legacy-format.ts), read as they are: not checked against today's schema or plan.
 */
function loadV1(
  header: ResultsHeader,
  lines: readonly string[],
  tornTail: boolean,
  validBytes: number,
): LoadedResults {
  const runs: RunRecord[] = [];
  const rejected: RejectedLine[] = [];
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    try {
      const value = JSON.parse(line);
      if (value?.type === 'run') runs.push(upgradeV1Record(value));
    } catch {
      rejected.push({ line: i + 2, reason: 'not JSON', text: line });
    }
  }
  return { header, runs, rejected, tornTail, validBytes, duplicates: 0 };
}

/** Make the header record of a spec. */
export function makeHeader(spec: StudySpec, createdAt: Date = new Date()): ResultsHeader {
  return {
    type: 'header',
    format: 'normlab-study-results',
    formatVersion: 2,
    specHash: hashOfSpec(spec),
    specName: spec.name,
    spec,
    createdAt: createdAt.toISOString(),
  };
}

/**
 * Append rejected lines to the quarantine file of a results file (one JSON object per line:
 * `quarantinedAt`, `from`, `line`, `reason`, `text`), fsynced.
 */
export function quarantineLines(
  resultsPath: string,
  rejected: readonly RejectedLine[],
  fs: StoreFs = nodeStoreFs,
): string {
  const path = quarantinePath(resultsPath);
  const at = new Date().toISOString();
  appendDurably(
    path,
    rejected.map((r) => `${JSON.stringify({ quarantinedAt: at, from: resultsPath, ...r })}\n`).join(''),
    fs,
  );
  return path;
}

/** Lines set aside when a results file was opened. */
export interface QuarantineReport {
  /** The quarantine file. */
  path: string;
  /** How many lines were moved there. */
  count: number;
  /** The lines, with their reasons. */
  lines: RejectedLine[];
}

/** An open results file: where finished runs are appended. Close it to release its lock. */
export interface ResultsWriter {
  /** Path of the file. */
  path: string;
  /** Its header. */
  header: ResultsHeader;
  /** Ids of the runs already in the file. */
  finished: Set<string>;
  /** Runs already in the file. */
  runs: RunRecord[];
  /** Path where a torn last line was saved before repair, if there was one. */
  tornSavedTo?: string;
  /** Lines that failed a check and were moved to the quarantine file, if any. */
  quarantined?: QuarantineReport;
  /** The stale lock of a dead process that was taken over, if any. */
  staleLock?: LockHolder;
  /**
   * Append a finished run (skipped, returning false, if its id is already in the file). It
   * counts only once all its bytes are fsynced.
   *
   * @throws {@link StoreWriteError} naming the file, the cause and how to resume, when the
   *   record could not be written completely (the file is cut back to its last complete record).
   */
  append(record: RunRecord): boolean;
  /** Release the file's lock (idempotent). */
  close(): void;
}

/** Options of {@link openResults}. */
export interface OpenResultsOptions {
  /** A lock of this file already taken with `lockResults` (e.g. after waiting); default: take it now or fail. */
  lock?: ResultsLock;
  /** The write/fsync calls (tests inject short writes and a full disk). Default: node:fs. */
  fs?: Partial<StoreFs>;
}

/** The error of a failed write: what failed, the cause, the state of the file, how to go on. */
function writeFailure(path: string, failed: string, state: string, error: unknown): StoreWriteError {
  const e = error as NodeJS.ErrnoException;
  const code = e.code ?? 'EIO';
  const fix =
    code === 'ENOSPC' || code === 'EDQUOT'
      ? `Free some space on ${dirname(path)} (or point --out at another disk), then rerun the same command`
      : 'Fix the cause, then rerun the same command';
  return new StoreWriteError(`${failed}: ${e.message}. ${state} ${fix}: the study resumes from there.`, code);
}

/**
 * Open (or create) the results file of a spec for appending, holding its lock until `close()`.
 * Lines that fail a check are moved to the quarantine file; a torn last line is saved aside.
 *
 * @param path - the JSONL file; its directory is created.
 * @param spec - the validated spec; an existing file must carry its hash.
 * @throws {@link ResultsLockedError} when another study holds the file; an error when the file
 *   belongs to another spec (the message says which, and what to do) or its header is damaged.
 *   The file is left untouched in these cases.
 */
export function openResults(path: string, spec: StudySpec, options: OpenResultsOptions = {}): ResultsWriter {
  const fs: StoreFs = { ...nodeStoreFs, ...options.fs };
  mkdirSync(dirname(path), { recursive: true });
  const lock = options.lock ?? tryLockResults(path);
  try {
    return openLocked(path, spec, fs, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function openLocked(path: string, spec: StudySpec, fs: StoreFs, lock: ResultsLock): ResultsWriter {
  const header = makeHeader(spec);
  let runs: RunRecord[] = [];
  let tornSavedTo: string | undefined;
  let quarantined: QuarantineReport | undefined;
  let existingHeader: ResultsHeader = header;
  const existing = existsSync(path) ? readFileSync(path) : undefined;
  if (existing && existing.length > 0 && !existing.includes(0x0a)) {
    // Not even the header line was completed (killed while creating the file): keep the bytes
    // aside and start the file again.
    tornSavedTo = `${path}.torn-${Date.now()}`;
    copyFileSync(path, tornSavedTo);
    truncateSync(path, 0);
  }
  if (existsSync(path) && readFileSync(path).length > 0) {
    const loaded = loadResults(path, {
      planIds: plannedIds(
        spec,
        splitLines(readFileSync(path))
          .lines.slice(1)
          .map((l) => l.text),
      ),
    });
    if (loaded.header.formatVersion === 1)
      throw new Error(
        `results file ${path} is of results format 1 (the study's first method): it can be read (e.g. --report-only), ` +
          'not resumed or appended to. Choose another --out directory. Nothing was changed.',
      );
    if (loaded.header.specHash !== header.specHash)
      throw new Error(
        `results file ${path} belongs to another spec: '${loaded.header.specName}' (hash ${loaded.header.specHash}), ` +
          `but this study is '${spec.name}' (hash ${header.specHash}). Refusing to mix them; nothing was changed. ` +
          'Choose another --out directory, or rerun with the spec the file was made with (--spec).',
      );
    if (loaded.tornTail) {
      tornSavedTo = `${path}.torn-${Date.now()}`;
      copyFileSync(path, tornSavedTo);
      truncateSync(path, loaded.validBytes);
    }
    if (loaded.missingNewline) {
      try {
        appendDurably(path, '\n', fs);
      } catch (error) {
        throw writeFailure(
          path,
          `could not end the last record of results file ${path} with its newline`,
          'The file is unchanged.',
          error,
        );
      }
    }
    if (loaded.rejected.length > 0) {
      let qPath: string;
      try {
        qPath = quarantineLines(path, loaded.rejected, fs);
        const drop = new Set(loaded.rejected.map((r) => r.line));
        const bytes = readFileSync(path);
        const kept = splitLines(bytes).lines.filter((line, i) => line.text.trim() !== '' && !drop.has(i + 1));
        // The rejected lines are safe in the quarantine file: rewrite the results without them,
        // byte for byte.
        replaceFileDurably(path, Buffer.concat(kept.map((l) => bytes.subarray(l.start, l.end + 1))), fs);
      } catch (error) {
        throw writeFailure(
          path,
          `could not move the ${loaded.rejected.length} line(s) of results file ${path} that failed the checks to ${quarantinePath(path)}`,
          `The results file is unchanged (${loaded.runs.length} valid run(s)).`,
          error,
        );
      }
      quarantined = { path: qPath, count: loaded.rejected.length, lines: loaded.rejected };
    }
    runs = loaded.runs;
    existingHeader = loaded.header;
  } else {
    writeFileSync(path, '');
    try {
      appendDurably(path, `${JSON.stringify(header)}\n`, fs);
    } catch (error) {
      throw writeFailure(
        path,
        `could not write the header of results file ${path}`,
        'Nothing is saved yet.',
        error,
      );
    }
  }
  const finished = new Set(runs.map((r) => r.id));
  return {
    path,
    header: existingHeader,
    finished,
    runs,
    tornSavedTo,
    quarantined,
    staleLock: lock.takenOverFrom,
    append(record: RunRecord): boolean {
      if (record.specHash !== existingHeader.specHash)
        throw new Error(
          `run ${record.id} is of spec ${record.specHash}, the file of ${existingHeader.specHash}`,
        );
      if (finished.has(record.id)) return false;
      const line = JSON.stringify(record);
      if (line.includes('\n')) throw new Error('a results record must be one line');
      try {
        appendDurably(path, `${line}\n`, fs);
      } catch (error) {
        throw writeFailure(
          path,
          `could not write run ${record.id} to results file ${path}`,
          `The file still ends at its last complete record (${runs.length} run(s) saved; this one is not counted).`,
          error,
        );
      }
      finished.add(record.id);
      runs.push(record);
      return true;
    },
    close(): void {
      lock.release();
    },
  };
}
