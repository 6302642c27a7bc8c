/**
 * Read a study spec from a JSON or YAML file (Node I/O) and validate it.
 *
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type StudySpec, validateSpec } from './schema';

/**
 * Parse spec text: JSON when `format` is `json` (or the text starts with `{`), YAML otherwise
 * (YAML is a superset of JSON), then validate.
 *
 * @param text - the file's content.
 * @param source - name for error messages, e.g. the path.
 * @param format - `json`, `yaml` or `auto` (default).
 * @throws a "malformed spec" error naming the parse problem, or the validation errors.
 */
export function parseSpecText(
  text: string,
  source = 'spec',
  format: 'json' | 'yaml' | 'auto' = 'auto',
): StudySpec {
  let value: unknown;
  const asJson = format === 'json' || (format === 'auto' && text.trimStart().startsWith('{'));
  try {
    value = asJson ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new Error(
      `malformed study spec (${source}): not valid ${asJson ? 'JSON' : 'YAML'}: ${(error as Error).message}`,
    );
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new Error(`malformed study spec (${source}): expected an object with name, dataset, experiments`);
  return validateSpec(value, source);
}

/**
 * Load and validate a spec file (`.json`, `.yaml` or `.yml`).
 *
 * @example
 * ```ts
 * const spec = loadSpecFile('studies/my-study.yaml');
 * ```
 */
export function loadSpecFile(path: string): StudySpec {
  if (!existsSync(path)) throw new Error(`spec file ${path} does not exist`);
  const ext = extname(path).toLowerCase();
  const format = ext === '.json' ? 'json' : ext === '.yaml' || ext === '.yml' ? 'yaml' : 'auto';
  return parseSpecText(readFileSync(path, 'utf8'), path, format);
}
