/** Atomic writes: a reader sees the old file or the new one, never half of either. */
import { randomBytes } from 'node:crypto';
import * as nodeFs from 'node:fs';
import { dirname } from 'node:path';
import { writeErrorOf } from './write-error.js';

/** The file-system calls tfexp writes run directories with (Node's `fs` unless a test swaps them). */
export interface WriteFileSystem {
  mkdirSync(path: string, options: { recursive: true }): unknown;
  writeFileSync(path: string, data: string | Uint8Array): void;
  renameSync(from: string, to: string): void;
  rmSync(path: string, options: { recursive?: boolean; force: true }): void;
}

const NODE_FS: WriteFileSystem = {
  mkdirSync: (path, options) => nodeFs.mkdirSync(path, options),
  writeFileSync: (path, data) => nodeFs.writeFileSync(path, data),
  renameSync: (from, to) => nodeFs.renameSync(from, to),
  rmSync: (path, options) => nodeFs.rmSync(path, options),
};

let current: WriteFileSystem = NODE_FS;

/**
 * For tests: replaces some of the write calls (e.g. a `writeFileSync` that fails
 * with ENOSPC); `setFileSystem()` with no argument restores Node's.
 * @returns the file system now in use.
 */
export function setFileSystem(replacement?: Partial<WriteFileSystem>): WriteFileSystem {
  current = replacement === undefined ? NODE_FS : { ...NODE_FS, ...replacement };
  return current;
}

/** The write calls in use (Node's `fs`, or a test's replacement). */
export function writeFs(): WriteFileSystem {
  return current;
}

/** The temporary file name `writeFileAtomic` uses for `path`; `targetOfTemp` undoes it. */
const TEMP_SUFFIX = /\.\d+-[0-9a-f]{8}\.tmp$/;

/** The file a temporary of `writeFileAtomic` stands for (`metrics.json.123-0a1b2c3d.tmp` -> `metrics.json`); other paths unchanged. */
export function targetOfTemp(path: string): string {
  return path.replace(TEMP_SUFFIX, '');
}

/**
 * Writes `data` to a temporary file beside `path`, then renames it over `path`
 * (rename is atomic within one file system). On failure the temporary is removed,
 * `path` keeps its previous content, and a `WriteError` names `path` and the cause
 * (disk full, read-only, permission denied, ...).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const fs = current;
  const temp = `${path}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.mkdirSync(dirname(path), { recursive: true });
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, path);
  } catch (error) {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // Removing never needs space; if even that fails, the original error is the one to report.
    }
    throw writeErrorOf(error, path) ?? error;
  }
}

/** `writeFileAtomic` of pretty-printed JSON with a trailing newline. */
export function writeJsonAtomic(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
