/**
 * Stable identities: a canonical JSON form (object keys sorted, recursively) and a 64-bit
 * FNV-1a hash of it. A run's id and a spec's hash are computed this way, so they do not depend
 * on key order, platform or process.
 *
 * @module
 */

/**
 * JSON with object keys sorted at every level, so equal values give equal strings.
 * `undefined` object members are dropped (as `JSON.stringify` does); non-finite numbers are
 * refused because JSON cannot hold them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`canonicalJson: non-finite number ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new Error(`canonicalJson: cannot encode a ${typeof value}`);
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a of a string's UTF-8 bytes, as 16 lowercase hex digits. */
export function fnv1a64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let h = FNV_OFFSET;
  for (const byte of bytes) {
    h ^= BigInt(byte);
    h = (h * FNV_PRIME) & MASK64;
  }
  return h.toString(16).padStart(16, '0');
}

/** Stable hash of any JSON-able value: `fnv1a64(canonicalJson(value))`. */
export function stableHash(value: unknown): string {
  return fnv1a64(canonicalJson(value));
}
