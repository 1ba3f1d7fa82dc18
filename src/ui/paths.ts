/**
 * Every file path the dashboard serves goes through here: a path from a request is
 * taken apart into segments, each checked, joined under the runs folder, resolved with
 * its links (realpath) and kept only when it still lies under the runs folder's own
 * real path. So `..` (plain or percent-encoded), an absolute path, a backslash, a NUL
 * and a symbolic link pointing out of the folder all end the same way: not found.
 * Links that stay inside the folder are followed.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';

/**
 * The segments of a request path (`a/b%20c/d.json`), each percent-decoded, or null when
 * one is unsafe: empty (`a//b`), `.` or `..`, undecodable, or holding `/`, `\`, `:` or NUL
 * once decoded.
 * @param encoded the path as it came in the URL (after the route's prefix), still percent-encoded.
 */
export function safeSegments(encoded: string): string[] | null {
  if (encoded === '' || isAbsolute(encoded)) return null;
  const segments: string[] = [];
  for (const part of encoded.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  return segments;
}

/** Whether `path` is `root` or lies below it (both real paths). */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The real path of the file or folder `encoded` names under `root`, or null when the
 * request path is unsafe (safeSegments), names nothing, or resolves (through links)
 * outside `root`.
 * @param root the runs folder's real path (realpathSync).
 * @param encoded the request path below the route's prefix, percent-encoded.
 * @param kind what it must be: a regular file, a folder, or either. Default: 'file'.
 */
export function resolveInside(root: string, encoded: string, kind: 'file' | 'dir' | 'any' = 'file'): string | null {
  const segments = safeSegments(encoded);
  return segments === null ? null : realInside(root, join(root, ...segments), kind);
}

/**
 * The real path of `path` (absolute) when it exists and resolves, links followed, under
 * `root`; else null. What every file the dashboard reads from a run folder goes through.
 * @param kind what it must be. Default: 'file'.
 */
export function realInside(root: string, path: string, kind: 'file' | 'dir' | 'any' = 'file'): string | null {
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return null;
  }
  if (!isInside(root, real)) return null;
  const stats = statSync(real, { throwIfNoEntry: false });
  if (stats === undefined) return null;
  if (kind === 'file' && !stats.isFile()) return null;
  if (kind === 'dir' && !stats.isDirectory()) return null;
  return real;
}

/** A run's id in the dashboard: its folder relative to the runs folder, `/`-separated (`sweep-id/run-id`). */
export function runIdOf(root: string, dir: string): string {
  return relative(root, dir).split(sep).join('/');
}

/** A `/`-separated relative path as a URL path, each segment percent-encoded. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
