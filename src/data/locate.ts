/**
 * Where tfexp looks for a dataset, in order (the first folder holding it wins):
 *   1. `--data-dir DIR` (option `dataDir`): DIR/<dataset>/
 *   2. env TFEXP_DATA_DIR: $TFEXP_DATA_DIR/<dataset>/
 *   3. the user cache, where downloads go: $XDG_CACHE_HOME/tfexp/datasets/<dataset>/
 *      (default ~/.cache/tfexp/datasets/<dataset>/)
 * A folder holds a dataset when it has the four IDX files (each `.gz` or raw) or `<dataset>.npz`.
 */
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import { IDX_FILES } from './datasets.js';

/** A folder to search and what named it (`--data-dir`, `TFEXP_DATA_DIR`, `cache`). */
export interface SearchDir {
  readonly dir: string;
  readonly origin: string;
}

/** A dataset's files found in one folder. */
export type FoundFiles =
  | { readonly format: 'idx'; readonly dir: string; readonly origin: string; readonly files: Record<keyof typeof IDX_FILES, string> }
  | { readonly format: 'npz'; readonly dir: string; readonly origin: string; readonly file: string };

/**
 * The user cache folder for downloaded datasets: `$XDG_CACHE_HOME/tfexp/datasets`, default `~/.cache/tfexp/datasets`.
 * @param env environment to read (default `process.env`).
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME !== undefined && env.XDG_CACHE_HOME !== '' ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'tfexp', 'datasets');
}

/** The folders to search for `dataset`, in order; unset sources are left out. */
export function searchDirs(dataset: string, dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): SearchDir[] {
  const dirs: SearchDir[] = [];
  if (dataDir !== undefined && dataDir !== '') dirs.push({ dir: resolve(dataDir, dataset), origin: '--data-dir' });
  if (env.TFEXP_DATA_DIR !== undefined && env.TFEXP_DATA_DIR !== '') dirs.push({ dir: resolve(env.TFEXP_DATA_DIR, dataset), origin: 'TFEXP_DATA_DIR' });
  dirs.push({ dir: join(cacheRoot(env), dataset), origin: 'cache' });
  return dirs;
}

/** The path of IDX file `name` in `dir`: `name.gz` if present, else `name`, else undefined. */
export function findIdxFile(dir: string, name: string): string | undefined {
  for (const candidate of [`${name}.gz`, name]) if (existsSync(join(dir, candidate))) return join(dir, candidate);
  return undefined;
}

/**
 * Looks for the dataset's files in one folder.
 * @returns the files, or a short reason why the folder does not hold the dataset (for the "searched" list).
 * @throws DataError when the folder has some but not all four IDX files and no `.npz`, unless
 *   `allowPartial` (the cache, where missing files are downloaded).
 */
export function inspectDir(dataset: string, at: SearchDir, allowPartial = false): FoundFiles | string {
  if (!existsSync(at.dir)) return 'no such folder';
  const entries = Object.entries(IDX_FILES).map(([key, name]) => [key, name, findIdxFile(at.dir, name)] as const);
  const missing = entries.filter(([, , path]) => path === undefined);
  if (missing.length === 0) {
    const files = Object.fromEntries(entries.map(([key, , path]) => [key, path!])) as Record<keyof typeof IDX_FILES, string>;
    return { format: 'idx', dir: at.dir, origin: at.origin, files };
  }
  const npz = join(at.dir, `${dataset}.npz`);
  if (existsSync(npz)) return { format: 'npz', dir: at.dir, origin: at.origin, file: npz };
  if (missing.length < entries.length && !allowPartial) {
    const have = entries.filter(([, , path]) => path !== undefined).map(([, name]) => name);
    throw new DataError(message.incompleteFileSet(at.dir, have, missing.map(([, name]) => name)), at.dir);
  }
  const present = readdirSync(at.dir).length;
  return present === 0 ? 'empty folder' : `no ${dataset} files (${Object.values(IDX_FILES).join(', ')} or ${dataset}.npz)`;
}
