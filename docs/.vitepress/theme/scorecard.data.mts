/**
 * Build-time data for the home page's scorecard: docs/public/generated/scorecard.json, written
 * by scripts/docs/build.ts from the study's results. `null` when the build has not made it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScorecardData } from './scorecard-row';

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
