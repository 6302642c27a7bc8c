/**
 * The API reference's examples are code that compiles. Every `@example` of every export of the two
 * entry points (scripts/package/entry-points.ts) is wrapped in a function of one generated file
 * that imports every public name and declares the few variables examples take from their context
 * (`data`, `model`, `study`, `x`, ...), and TypeScript checks it strictly. Only "this name is not
 * in scope" errors are forgiven (an example may lean on a variable of its own story); a wrong
 * argument, a missing property or a name users cannot import fails. Also checks that every exported
 * function, class and constant has an example.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, test } from 'node:test';
import ts from 'typescript';
import { PACKAGE_ENTRIES } from '../../scripts/package/entry-points';

const ROOT = join(__dirname, '..', '..');
// node_modules/.cache does not exist in a fresh clone.
mkdirSync(join(ROOT, 'node_modules', '.cache'), { recursive: true });
const work = mkdtempSync(join(ROOT, 'node_modules', '.cache', 'normlab-examples-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** Variables examples take from their context, with their types. */
const CONTEXT = `
declare const study: LoadedStudy; declare const data: ImageDataset; declare const model: tf.LayersModel;
declare const config: TrainConfig; declare const series: BarSeries[]; declare const bands: BandSeries[];
declare const xs: tf.Tensor; declare const ys: tf.Tensor; declare const x: tf.Tensor; declare const xHat: tf.Tensor;
declare const xhat: tf.Tensor; declare const batch: Moments; declare const batchesOf4: tf.Tensor[];
declare const running: RunningStats; declare const limits: RenormLimits; declare const input: StudyReportInput;
declare const batchMean: tf.Tensor; declare const batchStd: tf.Tensor; declare const movingMean: tf.Tensor;
declare const movingStd: tf.Tensor; declare const objective: LayeredObjective; declare const record: ProbedRecord;
declare const records: RunRecord[]; declare const spec: StudySpec; declare const outDir: string; declare const specHash: string;
declare const text: string; declare const seed: number; declare const seeds: number; declare const diff: number;
declare const stepsWithBn: TimeToEvent[]; declare const stepsWithout: TimeToEvent[];
`;

/** Names TypeScript reports as not in scope: an example's own context, forgiven. */
const OUT_OF_SCOPE = new Set([2304, 2552, 18004]);

interface Example {
  name: string;
  file: string;
  code: string;
}

function collect(): { examples: Example[]; missing: string[]; values: Set<string>; types: Set<string> } {
  const examples: Example[] = [];
  const missing: string[] = [];
  const values = new Set<string>();
  const types = new Set<string>();
  for (const entry of PACKAGE_ENTRIES) {
    const source = join(ROOT, entry.source);
    const program = ts.createProgram([source], {
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      target: ts.ScriptTarget.ES2022,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
    });
    const checker = program.getTypeChecker();
    const module = checker.getSymbolAtLocation(program.getSourceFile(source) as ts.SourceFile);
    for (const symbol of module ? checker.getExportsOfModule(module) : []) {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const typeOnly = (symbol.declarations ?? []).some((d) => ts.isTypeOnlyImportOrExportDeclaration(d));
      if (target.flags & ts.SymbolFlags.Value && !typeOnly) values.add(symbol.getName());
      else types.add(symbol.getName());
      const declaration = target.declarations?.[0];
      if (!declaration) continue;
      const host = ts.isVariableDeclaration(declaration) ? declaration.parent.parent : declaration;
      const file = relative(ROOT, declaration.getSourceFile().fileName);
      const tags = ts.getJSDocTags(host).filter((t) => t.tagName.text === 'example');
      const needsExample =
        ts.isFunctionDeclaration(declaration) ||
        ts.isClassDeclaration(declaration) ||
        ts.isVariableDeclaration(declaration);
      if (needsExample && tags.length === 0) missing.push(`${symbol.getName()} (${file})`);
      for (const tag of tags) {
        const text =
          typeof tag.comment === 'string' ? tag.comment : (ts.getTextOfJSDocComment(tag.comment) ?? '');
        const code = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
        // Whole-program examples (with their own imports) are the entry points' module examples.
        if (code && !/^import /m.test(code)) examples.push({ name: symbol.getName(), file, code });
      }
    }
  }
  return { examples, missing: [...new Set(missing)].sort(), values, types };
}

const collected = collect();

test('every exported function, class and constant has an @example', () => {
  assert.deepEqual(collected.missing, [], 'exports without an example');
});

test('every @example type-checks against the public API', () => {
  const { examples, values, types } = collected;
  assert.ok(examples.length > 100, `examples found (${examples.length})`);
  const uniqueExamples = [...new Map(examples.map((e) => [`${e.file}:${e.name}:${e.code}`, e])).values()];
  const header = [
    "import * as tf from '@tensorflow/tfjs';",
    `import { ${[...values].sort().join(', ')} } from ${JSON.stringify(join(ROOT, 'lib', 'index'))};`,
    `import type { ${[...types]
      .filter((t) => !values.has(t))
      .sort()
      .join(', ')} } from ${JSON.stringify(join(ROOT, 'lib', 'index'))};`,
    CONTEXT,
  ].join('\n');
  const starts: { line: number; example: Example }[] = [];
  let body = '';
  let line = header.split('\n').length + 1;
  uniqueExamples.forEach((example, i) => {
    const chunk = `export async function example${i}() {\n${example.code}\n}\n`;
    starts.push({ line, example });
    body += chunk;
    line += chunk.split('\n').length - 1;
  });
  const file = join(work, 'examples.ts');
  writeFileSync(file, `${header}\n${body}`);
  const result = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '--noEmit',
      '--strict',
      '--target',
      'es2022',
      '--module',
      'commonjs',
      '--moduleResolution',
      'node',
      '--esModuleInterop',
      '--skipLibCheck',
      '--types',
      'node',
      '--lib',
      'ES2022,DOM',
      file,
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const problems = result.stdout
    .split('\n')
    .map((l) => /\((\d+),\d+\): error TS(\d+): (.*)/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null && !OUT_OF_SCOPE.has(Number(m[2])))
    .map((m) => {
      const at = Number(m[1]);
      const owner = [...starts].reverse().find((s) => s.line <= at);
      return `${owner ? `${owner.example.name} (${owner.example.file})` : `line ${at}`}: TS${m[2]} ${m[3]}`;
    });
  assert.deepEqual(problems, [], 'examples that do not compile');
});
