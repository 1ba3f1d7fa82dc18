/** SHA-256 checks of dataset files (node:crypto) against the known digests in `datasets.ts`. */
import { createHash } from 'node:crypto';
import type { ChecksumTable } from './datasets.js';
import { isGzip, maybeGunzip } from './gzip.js';

/** Lower-case hex SHA-256 of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** `ok`: matches a known digest; `mismatch`: a digest is known and differs; `unknown`: none is known. */
export type ChecksumStatus = 'ok' | 'unknown' | 'mismatch';

/** The outcome of checking one file. */
export interface FileCheck {
  /** The file's path as read. */
  readonly path: string;
  /** SHA-256 of the file as stored (compressed or not), lower-case hex. */
  readonly sha256: string;
  readonly checksum: ChecksumStatus;
  /** What was compared: the file itself, or its uncompressed content; absent when `unknown`. */
  readonly compared?: 'file' | 'uncompressed content';
  /** The digest it was compared with; absent when `unknown`. */
  readonly expected?: string;
  /** The digest that was compared (equals `sha256` when `compared` is `file`). */
  readonly actual?: string;
}

/**
 * Checks a file against `table`: first the file's own digest (`<name>.gz` for gzip data, `<name>` otherwise),
 * then, for gzip data, the digest of its uncompressed content (`<name>`), so recompressed copies pass.
 * @param path the file's path (reported as is).
 * @param bytes the whole file as stored.
 * @param name canonical name without `.gz` (e.g. `train-images-idx3-ubyte`, `mnist.npz`).
 * @param content the file's uncompressed bytes when the caller already has them (saves inflating twice).
 * @throws DataError when gzip data must be inflated and is corrupt (see `maybeGunzip`).
 */
export function checkFile(path: string, bytes: Uint8Array, name: string, table: ChecksumTable, content?: Uint8Array): FileCheck {
  const fileDigest = sha256(bytes);
  const gz = isGzip(bytes);
  const fileKey = gz ? `${name}.gz` : name;
  const fileExpected = table[fileKey];
  if (fileExpected === fileDigest) return { path, sha256: fileDigest, checksum: 'ok', compared: 'file', expected: fileExpected, actual: fileDigest };
  const contentExpected = gz ? table[name] : undefined;
  if (contentExpected !== undefined) {
    const contentDigest = sha256(content ?? maybeGunzip(bytes, path));
    const checksum = contentDigest === contentExpected ? 'ok' : 'mismatch';
    return { path, sha256: fileDigest, checksum, compared: 'uncompressed content', expected: contentExpected, actual: contentDigest };
  }
  if (fileExpected !== undefined) return { path, sha256: fileDigest, checksum: 'mismatch', compared: 'file', expected: fileExpected, actual: fileDigest };
  return { path, sha256: fileDigest, checksum: 'unknown' };
}
