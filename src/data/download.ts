/**
 * Downloads one dataset file into the cache, safely: the bytes go to a temporary file in the
 * target folder, are verified by SHA-256, and only then renamed to their final name (rename is
 * atomic within one file system), so an interrupted or corrupt download never looks complete.
 * The target folder (and any missing parents) is created only once the server has answered with
 * the file, and removed again, with the parents it created, if the download then fails and leaves it
 * empty: a failed download never leaves an empty dataset folder in the cache.
 * Uses Node's built-in fetch; a progress bar (cli-progress) is drawn only on a terminal.
 */
import { SingleBar } from 'cli-progress';
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, rmdir } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import { checkFile, type FileCheck } from './checksum.js';
import type { ChecksumTable } from './datasets.js';

/** Why a download failed, in words, for `message.datasetNotFound`. */
export class DownloadFailure extends Error {
  constructor(
    readonly url: string,
    reason: string,
  ) {
    super(reason);
  }
}

export interface DownloadOptions {
  /** Known digests; a mismatch rejects the file. A file with no known digest is accepted unverified. */
  readonly checksums: ChecksumTable;
  /** Draw a progress bar on stderr. Default: whether stderr is a terminal. */
  readonly progress?: boolean;
  /** Replaces Node's global `fetch` (tests inject failures with it). */
  readonly fetch?: (url: string) => Promise<Response>;
}

/**
 * Downloads `url` to `dir/fileName`.
 * @param name canonical name for the checksum lookup (without `.gz`).
 * @returns the checksum outcome of the saved file.
 * @throws DownloadFailure when the request fails, the server answers an HTTP error, or the connection
 *   ends early (the temporary file is removed in every case, and so are the folders this call created
 *   when they are left empty).
 * @throws DataError when the downloaded bytes do not match the known SHA-256 (removed as well).
 */
export async function downloadFile(url: string, dir: string, fileName: string, name: string, options: DownloadOptions): Promise<FileCheck> {
  const target = join(dir, fileName);
  const temp = join(dir, `.${fileName}.${process.pid}-${randomBytes(4).toString('hex')}.part`);
  const showBar = options.progress ?? process.stderr.isTTY === true;
  const get = options.fetch ?? fetch;
  let bar: SingleBar | undefined;
  let created: string | undefined;
  let saved = false;
  try {
    let response: Response;
    try {
      response = await get(url);
    } catch (error) {
      throw new DownloadFailure(url, describeFetchError(error));
    }
    if (!response.ok || response.body === null) throw new DownloadFailure(url, message.downloadHttp(response.status, response.statusText));
    created = await mkdir(dir, { recursive: true });
    const total = Number(response.headers.get('content-length') ?? 0);
    if (showBar) {
      bar = new SingleBar({ format: `${fileName} [{bar}] {percentage}% {value}/{total} bytes`, stream: process.stderr, hideCursor: true });
      bar.start(total, 0);
    }
    const handle = await open(temp, 'wx');
    let received = 0;
    try {
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
        await handle.write(chunk);
        received += chunk.length;
        bar?.update(received);
      }
    } catch (error) {
      throw new DownloadFailure(url, describeFetchError(error));
    } finally {
      await handle.close();
    }
    if (total > 0 && received !== total) throw new DownloadFailure(url, message.downloadShort(received, total));
    const bytes = new Uint8Array(await readFile(temp));
    const check = checkFile(target, bytes, name, options.checksums);
    if (check.checksum === 'mismatch') throw new DataError(message.checksumMismatch(url, check.expected!, check.actual!, check.compared!), url);
    await rename(temp, target);
    saved = true;
    return check;
  } finally {
    bar?.stop();
    await rm(temp, { force: true });
    if (!saved && created !== undefined) await removeEmptyFolders(dir, created);
  }
}

/**
 * Removes `dir` and its parents up to and including `top` (the first folder `mkdir` created), deepest
 * first, stopping at the first one that is not empty (another process may be downloading into it).
 */
async function removeEmptyFolders(dir: string, top: string): Promise<void> {
  const last = resolve(top);
  for (let at = resolve(dir); ; at = dirname(at)) {
    const rel = relative(last, at);
    if (rel.startsWith('..') || isAbsolute(rel)) return; // not inside what mkdir created
    try {
      await rmdir(at);
    } catch {
      return;
    }
    if (at === last) return;
  }
}

/** fetch reports "fetch failed" with the real reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`. */
function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: string }).code;
    return `${error.message}: ${code !== undefined && !cause.message.includes(code) ? `${code} ` : ''}${cause.message}`;
  }
  return error.message;
}
