/**
 * The browser-safe entry point (`normlab`, lib/norm/index.ts), checked statically: everything it
 * loads at run time, followed through every local file, is a local file or `@tensorflow/tfjs`
 * itself; no `node:` module, no Node-only package, no `require` of a computed name. The lab entry
 * (lib/index.ts) re-exports all of it. The site's playground imports the browser-safe entry and
 * nothing else from lib/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { PACKAGE_ENTRIES } from '../../scripts/package/entry-points';
import { ENTRY_POINTS, publicExports } from '../site/exports';
import { importGraph, runtimeImports } from './import-graph';

const ROOT = join(__dirname, '..', '..');
const BROWSER_ENTRY = 'lib/norm/index.ts';
const LAB_ENTRY = 'lib/index.ts';
/** The only package the browser-safe entry may load. */
const ALLOWED_PACKAGES = ['@tensorflow/tfjs'];

describe('the browser-safe entry point', () => {
  it('loads nothing but @tensorflow/tfjs and local files at run time', () => {
    const graph = importGraph(join(ROOT, BROWSER_ENTRY), ROOT);
    assert.ok(graph.files.length > 5, `the walk reached the layer files (${graph.files.join(', ')})`);
    // Files outside lib/norm/ are fine (the native fast paths, the seeded random source) as long
    // as they, too, load nothing but tfjs: the walk follows them.
    assert.ok(graph.files.includes('lib/norm/batch-normalization.ts'), 'it reaches the layers');
    const forbidden = graph.external.filter((e) => !ALLOWED_PACKAGES.includes(e.specifier));
    assert.deepEqual(forbidden, [], 'no import of a Node module or any package but @tensorflow/tfjs');
    assert.ok(
      graph.external.some((e) => e.specifier === '@tensorflow/tfjs'),
      'the layers import @tensorflow/tfjs',
    );
  });

  it("the README's copy instructions name every file the layers need outside lib/norm/", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const graph = importGraph(join(ROOT, BROWSER_ENTRY), ROOT);
    const outside = graph.files.filter((f) => !f.startsWith('lib/norm/'));
    const unnamed = outside.filter((f) => !readme.includes(`\`${f}\``));
    assert.deepEqual(unnamed, [], 'README.md, "Copying the layers instead"');
  });

  it('the import walk does see Node imports (the lab entry has them)', () => {
    // The check above could pass by not seeing imports at all; the lab entry must trip it.
    const graph = importGraph(join(ROOT, LAB_ENTRY), ROOT);
    const nodeImports = graph.external.filter((e) => e.specifier.startsWith('node:'));
    assert.ok(nodeImports.length > 0, 'the lab loads node: modules');
    assert.ok(graph.external.some((e) => e.specifier === '<dynamic>' || e.specifier === 'zod'));
  });

  it('type-only imports are not counted as runtime imports', () => {
    const imports = runtimeImports(join(ROOT, 'lib', 'norm', 'factory.ts'));
    assert.ok(!imports.includes('@tensorflow/tfjs'), 'factory.ts imports tfjs for types only');
    assert.ok(
      imports.some((s) => s.startsWith('./')),
      'factory.ts imports its sibling files',
    );
  });

  it('the lab entry exports every name of the browser-safe entry', () => {
    const browser = publicExports(BROWSER_ENTRY);
    const lab = new Set(publicExports(LAB_ENTRY));
    assert.deepEqual(
      browser.filter((n) => !lab.has(n)),
      [],
      'normlab/lab is a superset of normlab',
    );
    assert.deepEqual(
      ENTRY_POINTS.map((e) => e.file),
      [BROWSER_ENTRY, LAB_ENTRY],
    );
  });

  it('package.json and typedoc.json name the same entry points as scripts/package/entry-points.ts', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      exports: Record<string, { types: string; import: string; require: string } | string>;
    };
    for (const entry of PACKAGE_ENTRIES) {
      const key = entry.importName === 'normlab' ? '.' : `./${entry.importName.slice('normlab/'.length)}`;
      assert.deepEqual(pkg.exports[key], {
        types: `./${entry.types}`,
        import: `./${entry.esm}`,
        require: `./${entry.cjs}`,
      });
    }
    const typedoc = JSON.parse(readFileSync(join(ROOT, 'typedoc.json'), 'utf8')) as { entryPoints: string[] };
    assert.deepEqual(
      typedoc.entryPoints,
      PACKAGE_ENTRIES.map((e) => e.source),
    );
  });

  it('the playground imports the browser-safe entry and no other file of lib/', () => {
    const dir = join(ROOT, 'docs', '.vitepress', 'theme', 'playground');
    const libImports = readdirSync(dir)
      .filter((f) => f.endsWith('.ts') || f.endsWith('.vue'))
      .flatMap((f) =>
        [...readFileSync(join(dir, f), 'utf8').matchAll(/from\s+'([^']*\/lib\/[^']*)'/g)].map((m) => m[1]),
      );
    assert.ok(libImports.length > 0, 'the playground uses the library');
    for (const specifier of libImports) assert.match(specifier, /\/lib\/norm\/index$/);
  });

  it('every name the notebooks import from ./lib/index is exported by the lab entry', () => {
    const lab = new Set(publicExports(LAB_ENTRY));
    const dir = join(ROOT, 'notebooks');
    const used = new Set<string>();
    for (const name of readdirSync(dir).filter((f) => f.endsWith('.ipynb'))) {
      const notebook = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
        cells: { cell_type: string; source: string[] | string }[];
      };
      for (const cell of notebook.cells.filter((c) => c.cell_type === 'code')) {
        const code = Array.isArray(cell.source) ? cell.source.join('') : cell.source;
        for (const m of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\/lib\/index'/g))
          for (const item of m[1].split(',')) {
            const n = item.replace(/\btype\s+/, '').trim();
            if (n) used.add(n.split(/\s+as\s+/)[0]);
          }
      }
    }
    assert.ok(used.size > 20, `the notebooks import the library (${used.size} names)`);
    assert.deepEqual(
      [...used].filter((n) => !lab.has(n)).sort(),
      [],
      'names the notebooks import but the lab entry does not export',
    );
  });
});
