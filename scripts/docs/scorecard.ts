/**
 * The home page's scorecard data (docs/public/generated/scorecard.json, read at build time by
 * docs/.vitepress/theme/scorecard.data.ts). Placeholder until the study library lands: writes
 * nothing and says so.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const OUT = join(__dirname, '..', '..', 'docs', 'public', 'generated', 'scorecard.json');

/** Write the scorecard data when results exist; returns what happened, for the build log. */
export function writeScorecard(): string {
  rmSync(OUT, { force: true });
  return 'no study results to read yet: the home page says how to produce them';
}
