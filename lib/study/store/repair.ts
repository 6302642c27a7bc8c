/**
 * Repair a damaged results file (Node I/O; the study CLI's `--repair`): keep every line that
 * passes the store's checks, move every other line (garbage, a torn tail, runs of another spec or
 * plan, edited records, duplicates) to the quarantine file, rebuild a damaged header from the
 * spec the caller names, and keep the original bytes as `<file>.bak-<time>`.
 *
 * @module
 */
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { specHash } from '../spec/plan';
import type { ResultsHeader } from '../spec/records';
import type { StudySpec } from '../spec/schema';
import { replaceFileDurably } from './durable-write';
import { tryLockResults } from './lock';
import { checkRunLine, type RejectedLine } from './record-check';
import {
  isWholeRecord,
  makeHeader,
  parseHeaderLine,
  plannedIds,
  quarantineLines,
  quarantinePath,
  splitLines,
} from './results';

/** What {@link repairResults} did. */
export interface RepairReport {
  /** The repaired file. */
  path: string;
  /** Run records kept. */
  kept: number;
  /** Lines moved to the quarantine file. */
  quarantined: number;
  /** Those lines with their reasons. */
  lines: RejectedLine[];
  /** The quarantine file. */
  quarantinePath: string;
  /** The copy of the original file. */
  backupPath: string;
  /** Whether the header was rebuilt from the given spec. */
  headerRebuilt: boolean;
}

/**
 * Repair a results file in place (under its lock).
 *
 * @param path - the results file.
 * @param spec - the spec it belongs to; required when the header is damaged, and when given it must
 *   match an intact header.
 * @throws when the file is missing, held by another study, the header is damaged and no spec was
 *   given, or the header belongs to another spec than the one given.
 * @example
 * ```ts
 * const r = repairResults('results/full/results.jsonl', profileSpec('full'));
 * console.log(`kept ${r.kept} runs, ${r.quarantined} lines set aside in ${r.quarantinePath}`);
 * ```
 */
export function repairResults(path: string, spec?: StudySpec): RepairReport {
  if (!existsSync(path)) throw new Error(`results file ${path} does not exist: nothing to repair`);
  const lock = tryLockResults(path);
  try {
    const split = splitLines(readFileSync(path));
    const lines = split.lines.map((l) => l.text);
    // A last line without its newline is kept when it is a whole record (checked below).
    const tail = split.tail.toString('utf8');
    const whole = tail.length > 0 && isWholeRecord(tail);
    if (whole) lines.push(tail);
    const torn = whole ? '' : tail;
    const rejected: RejectedLine[] = [];
    let header: ResultsHeader;
    let headerRebuilt = false;
    let first = 1;
    try {
      header = parseHeaderLine(path, lines[0]);
      if (spec && specHash(spec) !== header.specHash)
        throw new Error(
          `results file ${path} belongs to spec '${header.specName}' (hash ${header.specHash}), not to '${spec.name}' ` +
            `(hash ${specHash(spec)}); nothing was changed. Repair it with the spec it was made with.`,
        );
    } catch (error) {
      if (!(error as Error).message.includes('header (line 1) is damaged')) throw error;
      if (!spec)
        throw new Error(
          `results file ${path}: the header is damaged, so the file does not say which study it belongs to; ` +
            'say it with --profile or --spec and rerun --repair. Nothing was changed.',
        );
      header = makeHeader(spec);
      headerRebuilt = true;
      first = 0;
    }
    const planIds = plannedIds(header.spec, lines.slice(first));
    const kept: string[] = [];
    const seen = new Set<string>();
    for (let i = first; i < lines.length; i++) {
      const line = lines[i];
      if (line.trim() === '') continue;
      const checked = checkRunLine(line, { header, planIds });
      let reason = 'reason' in checked ? checked.reason : undefined;
      if (!reason && seen.has((checked as { id: string }).id)) reason = 'a duplicate of an earlier record';
      if (i === 0 && reason) reason = `the damaged header line (${reason})`;
      if (reason) {
        rejected.push({ line: i + 1, reason, text: line });
        continue;
      }
      seen.add((checked as { id: string }).id);
      kept.push(line);
    }
    if (torn.length > 0) rejected.push({ line: lines.length + 1, reason: 'a torn last line', text: torn });
    const backupPath = `${path}.bak-${Date.now()}`;
    copyFileSync(path, backupPath);
    if (rejected.length > 0) quarantineLines(path, rejected);
    replaceFileDurably(path, [JSON.stringify(header), ...kept].map((l) => `${l}\n`).join(''));
    return {
      path,
      kept: kept.length,
      quarantined: rejected.length,
      lines: rejected,
      quarantinePath: quarantinePath(path),
      backupPath,
      headerRebuilt,
    };
  } finally {
    lock.release();
  }
}
