/** Transparent gzip: data files may be stored compressed (`.gz`, as published) or raw. */
import { gunzipSync } from 'node:zlib';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';

/** True when `bytes` starts with the gzip magic number 1f 8b (RFC 1952, section 2.3.1). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Decompresses `bytes` when they are gzip (detected by content, not by the file name), else returns them unchanged.
 * @param bytes file content, any length.
 * @param file the file's path, for error messages only.
 * @returns the uncompressed bytes (a view of `bytes` when not compressed).
 * @throws DataError when the data looks like gzip but cannot be inflated (truncated or corrupt).
 */
export function maybeGunzip(bytes: Uint8Array, file: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (error) {
    throw new DataError(message.gzipCorrupt(file, error instanceof Error ? error.message : String(error)), file);
  }
}
