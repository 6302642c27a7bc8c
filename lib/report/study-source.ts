/**
 * Where a notebook's study results came from, as Markdown: one sentence, then each provenance file
 * beside a committed results file, rendered as the Markdown it is (its headings demoted under the
 * notebook's own), for `showMarkdown` in lib/plot.
 *
 * @module
 */
import type { LoadedStudy } from '../study/run/load-or-run';

/** Markdown headings moved `levels` deeper (capped at `######`), outside fenced code blocks. */
export function demoteHeadings(markdown: string, levels: number): string {
  let fenced = false;
  return markdown
    .split('\n')
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
      if (fenced) return line;
      const heading = /^(#{1,6})(\s.*)$/.exec(line);
      return heading ? `${'#'.repeat(Math.min(6, heading[1].length + levels))}${heading[2]}` : line;
    })
    .join('\n');
}

/**
 * The source of the study's records as Markdown: for a committed file, `Read **n runs** of the
 * 'name' study from `file` (created ...)` followed by each provenance file (headings demoted by 2,
 * so a `#` title shows as a third-level heading); for a live run, one sentence naming the profile
 * and the file.
 *
 * @example
 * ```ts
 * showMarkdown(studySourceMarkdown(study));
 * ```
 */
export function studySourceMarkdown(study: LoadedStudy): string {
  const n = study.records.length;
  if (study.source === 'live') {
    return `No committed full run: **${n} runs** of the \`${study.spec.name}\` profile from \`${study.resultsPath}\`.`;
  }
  const parts = [
    `Read **${n} runs** of the \`${study.spec.name}\` study from \`${study.resultsPath}\` (created ${study.createdAt ?? 'at an unknown time'}).`,
  ];
  for (const p of study.provenance) parts.push(demoteHeadings(p.text, 2));
  return parts.join('\n\n');
}
