/**
 * normlab's package entry points: the source file, what users import, and where the build puts
 * the CommonJS module, its ES-module wrapper and its declarations. package.json's `exports` map,
 * typedoc.json's `entryPoints` and the tests follow this list.
 */
import ts from 'typescript';

/** One entry point of the package. */
export interface PackageEntry {
  /** What users import (a key of package.json's `exports`, prefixed with the package name). */
  importName: string;
  /** The source file, relative to the project root. */
  source: string;
  /** The compiled CommonJS module, relative to the project root. */
  cjs: string;
  /** The ES-module wrapper around it. */
  esm: string;
  /** The type declarations. */
  types: string;
  /** The API page of the site (relative to its base). */
  page: string;
}

/** `normlab`: the layers (browser-safe); `normlab/lab`: everything, for Node. */
export const PACKAGE_ENTRIES: readonly PackageEntry[] = [
  {
    importName: 'normlab',
    source: 'lib/norm/index.ts',
    cjs: 'dist/cjs/norm/index.js',
    esm: 'dist/esm/normlab.mjs',
    types: 'dist/types/norm/index.d.ts',
    page: 'api/normlab.html',
  },
  {
    importName: 'normlab/lab',
    source: 'lib/index.ts',
    cjs: 'dist/cjs/index.js',
    esm: 'dist/esm/lab.mjs',
    types: 'dist/types/index.d.ts',
    page: 'api/normlab/lab.html',
  },
];

/** The names `source` exports, as TypeScript sees them: all of them, and the runtime values only. */
export function exportedNames(source: string): { all: string[]; values: string[] } {
  const program = ts.createProgram([source], {
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    target: ts.ScriptTarget.ES2022,
    esModuleInterop: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(source);
  if (!file) throw new Error(`cannot read ${source}`);
  const module = checker.getSymbolAtLocation(file);
  if (!module) return { all: [], values: [] };
  const symbols = checker.getExportsOfModule(module).filter((s) => s.getName() !== 'default');
  const isValue = (s: ts.Symbol): boolean => {
    const target = s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;
    return (target.flags & ts.SymbolFlags.Value) !== 0 && !isTypeOnlyExport(s);
  };
  return {
    all: symbols.map((s) => s.getName()).sort(),
    values: symbols
      .filter(isValue)
      .map((s) => s.getName())
      .sort(),
  };
}

/** An `export type { X }` / `export { type X }` re-export: no runtime value even if X is a class. */
function isTypeOnlyExport(s: ts.Symbol): boolean {
  return (s.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d));
}
