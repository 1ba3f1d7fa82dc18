/**
 * Schema validation with ajv, and the translation of ajv's errors into
 * `file:line:col: message` problems with "did you mean" suggestions.
 */
import type { Ajv, ErrorObject, Options, ValidateFunction } from 'ajv';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Problem } from '../errors.js';
import * as message from '../log/message.js';
import { shortValue } from './hostile.js';
import { getIn, parsePointer, type Path } from './pointer.js';
import { ExperimentSchema, type Experiment } from './schema/index.js';
import { knownKeys } from './schema-walk.js';
import type { Locator } from './source.js';
import { kerasSpellingsAt } from './keras-names.js';
import { closestMatch } from './suggest.js';

/** How ajv compiles the schema, here and in scripts/build.ts (which writes PRECOMPILED_VALIDATOR). */
export const AJV_OPTIONS: Options = { useDefaults: true, discriminator: true, allErrors: true, verbose: true, strict: true, strictRequired: false };

/**
 * The validator as ajv's standalone code (CommonJS), written next to this module by
 * `npm run build` from the same schema: compiling the schema takes 0.2-0.5 s at every
 * start (issue 13). Absent when running the sources, which compile it.
 */
export const PRECOMPILED_VALIDATOR = 'experiment-validator.cjs';

const require = createRequire(import.meta.url);
let compiled: ValidateFunction | undefined;

/** The compiled validator; it fills Keras defaults in place (`useDefaults`). */
function validator(): ValidateFunction {
  if (compiled !== undefined) return compiled;
  const precompiled = new URL(PRECOMPILED_VALIDATOR, import.meta.url);
  if (existsSync(precompiled)) compiled = require(fileURLToPath(precompiled)) as ValidateFunction;
  // ajv itself (64 modules) is loaded only to compile.
  else compiled = new (require('ajv') as { Ajv: typeof Ajv }).Ajv(AJV_OPTIONS).compile(ExperimentSchema);
  return compiled;
}

/**
 * Validates experiment data against the schema and fills every default in place.
 * @param data merged experiment data (extends, overrides and shorthands applied); mutated.
 * @param locator maps paths back to the YAML that set them.
 * @returns the problems found, empty when `data` is a valid `Experiment`.
 */
export function validateSchema(data: Record<string, unknown>, locator: Locator): Problem[] {
  const validate = validator();
  if (validate(data)) return [];
  return toProblems(validate.errors ?? [], data, locator);
}

/** Narrows data that `validateSchema` accepted. */
export function asExperiment(data: Record<string, unknown>): Experiment {
  return data as unknown as Experiment;
}

/** What an object at `path` is called in messages ("Conv2D layer", "train", "the optimizer"). */
function ownerName(data: unknown, path: Path): string {
  const value = getIn(data, path);
  const type = value !== null && typeof value === 'object' ? (value as Record<string, unknown>).type : undefined;
  const inLayers = path.includes('layers');
  if (typeof type === 'string') return inLayers ? `${type} layer` : `${type} ${path[path.length - 1]}`;
  if (inLayers && value !== null && typeof value === 'object' && 'repeat' in value) return 'repeat block';
  return path.length === 0 ? 'the experiment' : `"${path.join('.')}"`;
}

/** The kind of tagged object at `path`: "layer", "optimizer", ... */
function taggedKind(path: Path): string {
  if (path.includes('layers')) return 'layer';
  return String(path[path.length - 1] ?? 'object');
}

function typeWord(type: string): string {
  const words: Record<string, string> = {
    integer: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    array: 'a list',
    object: 'a mapping',
    null: 'null',
  };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

function toProblems(errors: readonly ErrorObject[], data: unknown, locator: Locator): Problem[] {
  // A failed anyOf says "none of the forms matched": report it once, without each branch's complaint.
  const anyOfPaths = errors.filter((e) => e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  // A missing `type` is reported by the discriminator, with the known types.
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      !anyOfPaths.some((p) => e.schemaPath.startsWith(p)) &&
      !(e.keyword === 'required' && (e.params as { missingProperty?: string }).missingProperty === 'type'),
  );
  const seen = new Set<string>();
  const problems: Problem[] = [];
  for (const error of kept) {
    const path = parsePointer(error.instancePath);
    const { text, onKey, at } = describe(error, path, data);
    const where = locator.locate(at ?? path, onKey);
    const key = `${where.file}:${where.line}:${where.col}:${text}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ at: where, message: text });
  }
  return problems.sort(byPosition);
}

/** Orders problems as a reader meets them: by file, then line, then column. */
export function byPosition(a: Problem, b: Problem): number {
  return a.at.file.localeCompare(b.at.file) || a.at.line - b.at.line || a.at.col - b.at.col;
}

interface Described {
  text: string;
  /** Point at the key rather than the value. */
  onKey?: boolean;
  /** Path to locate, when it differs from the error's instance path. */
  at?: Path;
}

function describe(error: ErrorObject, path: Path, data: unknown): Described {
  const last = path[path.length - 1];
  const name = message.excerpt(last === undefined ? 'experiment' : /^\d+$/.test(String(last)) ? `${path[path.length - 2]}[${last}]` : String(last));
  // What the user wrote, cut short for the "got ..." part (configError escapes control characters).
  const got = shortValue(error.data);
  const params = error.params as Record<string, unknown>;
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = knownKeys(schema);
      return {
        text: message.unknownKey(message.excerpt(key), ownerName(data, path), closestMatch(key, allowed), allowed),
        at: [...path, key],
        onKey: true,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = (schema.properties as Record<string, { description?: string }> | undefined)?.[key];
      return { text: message.missingKey(key, ownerName(data, path), property?.description) };
    }
    case 'discriminator': {
      const known = ((schema.oneOf as { properties: { type: { const: string } } }[]) ?? []).map((v) => v.properties.type.const);
      const kind = taggedKind(path);
      if (params.error === 'mapping' && typeof params.tagValue === 'string') {
        return { text: message.unknownType(kind, message.excerpt(params.tagValue), closestMatch(params.tagValue, [...known, ...kerasSpellingsAt([...path, 'type'])]), known), at: [...path, 'type'] };
      }
      if (params.error === 'mapping') {
        return { text: message.wrongType('type', `one of ${known.join(', ')}`, shortValue(params.tagValue)), at: [...path, 'type'] };
      }
      const tag = (error.data as Record<string, unknown> | null)?.type;
      if (tag !== undefined) return { text: message.wrongType('type', `one of ${known.join(', ')}`, shortValue(tag)), at: [...path, 'type'] };
      return { text: message.missingType(kind, known) };
    }
    case 'type':
      return { text: message.wrongType(name, typeWord(String(params.type)), got) };
    case 'enum': {
      const allowed = params.allowedValues as unknown[];
      const suggestion = typeof error.data === 'string' ? closestMatch(error.data, [...allowed.map(String), ...kerasSpellingsAt(path)]) : undefined;
      if (name === 'type' && typeof error.data === 'string') {
        return { text: message.unknownType(taggedKind(path.slice(0, -1)), message.excerpt(error.data), suggestion, allowed.map(String)) };
      }
      return { text: message.notInEnum(name, got, suggestion, allowed) };
    }
    case 'const':
      return { text: message.notInEnum(name, got, undefined, [params.allowedValue]) };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { text: message.outOfRange(name, String(params.comparison), Number(params.limit), got) };
    case 'minItems':
      return { text: message.itemCount(name, 'at least', Number(params.limit), (error.data as unknown[]).length) };
    case 'maxItems':
      return { text: message.itemCount(name, 'at most', Number(params.limit), (error.data as unknown[]).length) };
    case 'anyOf':
      return { text: message.noMatchingForm(name, String(schema.title ?? schema.description ?? 'one of the allowed forms'), got) };
    case 'uniqueItems': {
      const items = error.data as unknown[];
      return { text: message.duplicateItem(name, shortValue(items[Number(params.j)])) };
    }
    case 'minLength':
      return { text: message.emptyString(name) };
    case 'pattern':
      return { text: message.badPattern(name, got) };
    case 'not':
      return { text: message.forbiddenValue(name, got) };
    default:
      return { text: message.schemaOther(name, error.message ?? 'is invalid') };
  }
}
