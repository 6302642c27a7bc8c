/**
 * The public exports of lib/index.ts, as TypeScript sees them (the names a user can import).
 */
import { join } from 'node:path';
import ts from 'typescript';
import { ROOT } from './site-build';

/** Every name exported by lib/index.ts (values and types), sorted. */
export function publicExports(): string[] {
  const entry = join(ROOT, 'lib', 'index.ts');
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
