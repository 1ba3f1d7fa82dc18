/**
 * Command-line overrides: `--set train.epochs=5 --set train.optimizer.learning_rate=3e-4`
 * (Hydra-style). Values are parsed as YAML, with the checks of an experiment
 * file; the path must exist in the schema, and no segment may be `__proto__`,
 * `constructor` or `prototype`.
 */
import type { Problem } from '../errors.js';
import * as message from '../log/message.js';
import { configError, overrideLabel } from './hostile.js';
import { isPlainObject, toDotted, type Path } from './pointer.js';
import { parseYamlChecked, type OverrideSource } from './source.js';
import { settingPathProblem } from './suggest-path.js';

/** Top-level keys `--set` cannot name: `extends` is read before overrides apply. */
const NOT_SET_PATHS: ReadonlySet<string> = new Set(['extends']);

/** A parsed `--set` argument. */
export interface Override extends OverrideSource {
  readonly value: unknown;
}

/**
 * Parses `--set` arguments and checks each path against the schema.
 * @param args strings of the form `dotted.path=value`; list items by index (`model.layers.0.filters=16`).
 * @throws ConfigError listing every malformed argument or unknown path (with suggestions).
 */
export function parseOverrides(args: readonly string[]): Override[] {
  const problems: Problem[] = [];
  const overrides: Override[] = [];
  for (const arg of args) {
    const at = { file: overrideLabel(arg), line: 0, col: 0 };
    const eq = arg.indexOf('=');
    const dotted = eq < 0 ? '' : arg.slice(0, eq).trim();
    if (eq < 0 || dotted === '' || dotted.split('.').some((s) => s === '')) {
      problems.push({ at, message: message.overrideSyntax() });
      continue;
    }
    const path = dotted.split('.').map((s) => (/^\d+$/.test(s) ? String(Number(s)) : s));
    // The same check as --sweep and a file's sweep: keys (src/config/suggest-path.ts).
    const problem = settingPathProblem(path, NOT_SET_PATHS);
    if (problem !== undefined) {
      const text =
        problem.kind === 'forbidden'
          ? message.overrideForbiddenKey(dotted, problem.key)
          : problem.kind === 'not-a-setting'
            ? message.overrideUnknownPath('', message.excerpt(problem.key), undefined, [])
            : message.overrideUnknownPath(message.excerpt(problem.at), message.excerpt(problem.segment), problem.suggestion, problem.known);
      problems.push({ at, message: text });
      continue;
    }
    // The value is YAML, with the checks an experiment file gets (tags, keys, aliases, control characters).
    const parsed = parseYamlChecked(arg.slice(eq + 1), path);
    if (parsed.ok) {
      overrides.push({ path, arg, value: parsed.value ?? null });
    } else {
      for (const p of parsed.problems) problems.push({ at, message: p.syntax === true ? message.overrideValue(p.text) : p.text });
    }
  }
  if (problems.length > 0) throw configError(problems);
  return overrides;
}

/**
 * Applies overrides to experiment data in place, creating mappings on the way.
 * @throws ConfigError when a path goes through a scalar or past the end of a list.
 */
export function applyOverrides(data: Record<string, unknown>, overrides: readonly Override[]): void {
  for (const { path, value, arg } of overrides) {
    let here: unknown = data;
    for (let i = 0; i < path.length - 1; i++) {
      here = step(here, path, i, arg);
    }
    const last = path[path.length - 1]!;
    if (Array.isArray(here)) {
      checkIndex(here, path, path.length - 1, arg);
      here[Number(last)] = value;
    } else if (isPlainObject(here)) {
      here[String(last)] = value;
    } else {
      fail(arg, message.overrideThroughScalar(toDotted(path.slice(0, -1))));
    }
  }
}

/** The child `path[i]` of `here`, creating an empty mapping where a mapping key is missing. */
function step(here: unknown, path: Path, i: number, arg: string): unknown {
  const seg = String(path[i]);
  if (Array.isArray(here)) {
    checkIndex(here, path, i, arg);
    return here[Number(seg)];
  }
  if (!isPlainObject(here)) fail(arg, message.overrideThroughScalar(toDotted(path.slice(0, i))));
  if (here[seg] === undefined) here[seg] = {};
  return here[seg];
}

function checkIndex(list: unknown[], path: Path, i: number, arg: string): void {
  const index = Number(path[i]);
  if (!Number.isInteger(index) || index >= list.length) {
    fail(arg, message.overrideIndex(toDotted(path.slice(0, i)), index, list.length));
  }
}

function fail(arg: string, text: string): never {
  throw configError([{ at: { file: overrideLabel(arg), line: 0, col: 0 }, message: text }]);
}
