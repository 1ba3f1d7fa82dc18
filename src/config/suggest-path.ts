/**
 * "Did you mean" for a whole setting path (`--sweep train.lr=...` -> `train.optimizer.learning_rate`),
 * when the mistyped segment is no near miss of a key at its own level: the settings below the
 * part of the path that exists are searched for a key of that name, or of the name Keras now uses
 * for an old argument (`lr` was Keras's name for `learning_rate` until 2.3).
 */
import { isForbiddenKey } from './hostile.js';
import type { Path } from './pointer.js';
import { childSchemas, knownKeys, resolvePath } from './schema-walk.js';
import { closestMatch } from './suggest.js';

type JsonSchema = Record<string, unknown>;

/** Keras's old argument names (Keras 1 and 2) and the names tfexp (like Keras 3) uses. */
export const OLD_KERAS_NAMES: Readonly<Record<string, string>> = {
  lr: 'learning_rate',
  nb_epoch: 'epochs',
  nb_filter: 'filters',
  border_mode: 'padding',
  subsample: 'strides',
  init: 'kernel_initializer',
};

/** How deep below the existing part of the path to look (train -> optimizer -> learning_rate is 2). */
const SEARCH_DEPTH = 4;

/** Top-level keys that are not settings: never suggested. */
const NOT_SETTINGS = new Set(['extends', 'sweep', 'seeds']);

/** Every dotted path below `schemas` (list items left out), in schema order. */
function settingPaths(schemas: JsonSchema[], prefix: string[], depth: number): string[][] {
  if (depth === 0) return [];
  const keys = [...new Set(schemas.flatMap(knownKeys))].filter((k) => prefix.length > 0 || !NOT_SETTINGS.has(k));
  const here = keys.map((k) => [...prefix, k]);
  const below = keys.flatMap((k) => settingPaths(schemas.flatMap((s) => childSchemas(s, k)), [...prefix, k], depth - 1));
  return [...here, ...below];
}

/**
 * The setting most likely meant by `path`, whose segment `failedAt` the schema does not allow.
 * @param path the segments as typed (`['train', 'lr']`).
 * @param failedAt index of the first segment the schema does not allow.
 * @param known the keys the schema allows at `failedAt` (the did-you-mean of the single segment is made from them).
 * @returns a whole dotted path (`train.optimizer.learning_rate`), or undefined when nothing is close.
 */
export function suggestSettingPath(path: Path, failedAt: number, known: readonly string[]): string | undefined {
  const prefix = path.slice(0, failedAt).map(String);
  const segment = String(path[failedAt]);
  const rest = path.slice(failedAt + 1).map(String);
  const settings = (paths: readonly string[]) => paths.filter((k) => prefix.length > 0 || !NOT_SETTINGS.has(k));
  const found = resolvePath(prefix);
  const candidates = found.ok ? settingPaths(found.schemas, prefix, SEARCH_DEPTH).sort((a, b) => a.length - b.length) : [];
  const leaf = (p: readonly string[]) => p[p.length - 1]!;
  const named = (name: string) => candidates.find((p) => leaf(p).toLowerCase() === name.toLowerCase());
  // An old Keras name first (`lr` is two edits from many keys), then a near miss at this level,
  // then the same name deeper (`train.learning_rate`), then a near miss deeper.
  const old = OLD_KERAS_NAMES[segment.toLowerCase()];
  const sameLevel = closestMatch(segment, settings(known));
  const deeperNear = closestMatch(segment, [...new Set(candidates.map(leaf))]);
  const pick =
    (old !== undefined ? named(old) : undefined) ??
    (sameLevel !== undefined ? [...prefix, sameLevel] : undefined) ??
    named(segment) ??
    (deeperNear !== undefined ? named(deeperNear) : undefined);
  return pick === undefined ? undefined : [...pick, ...rest].join('.');
}

/** What is wrong with a setting path a user typed (`--set`, `--sweep`, a `sweep:` key). */
export type SettingPathProblem =
  | { readonly kind: 'forbidden'; readonly key: string }
  | { readonly kind: 'not-a-setting'; readonly key: string }
  | {
      readonly kind: 'unknown';
      /** The part of the path the schema has, dotted ('' at the top level). */
      readonly at: string;
      readonly segment: string;
      /** A whole dotted path (suggestSettingPath), when one is close. */
      readonly suggestion: string | undefined;
      /** The keys the schema allows where the path went wrong. */
      readonly known: readonly string[];
    };

/**
 * Checks a dotted setting path against the schema: the one check behind `--set`, `--sweep`
 * and the `sweep:` keys of a file, each wording the problem its own way.
 * @param path the segments as typed.
 * @param notSettings top-level keys that exist in the schema but cannot be set here
 *   (`extends` for --set; also `sweep` and `seeds` for a sweep axis).
 * @returns the problem, or undefined when the schema has the path.
 */
export function settingPathProblem(path: readonly string[], notSettings: ReadonlySet<string>): SettingPathProblem | undefined {
  const forbidden = path.find(isForbiddenKey);
  if (forbidden !== undefined) return { kind: 'forbidden', key: forbidden };
  if (notSettings.has(path[0]!)) return { kind: 'not-a-setting', key: path[0]! };
  const found = resolvePath(path);
  if (found.ok) return undefined;
  const known = found.known.filter((k) => found.failedAt > 0 || !notSettings.has(k));
  return {
    kind: 'unknown',
    at: path.slice(0, found.failedAt).join('.'),
    segment: path[found.failedAt]!,
    suggestion: suggestSettingPath(path, found.failedAt, known),
    known,
  };
}

/** The top-level keys a sweep axis cannot name. */
export const NOT_SWEEP_AXES: ReadonlySet<string> = NOT_SETTINGS;
