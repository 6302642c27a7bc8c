/**
 * Checked, durable writes for the results store (Node I/O): every byte of a line is written (short
 * writes are continued), fsynced, and a line that could not be completed is cut off again, so a
 * file never keeps half a record. The write and fsync functions can be injected (tests simulate
 * short writes and a full disk with them).
 *
 * @module
 */
import {
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** The file-system calls the store writes with (injectable for tests). */
export interface StoreFs {
  /** Like `fs.writeSync(fd, buffer, offset, length)`: returns the bytes written, maybe fewer. */
  writeSync(fd: number, buffer: Uint8Array, offset: number, length: number): number;
  /** Like `fs.fsyncSync(fd)`. */
  fsyncSync(fd: number): void;
}

/** The real file system. */
export const nodeStoreFs: StoreFs = {
  writeSync: (fd, buffer, offset, length) => writeSync(fd, buffer, offset, length),
  fsyncSync: (fd) => fsyncSync(fd),
};

/** Thrown when a write could not be completed; the file was cut back to where it was. */
export class StoreWriteError extends Error {
  /** The error code of the failed call (`ENOSPC`, `EIO`, ...). */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.name = 'StoreWriteError';
    this.code = code;
  }
}

function writeAll(fs: StoreFs, fd: number, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) {
    const n = fs.writeSync(fd, bytes, offset, bytes.length - offset);
    if (!(n > 0)) throw Object.assign(new Error(`write stored ${n} bytes`), { code: 'EIO' });
    offset += n;
  }
}

/**
 * Append `text` to `path` completely and fsync it. On any failure the file is truncated back to
 * its length before the call (best effort), and the error is rethrown with its code.
 *
 * @returns nothing; throws the underlying error (with `code`) when the bytes could not all be stored.
 */
export function appendDurably(path: string, text: string, fs: StoreFs = nodeStoreFs): void {
  const fd = openSync(path, 'a');
  const before = fstatSync(fd).size;
  try {
    writeAll(fs, fd, Buffer.from(text, 'utf8'));
    fs.fsyncSync(fd);
  } catch (error) {
    try {
      ftruncateSync(fd, before);
      fsyncSync(fd);
    } catch {
      // The next open repairs a torn tail anyway.
    }
    throw error;
  } finally {
    closeSync(fd);
  }
}

/** fsync a directory, so a rename or a new file in it survives a crash (ignored where unsupported). */
export function fsyncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory.
  }
}

/**
 * Replace `path` atomically by `content` (text is written as UTF-8): written to a temporary file
 * beside it, fsynced, renamed. On failure the temporary file is removed and `path` is unchanged.
 */
export function replaceFileDurably(
  path: string,
  content: string | Uint8Array,
  fs: StoreFs = nodeStoreFs,
): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeAll(fs, fd, typeof content === 'string' ? Buffer.from(content, 'utf8') : content);
      fs.fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    fsyncDir(dirname(path));
  } catch (error) {
    try {
      unlinkSync(tmp);
    } catch {
      // Not created.
    }
    throw error;
  }
}
