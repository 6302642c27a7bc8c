/**
 * The JSONL results store (Node I/O). Line 1 is a {@link ResultsHeader} that ties the file to
 * one spec (by hash); every further line is one finished {@link RunRecord}.
 *
 * Durability: a record is appended with a single `write` of one complete line followed by
 * `fsync`, so a killed process leaves at most a torn last line. Loading ignores a torn last
 * line; opening for append first copies it to `<file>.torn-<time>` and then truncates it away,
 * so the file is valid again and no byte is lost. A corrupt line elsewhere, or a header of
 * another spec, is an error: the file is never rewritten.
 *
 * Two processes writing the same file (e.g. two studies started on one output directory) do not
 * corrupt it (each record is one `O_APPEND` write), but each trains the runs it found missing
 * when it started, so work may be done twice; loading keeps the first record of each run id.
 * Use `--shard i/n` to split work between processes.
 *
 * @module
 */
import {
  closeSync,
  copyFileSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import { validateResultsRecord } from './results-schema';
import type { StudySpec } from './spec';
import { specHash as hashOfSpec } from './spec';
import type { ResultsHeader, RunRecord } from './types';

/** A loaded results file. */
export interface LoadedResults {
  /** The header. */
  header: ResultsHeader;
  /** Finished runs, unique by id (the first record of an id wins), in file order. */
  runs: RunRecord[];
  /** Whether the last line was torn (incomplete) and ignored. */
  tornTail: boolean;
  /** Byte length of the valid prefix (through the last complete line). */
  validBytes: number;
  /** Duplicate run records ignored (same id seen earlier). */
  duplicates: number;
}

/** Options of {@link loadResults}. */
export interface LoadResultsOptions {
  /** Validate each record against the zod schema (slower). Default true. */
  validate?: boolean;
}

/**
 * Read a results file.
 *
 * @throws when the file is missing, has no valid header, or a line other than the last is not a
 *   valid record (the message names the line).
 * @example
 * ```ts
 * const { header, runs } = loadResults('results/quick/results.jsonl');
 * console.log(header.specName, runs.length, 'runs');
 * ```
 */
export function loadResults(path: string, options: LoadResultsOptions = {}): LoadedResults {
  const validate = options.validate ?? true;
  if (!existsSync(path)) throw new Error(`results file ${path} does not exist`);
  const text = readFileSync(path, 'utf8');
  const lines = text.split('\n');
  // After the final '\n' split gives an empty string; anything else there is an unterminated line.
  const last = lines.pop() ?? '';
  let tornTail = last.length > 0;
  let validBytes = Buffer.byteLength(text, 'utf8') - Buffer.byteLength(last, 'utf8');
  let header: ResultsHeader | undefined;
  const runs: RunRecord[] = [];
  const seen = new Set<string>();
  let duplicates = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
      if (validate) validateResultsRecord(value);
    } catch (error) {
      if (i === lines.length - 1 && !tornTail) {
        // A complete-looking but unparsable last line: also a torn write (e.g. zero-filled tail).
        tornTail = true;
        validBytes -= Buffer.byteLength(line, 'utf8') + 1;
        break;
      }
      throw new Error(`results file ${path}, line ${i + 1}: ${(error as Error).message}`);
    }
    const record = value as ResultsHeader | RunRecord;
    if (i === 0) {
      if (record.type !== 'header')
        throw new Error(`results file ${path}: line 1 is not a header record (type '${record.type}')`);
      header = record;
      continue;
    }
    if (record.type !== 'run') throw new Error(`results file ${path}, line ${i + 1}: a second header`);
    if (header && record.specHash !== header.specHash)
      throw new Error(
        `results file ${path}, line ${i + 1}: run ${record.id} belongs to spec ${record.specHash}, the file to ${header.specHash}`,
      );
    if (seen.has(record.id)) {
      duplicates++;
      continue;
    }
    seen.add(record.id);
    runs.push(record);
  }
  if (!header) throw new Error(`results file ${path} has no header line (empty or torn at the first line)`);
  return { header, runs, tornTail, validBytes, duplicates };
}

/** Make the header record of a spec. */
export function makeHeader(spec: StudySpec, createdAt: Date = new Date()): ResultsHeader {
  return {
    type: 'header',
    format: 'normlab-study-results',
    formatVersion: 1,
    specHash: hashOfSpec(spec),
    specName: spec.name,
    spec,
    createdAt: createdAt.toISOString(),
  };
}

/** Append one complete line and fsync it (one `write` call of the whole line). */
function appendLineDurably(path: string, line: string): void {
  if (line.includes('\n')) throw new Error('appendLineDurably: a record must be one line');
  const fd = openSync(path, 'a');
  try {
    writeSync(fd, `${line}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** An open results file: where finished runs are appended. */
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
  /** Append a finished run (skipped, returning false, if its id is already in the file). */
  append(record: RunRecord): boolean;
}

/**
 * Open (or create) the results file of a spec for appending.
 *
 * @param path - the JSONL file; its directory is created.
 * @param spec - the validated spec; an existing file must carry its hash.
 * @throws when the file belongs to another spec (the message says which, and what to do), or is
 *   corrupt before its last line. The file is left untouched in both cases.
 */
export function openResults(path: string, spec: StudySpec): ResultsWriter {
  const header = makeHeader(spec);
  mkdirSync(dirname(path), { recursive: true });
  let runs: RunRecord[] = [];
  let tornSavedTo: string | undefined;
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
    const loaded = loadResults(path);
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
    runs = loaded.runs;
    existingHeader = loaded.header;
  } else {
    writeFileSync(path, '');
    appendLineDurably(path, JSON.stringify(header));
  }
  const finished = new Set(runs.map((r) => r.id));
  return {
    path,
    header: existingHeader,
    finished,
    runs,
    tornSavedTo,
    append(record: RunRecord): boolean {
      if (record.specHash !== existingHeader.specHash)
        throw new Error(
          `run ${record.id} is of spec ${record.specHash}, the file of ${existingHeader.specHash}`,
        );
      if (finished.has(record.id)) return false;
      appendLineDurably(path, JSON.stringify(record));
      finished.add(record.id);
      runs.push(record);
      return true;
    },
  };
}
