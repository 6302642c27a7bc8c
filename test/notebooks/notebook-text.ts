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
