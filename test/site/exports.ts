/**
 * The public exports of normlab's entry points, as TypeScript sees them (the names a user can
 * import), and the API page each entry point is documented on.
 */
import { join } from 'node:path';
import ts from 'typescript';
import { PACKAGE_ENTRIES } from '../../scripts/package/entry-points';
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

/** Every name exported by `file` (values and types), sorted. */
export function publicExports(file: string): string[] {
  const entry = join(ROOT, file);
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (!source) throw new Error(`cannot read ${entry}`);
  const module = checker.getSymbolAtLocation(source);
  if (!module) return [];
  return checker
    .getExportsOfModule(module)
    .map((s) => s.getName())
    .filter((name) => name !== 'default')
    .sort();
}
