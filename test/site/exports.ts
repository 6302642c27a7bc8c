/**
 * The public exports of normlab's entry points, as TypeScript sees them (the names a user can
 * import), and the API page each entry point is documented on.
 */
import { join } from 'node:path';
import { exportedNames, PACKAGE_ENTRIES } from '../../scripts/package/entry-points';
import { ROOT } from './site-build';

/** An entry point of the package: its source file, its import name and its API page. */
export interface EntryPoint {
  /** The source file, relative to the project root. */
  file: string;
  /** What users import (the package.json `exports` key). */
  importName: string;
  /** The API page (relative to the site's base), one per entry point. */
  page: string;
}

/** normlab's entry points (scripts/package/entry-points.ts). */
export const ENTRY_POINTS: readonly EntryPoint[] = PACKAGE_ENTRIES.map((e) => ({
  file: e.source,
  importName: e.importName,
  page: e.page,
}));

/** Every name exported by `file` (values and types), sorted: the build's own reading of it. */
export function publicExports(file: string): string[] {
  return exportedNames(join(ROOT, file)).all;
}
