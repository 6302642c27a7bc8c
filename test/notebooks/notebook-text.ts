/** Test helper: the text (stdout and text/plain) a executed notebook printed, concatenated. */
import { readFileSync } from 'node:fs';

interface Output {
  text?: string | string[];
  data?: Record<string, unknown>;
}

/** All stream text and `text/plain` outputs of an executed notebook, in order. */
export function notebookText(executedPath: string): string {
  const nb = JSON.parse(readFileSync(executedPath, 'utf8')) as { cells: { outputs?: Output[] }[] };
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => {
      const join = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');
      return join(o.text) + join(o.data?.['text/plain']);
    })
    .join('\n');
}

/** All `text/html` and `text/markdown` outputs of an executed notebook (tables, rendered Markdown), in order. */
export function notebookRichText(executedPath: string): string {
  const nb = JSON.parse(readFileSync(executedPath, 'utf8')) as { cells: { outputs?: Output[] }[] };
  const join = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .map((o) => join(o.data?.['text/html']) + join(o.data?.['text/markdown']))
    .filter((s) => s.length > 0)
    .join('\n');
}

/** The Plotly figures of an executed notebook whose traces include a Plotly table. */
export function plotlyTables(executedPath: string): number {
  const nb = JSON.parse(readFileSync(executedPath, 'utf8')) as { cells: { outputs?: Output[] }[] };
  return nb.cells
    .flatMap((c) => c.outputs ?? [])
    .filter((o) =>
      (
        (o.data?.['application/vnd.plotly.v1+json'] as { data?: { type?: string }[] } | undefined)?.data ?? []
      ).some((t) => t.type === 'table'),
    ).length;
}

/** The source of every Markdown cell of a notebook, in order. */
export function markdownOf(notebookPath: string): string[] {
  const nb = JSON.parse(readFileSync(notebookPath, 'utf8')) as {
    cells: { cell_type: string; source: string | string[] }[];
  };
  return nb.cells
    .filter((c) => c.cell_type === 'markdown')
    .map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source));
}
