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
 * The source of the study's records as Markdown, in one or two sentences: for a committed file,
 * `Read **n runs** of the 'name' study from `file` (created ...)` and where its provenance is (the
 * provenance files beside it, gathered on the site's *Provenance* page: the commit, the commands,
 * the machine); for a live run, one sentence naming the profile and the file. The provenance itself
 * stays on that page, so a notebook opens with its question and result.
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
  const files = study.provenance.map((p) => `\`${p.path}\``).join(', ');
  return (
    `Read **${n} runs** of the \`${study.spec.name}\` study from \`${study.resultsPath}\` (created ${study.createdAt ?? 'at an unknown time'}).` +
    (files
      ? ` How they were made (commands, machine, code version): ${files}, gathered on the site's *Provenance* page.`
      : '')
  );
}
