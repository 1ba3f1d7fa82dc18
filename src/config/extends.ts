/**
 * Reading an experiment file and the chain of files it `extends`.
 *
 * Merge rule (as in Hydra, DVC params and Ludwig configs): mappings merge key
 * by key, recursively; lists and scalars in the derived file replace the base's.
 */
import { readdirSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import type { SourceLocation } from '../errors.js';
import * as message from '../log/message.js';
import { isPlainObject } from './pointer.js';
import { configError, decodeYamlBytes, readBounded, shortValue, type BoundedRead } from './hostile.js';
import { MAX_EXPERIMENT_FILE_BYTES } from './limits.js';
import { expandShorthands } from './shorthand.js';
import { YamlSource } from './source.js';
import { closestMatch } from './suggest.js';

/** An experiment file with its `extends` chain merged. */
export interface MergedSources {
  /** The merged data, without the `extends` key. */
  readonly data: Record<string, unknown>;
  /** The files of the chain, most derived first. */
  readonly sources: YamlSource[];
}

/** Deep merge: mappings merge recursively, anything else in `over` replaces `base`. */
export function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] = key in base ? deepMerge(base[key], value) : value;
  }
  return out;
}

/** How a path is shown in messages: relative to the working directory when inside it, else absolute. */
function displayPath(absolute: string): string {
  const rel = relative(process.cwd(), absolute);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
}

/**
 * Reads `file` and every file it extends, and merges them.
 * @param file path of the experiment file (relative to the working directory or absolute).
 * @throws ConfigError when a file is missing or unreadable, is not valid YAML
 *   or not a mapping, `extends` names a missing file, or the chain has a cycle.
 */
export function readWithExtends(file: string): MergedSources {
  return readChain(resolve(file), file, [], undefined);
}

/** Where a child file's `extends` named a base file. */
interface ExtendsRef {
  readonly at: SourceLocation;
  readonly target: string;
}

/** @param from the `extends` that named this file; undefined for the file the user gave. */
function readChain(absolute: string, shown: string, stack: readonly string[], from: ExtendsRef | undefined): MergedSources {
  const source = YamlSource.parse(readText(absolute, shown, from), shown);
  const data = source.toJS();
  if (!isPlainObject(data)) {
    throw configError([{ at: source.start, message: message.notAMapping(shortValue(data)) }]);
  }
  expandShorthands(data);
  const { extends: target, ...own } = data;
  if (target === undefined) return { data: own, sources: [source] };
  if (typeof target !== 'string' || target === '') {
    // Left in place: schema validation reports the wrong type at the right node.
    return { data, sources: [source] };
  }
  const at = source.locationOf(source.walk(['extends']).node);
  const baseAbsolute = resolve(dirname(absolute), target);
  const chain = [...stack, absolute];
  if (chain.includes(baseAbsolute)) {
    const cycle = [...chain.slice(chain.indexOf(baseAbsolute)), baseAbsolute].map(displayPath);
    throw configError([{ at, message: message.extendsCycle(cycle) }]);
  }
  const base = readChain(baseAbsolute, displayPath(baseAbsolute), chain, { at, target });
  return { data: deepMerge(base.data, own) as Record<string, unknown>, sources: [source, ...base.sources] };
}

/**
 * The text of an experiment file, read with the limits of src/config/limits.ts:
 * at most MAX_EXPERIMENT_FILE_BYTES, and text (UTF-8, or UTF-16 with a
 * byte-order mark), not a binary file.
 * @throws ConfigError when the file is missing, unreadable, too large or not text.
 */
function readText(absolute: string, shown: string, from: ExtendsRef | undefined): string {
  let read: BoundedRead;
  try {
    read = readBounded(absolute, MAX_EXPERIMENT_FILE_BYTES);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const missing = code === 'ENOENT' || code === 'ENOTDIR';
    const reason = code === 'EISDIR' ? message.FILE_IS_FOLDER : code === 'EACCES' ? message.FILE_NO_PERMISSION : (error as Error).message;
    if (from === undefined) {
      const text = missing ? message.fileNotFound(shown) : message.fileUnreadable(shown, reason);
      throw configError([{ at: { file: shown, line: 0, col: 0 }, message: text }]);
    }
    const text = missing
      ? message.extendsNotFound(message.excerpt(from.target), shown, suggestSibling(absolute))
      : message.fileUnreadable(shown, reason);
    throw configError([{ at: from.at, message: text }]);
  }
  const whole = { file: shown, line: 0, col: 0 };
  if ('tooLarge' in read) throw configError([{ at: whole, message: message.fileTooLarge(read.size, MAX_EXPERIMENT_FILE_BYTES) }]);
  const decoded = decodeYamlBytes(read.bytes);
  if ('problem' in decoded) {
    // Located at the first byte that is not UTF-8, if that is the problem (a text file saved in another encoding).
    const at = decoded.problem.at === undefined ? whole : { file: shown, ...decoded.problem.at };
    throw configError([{ at, message: decoded.problem.message }]);
  }
  return decoded.text;
}

/** A YAML file next to `missing` whose name is close to its name. */
function suggestSibling(missing: string): string | undefined {
  let names: string[];
  try {
    names = readdirSync(dirname(missing)).filter((n) => /\.ya?ml$/.test(n));
  } catch {
    return undefined;
  }
  return closestMatch(basename(missing), names);
}
