/**
 * Whether one line of a results file may be counted: it must parse, match the results schema,
 * belong to the file's spec, hash to its own id (its config was not edited) and be a run of the
 * plan. Generic over the schema and the plan: whatever `validateResultsRecord` and the plan's ids
 * say.
 *
 * @module
 */

import type { ResultsHeader, RunRecord } from '../spec/records';
import { runId } from '../spec/run-config';
import { validateResultsRecord } from './results-schema';

/** A line of a results file that was not counted, and why. */
export interface RejectedLine {
  /** 1-based line number in the file. */
  line: number;
  /** Why it was not counted. */
  reason: string;
  /** The line's text, as read. */
  text: string;
}

/** What to check a run line against. */
export interface RunLineContext {
  /** The file's header. */
  header: ResultsHeader;
  /** Ids of the planned runs (records of other ids are rejected); omitted: not checked. */
  planIds?: ReadonlySet<string>;
  /** Validate against the results schema and the id hash. Default true. */
  validate?: boolean;
}

/**
 * Check one run line: the parsed record, or the reason it must not be counted.
 *
 * @param text - the line (without its newline).
 */
export function checkRunLine(text: string, context: RunLineContext): RunRecord | { reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { reason: `not JSON (${(error as Error).message})` };
  }
  const type = (value as { type?: unknown } | null)?.type;
  if (type === 'header') return { reason: 'a second header' };
  if (type !== 'run') return { reason: `not a run record (type ${JSON.stringify(type)})` };
  if (context.validate ?? true) {
    try {
      validateResultsRecord(value);
    } catch (error) {
      return { reason: (error as Error).message };
    }
  }
  const record = value as RunRecord;
  if (record.specHash !== context.header.specHash)
    return {
      reason: `run ${record.id} belongs to spec ${record.specHash}, the file to ${context.header.specHash}`,
    };
  if (context.validate ?? true) {
    let hash: string;
    try {
      hash = runId(record.config);
    } catch (error) {
      return { reason: `its config cannot be hashed (${(error as Error).message})` };
    }
    if (hash !== record.id)
      return {
        reason: `its config does not hash to its id (id ${record.id}, config ${hash}): edited after the run?`,
      };
  }
  if (context.planIds && !context.planIds.has(record.id))
    return { reason: `run ${record.id} is not in the plan of spec '${context.header.specName}'` };
  return record;
}
