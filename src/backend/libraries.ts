/**
 * Where the Linux dynamic loader finds a shared library, as ld.so(8) searches:
 * the folders of LD_LIBRARY_PATH first, then the ldconfig cache (`ldconfig -p`).
 * Used to explain why a native GPU route cannot start (libvulkan.so.1 for WebGPU,
 * libcudart/libcudnn for tfjs-node-gpu).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** A library the loader would open, and how it finds it. */
export interface FoundLibrary {
  readonly path: string;
  readonly via: 'LD_LIBRARY_PATH' | 'ldconfig';
}

let cached: string | null | undefined;

/**
 * The text of `ldconfig -p` (tried as `ldconfig` and `/sbin/ldconfig`), or null when it
 * cannot run (not Linux, not installed). Read once per process. Never throws.
 */
export function ldconfigCache(): string | null {
  if (cached !== undefined) return cached;
  cached = null;
  if (process.platform !== 'linux') return cached;
  for (const command of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const result = spawnSync(command, ['-p'], { encoding: 'utf8', timeout: 5_000, maxBuffer: 64 * 1024 * 1024 });
    if (result.status === 0) return (cached = result.stdout);
  }
  return cached;
}

/**
 * Entries of `ldconfig -p` text: `\tlibvulkan.so.1 (libc6,x86-64) => /usr/lib/x86_64-linux-gnu/libvulkan.so.1`.
 * @returns [library name, path] pairs, in the cache's order.
 */
export function parseLdconfig(text: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(.+?)\s*$/.exec(line);
    if (match) entries.push([match[1]!, match[3]!]);
  }
  return entries;
}

/**
 * Finds `name` (an exact soname such as `libvulkan.so.1`) as the dynamic loader would.
 * @param env where LD_LIBRARY_PATH is read.
 * @param cache `ldconfig -p` text, or null when there is none (tests pass their own).
 * @returns the path and how it was found, or null.
 */
export function findLibrary(name: string, env: NodeJS.ProcessEnv = process.env, cache: string | null = ldconfigCache()): FoundLibrary | null {
  for (const dir of (env.LD_LIBRARY_PATH ?? '').split(':').filter((d) => d !== '')) {
    if (existsSync(join(dir, name))) return { path: join(dir, name), via: 'LD_LIBRARY_PATH' };
  }
  // A cache entry counts only while its file exists (the cache may predate an uninstall).
  const entry = cache === null ? undefined : parseLdconfig(cache).find(([lib, path]) => lib === name && existsSync(path));
  return entry === undefined ? null : { path: entry[1], via: 'ldconfig' };
}
