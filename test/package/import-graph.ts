/**
 * The runtime import graph of a TypeScript source file: every module it loads when it runs
 * (static imports and re-exports that are not type-only, `require('…')`, `import('…')`),
 * followed through relative imports to the files they resolve to.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

/** One import the graph found. */
export interface ImportEdge {
  /** The importing file, relative to the graph's root directory. */
  from: string;
  /** The module specifier as written, or `<dynamic>` for a non-literal `require`/`import()`. */
  specifier: string;
}

/** What the walk found: every local file reached and every import of something outside them. */
export interface ImportGraph {
  files: string[];
  external: ImportEdge[];
}

/** The specifiers `file` loads at run time (type-only imports are erased by TypeScript and skipped). */
export function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (clause.name === undefined &&
            clause.namedBindings !== undefined &&
            ts.isNamedImports(clause.namedBindings) &&
            clause.namedBindings.elements.length > 0 &&
            clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly && ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const typeOnly =
        node.isTypeOnly ||
        (clause !== undefined &&
          ts.isNamedExports(clause) &&
          clause.elements.length > 0 &&
          clause.elements.every((e) => e.isTypeOnly));
      if (!typeOnly && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier))
        found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const isRequire = ts.isIdentifier(node.expression) && node.expression.text === 'require';
      const isImport = node.expression.kind === ts.SyntaxKind.ImportKeyword;
      if (isRequire || isImport) {
        const arg = node.arguments[0];
        found.push(arg && ts.isStringLiteralLike(arg) ? arg.text : '<dynamic>');
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Resolve a relative specifier like TypeScript's node resolution does for `.ts` sources. */
function resolveLocal(fromFile: string, specifier: string): string {
  const base = join(dirname(fromFile), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  throw new Error(`cannot resolve '${specifier}' from ${fromFile}`);
}

/** Walk the runtime import graph from `entry`; paths in the result are relative to `root`. */
export function importGraph(entry: string, root: string): ImportGraph {
  const seen = new Set<string>();
  const external: ImportEdge[] = [];
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.shift() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const specifier of runtimeImports(file)) {
      if (specifier.startsWith('.')) queue.push(resolveLocal(file, specifier));
      else external.push({ from: relative(root, file), specifier });
    }
  }
  return { files: [...seen].map((f) => relative(root, f)).sort(), external };
}
