/**
 * Build-time data for the home page's scorecard: docs/public/generated/scorecard.json, written
 * by scripts/docs/build.ts from the study's results. `null` when the build has not made it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One claim of the study, as the scorecard states it. */
export interface ScorecardRow {
  claim: string;
  experiment: string;
  /** The verdict's plain sentence. */
  evidence: string;
  /** The deciding comparison with its statistics, or empty. */
  detail: string;
  /** The notebook page with the claim's evidence. */
  link: string;
  verdict: string;
  /** How to colour the verdict: one tone per verdict (`revision`: under revision). */
  tone: 'holds' | 'fails' | 'depends' | 'open' | 'revision' | 'untested';
}

/** The scorecard and where its numbers come from. */
export interface ScorecardData {
  source: string;
  rows: ScorecardRow[];
}

const file = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'public',
  'generated',
  'scorecard.json',
);

declare const data: ScorecardData | null;

export { data };

export default {
  watch: [file],
  load(): ScorecardData | null {
    if (!existsSync(file)) return null;
    return JSON.parse(readFileSync(file, 'utf8')) as ScorecardData;
  },
};
