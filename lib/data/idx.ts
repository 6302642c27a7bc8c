/**
 * The IDX file format (MNIST, Fashion-MNIST): a magic number, the dimension sizes, then the
 * values, all big-endian. Files may be gzip-compressed (detected from their first two bytes).
 *
 * Layout: bytes 0–1 are zero; byte 2 is the element type (`0x08` uint8, `0x09` int8, `0x0B`
 * int16, `0x0C` int32, `0x0D` float32, `0x0E` float64); byte 3 is the number of dimensions `d`;
 * then `d` big-endian uint32 sizes; then `∏ sizes` values.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { IdxArray, IdxDataType } from './types';

const TYPES: Record<number, { dtype: IdxDataType; bytes: number }> = {
  8: { dtype: 'uint8', bytes: 1 },
  9: { dtype: 'int8', bytes: 1 },
  11: { dtype: 'int16', bytes: 2 },
  12: { dtype: 'int32', bytes: 4 },
  13: { dtype: 'float32', bytes: 4 },
  14: { dtype: 'float64', bytes: 8 },
};

/** Whether bytes start with the gzip signature `1f 8b`. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The kinds of IDX file of the MNIST family, by their magic number's type code and dimensions. */
export const IDX_KINDS = {
  images: { magic: 0x00000803, name: 'an image file', describe: 'an image file (uint8, 3 dimensions)' },
  labels: { magic: 0x00000801, name: 'a labels file', describe: 'a labels file (uint8, 1 dimension)' },
} as const;

/** What an IDX file is expected to hold. */
export interface IdxExpectation {
  /** `images` (magic `0x00000803`) or `labels` (magic `0x00000801`). */
  kind: keyof typeof IDX_KINDS;
}

function describeMagic(magic: number): string {
  for (const k of Object.values(IDX_KINDS)) if (k.magic === magic) return k.describe;
  return `an IDX file of type 0x${((magic >> 8) & 0xff).toString(16).padStart(2, '0')} with ${magic & 0xff} dimension(s)`;
}

/**
 * Decode an IDX file's bytes (raw, not gzip).
 *
 * @param bytes the file content.
 * @param name how to call the file in error messages.
 * @param expect the kind of file expected; its magic number is checked before anything else.
 * @throws when the magic number is wrong (or of another kind), the header or data is truncated, or
 *   bytes trail the data.
 */
export function parseIdx(bytes: Uint8Array, name = 'IDX data', expect?: IdxExpectation): IdxArray {
  if (bytes.length < 4) throw new Error(`${name}: truncated IDX file (${bytes.length} bytes, no header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = TYPES[bytes[2]];
  if (bytes[0] !== 0 || bytes[1] !== 0 || !type) {
    const magic = view.getUint32(0, false).toString(16).padStart(8, '0');
    throw new Error(
      `${name}: not an IDX file (magic number 0x${magic}; expected 0x000008dd..0x00000edd: two zero bytes, ` +
        'a type code 08/09/0b/0c/0d/0e and the number of dimensions)',
    );
  }
  if (expect) {
    const magic = view.getUint32(0, false);
    const wanted = IDX_KINDS[expect.kind];
    if (magic !== wanted.magic)
      throw new Error(
        `${name}: magic number 0x${magic.toString(16).padStart(8, '0')} is that of ${describeMagic(magic)}, not of ` +
          `${wanted.name} (0x${wanted.magic.toString(16).padStart(8, '0')}): the files may be swapped or misnamed`,
      );
  }
  const ndims = bytes[3];
  if (ndims === 0) throw new Error(`${name}: corrupt IDX header (0 dimensions)`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated IDX header (${bytes.length} of ${headerBytes} bytes)`);
  }
  const shape: number[] = [];
  for (let i = 0; i < ndims; i++) shape.push(view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const dataBytes = count * type.bytes;
  const actual = bytes.length - headerBytes;
  if (actual < dataBytes) {
    throw new Error(
      `${name}: truncated IDX data: shape [${shape.join(', ')}] needs ${dataBytes} bytes, found ${actual}`,
    );
  }
  if (actual > dataBytes) {
    throw new Error(
      `${name}: corrupt IDX file: ${actual - dataBytes} unexpected bytes after the data of shape [${shape.join(', ')}]`,
    );
  }
  return { dtype: type.dtype, shape, data: decode(view, headerBytes, count, type.dtype) };
}

function decode(view: DataView, offset: number, count: number, dtype: IdxDataType): IdxArray['data'] {
  const start = view.byteOffset + offset;
  switch (dtype) {
    case 'uint8':
      return new Uint8Array(view.buffer.slice(start, start + count));
    case 'int8':
      return new Int8Array(view.buffer.slice(start, start + count));
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(offset + 2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(offset + 8 * i, false);
      return out;
    }
  }
}

/**
 * Decode IDX bytes that may be gzip-compressed.
 *
 * @param expect the kind of file expected (see {@link parseIdx}).
 * @throws on a corrupt or truncated gzip stream, or any {@link parseIdx} error.
 */
export function decodeIdx(bytes: Uint8Array, name = 'IDX data', expect?: IdxExpectation): IdxArray {
  return parseIdx(idxContents(bytes, name), name, expect);
}

/**
 * The IDX bytes of a file's contents: gunzipped when they are gzip-compressed, else as given.
 *
 * @throws on a corrupt or truncated gzip stream, naming `name`.
 */
export function idxContents(bytes: Uint8Array, name = 'IDX data'): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    throw new Error(`${name}: corrupt or truncated gzip data (${(error as Error).message})`);
  }
}

/**
 * Read an IDX file (gzip or raw) from disk.
 *
 * @example
 * ```ts
 * const labels = readIdxFile('/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz');
 * labels.shape; // [10000]
 * ```
 */
export function readIdxFile(path: string): IdxArray {
  return decodeIdx(readFileSync(path), path);
}
