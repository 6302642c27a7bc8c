/**
 * The house's floors: every import in lib/ (type-only ones too) runs from a room to a room on a
 * lower floor, or stays inside its room. Two rooms on one floor do not import each other. A new
 * folder in lib/ must be given its floor here before the suite passes.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';

const ROOT = resolve(__dirname, '..');
const LIB = join(ROOT, 'lib');

/**
 * Each room of lib/ (a folder, or a file directly in lib/) and its floor; a room may import only
 * rooms on lower floors. The longest matching prefix names a file's room.
 */
const FLOORS: Readonly<Record<string, number>> = {
  'lib/data': 0,
  'lib/native': 0,
  'lib/stats': 0,
  'lib/backend.ts': 1,
  'lib/layers': 1,
  'lib/norm': 2,
  'lib/models': 3,
  'lib/train': 3,
  'lib/mechanism': 4,
  'lib/plot': 4,
  'lib/study/spec': 5,
  'lib/study/store': 6,
  'lib/study/run': 7,
  'lib/study/claims': 7,
  'lib/study': 8,
  'lib/report': 9,
  'lib/index.ts': 10,
};

/** The room of a repository-relative path, or `null` when no room holds it. */
function roomOf(path: string): string | null {
  let best: string | null = null;
  for (const room of Object.keys(FLOORS)) {
    if ((path === room || path.startsWith(`${room}/`)) && (best === null || room.length > best.length))
      best = room;
  }
  return best;
}

/** One import between two files of lib/, repository-relative. */
interface Edge {
  from: string;
  to: string;
}

/** The imports that break the floors: upward, sideways between rooms, or out of any room. */
function violations(edges: readonly Edge[]): string[] {
  const found: string[] = [];
  for (const { from, to } of edges) {
    const a = roomOf(from);
    const b = roomOf(to);
    if (a === null || b === null) {
      found.push(`${from} -> ${to}: ${a === null ? from : to} is in no room of the floor table`);
    } else if (a !== b && FLOORS[a] <= FLOORS[b]) {
      found.push(`${from} -> ${to}: ${a} (floor ${FLOORS[a]}) imports ${b} (floor ${FLOORS[b]})`);
    }
  }
  return found;
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module specifier a file names: imports, re-exports, `import()`, `require()`, `import('…')` types. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier) {
      if (ts.isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node)) {
      const call = node.expression;
      const loads =
        call.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(call) && call.text === 'require');
      const arg = node.arguments[0];
      if (loads && arg && ts.isStringLiteralLike(arg)) found.push(arg.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier resolves to (as TypeScript would), or `null`. */
function resolveRelative(from: string, specifier: string): string | null {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts'), base]) {
    if (existsSync(candidate) && candidate.endsWith('.ts')) return candidate;
  }
  return null;
}

/** Every import from a file of lib/ to another file of lib/. */
function libEdges(): Edge[] {
  const edges: Edge[] = [];
  for (const file of tsFiles(LIB)) {
    for (const specifier of specifiers(file)) {
      if (!specifier.startsWith('.')) continue;
      const target = resolveRelative(file, specifier);
      assert.ok(target, `${relative(ROOT, file)} imports ${specifier}, which resolves to no .ts file`);
      edges.push({ from: relative(ROOT, file), to: relative(ROOT, target) });
    }
  }
  return edges;
}

describe("lib/'s floors", () => {
  it('every import in lib/ runs to a lower floor or stays in its room', () => {
    const edges = libEdges();
    assert.ok(edges.length > 300, `the walk found the imports (${edges.length})`);
    assert.deepEqual(violations(edges), []);
  });

  it('the check catches an upward, a sideways and an unplaced import', () => {
    assert.deepEqual(
      violations([
        { from: 'lib/native/fused-batch-norm.ts', to: 'lib/norm/conventions.ts' },
        { from: 'lib/train/trainer.ts', to: 'lib/models/build.ts' },
        { from: 'lib/study/run/execute.ts', to: 'lib/study/claims/aggregate.ts' },
        { from: 'lib/attic/old.ts', to: 'lib/data/idx.ts' },
        { from: 'lib/norm/affine.ts', to: 'lib/norm/conventions.ts' },
        { from: 'lib/study/claims/decision.ts', to: 'lib/stats/holm.ts' },
      ]).map((v) => v.split(':')[0]),
      [
        'lib/native/fused-batch-norm.ts -> lib/norm/conventions.ts',
        'lib/train/trainer.ts -> lib/models/build.ts',
        'lib/study/run/execute.ts -> lib/study/claims/aggregate.ts',
        'lib/attic/old.ts -> lib/data/idx.ts',
      ],
    );
  });
});
