/**
 * Defences against hostile or broken experiment files and `--set` arguments:
 * bounded reading, recognising binary files, a nesting scan that runs before
 * the YAML parser, keys that would reach JavaScript object internals, and the
 * last step every config problem goes through, which escapes control
 * characters so that no message drives the terminal.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CST, Lexer } from 'yaml';
import { ConfigError, type Problem } from '../errors.js';
import * as message from '../log/message.js';
import { MAX_YAML_NESTING, MAX_YAML_VALUES } from './limits.js';
import { isPlainObject } from './pointer.js';

/**
 * Keys refused anywhere in an experiment (YAML keys and `--set` path segments):
 * setting them on a plain object reaches its prototype (`__proto__`), or walks
 * into Object's own properties (`constructor`, `prototype`) when a path is
 * resolved. No experiment setting has these names.
 */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** Whether `key` is one of the FORBIDDEN_KEYS. */
export function isForbiddenKey(key: string): boolean {
  return FORBIDDEN_KEYS.has(key);
}

/** A file's bytes, or how far it went past `limit`. */
export type BoundedRead = { readonly bytes: Buffer } | { readonly tooLarge: true; readonly size: number | undefined };

/**
 * Reads at most `limit` bytes of a file. A regular file larger than `limit` is
 * refused from its size alone, without reading it; anything else (a pipe, a
 * device such as /dev/zero) is read until it ends or passes `limit`.
 * @returns the bytes, or `tooLarge` with the size when it is known.
 * @throws the file system's error (ENOENT, EISDIR, EACCES, ...).
 */
export function readBounded(path: string, limit: number): BoundedRead {
  const fd = openSync(path, 'r');
  try {
    const stat = fstatSync(fd);
    if (stat.isFile() && stat.size > limit) return { tooLarge: true, size: stat.size };
    const buffer = Buffer.alloc(limit + 1);
    let length = 0;
    while (length < buffer.length) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) return { tooLarge: true, size: stat.isFile() ? Math.max(stat.size, length) : undefined };
    return { bytes: buffer.subarray(0, length) };
  } finally {
    closeSync(fd);
  }
}

/** File formats recognised by their first bytes, to name what was given instead of YAML. */
const SIGNATURES: readonly { readonly bytes: readonly number[]; readonly name: string }[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47], name: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], name: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], name: 'a GIF image' },
  { bytes: [0x1f, 0x8b], name: 'a gzip file' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: 'a zip file (or .npz)' },
  { bytes: [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59], name: 'a NumPy .npy array' },
  { bytes: [0x00, 0x00, 0x08], name: 'an IDX data file' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: 'an executable (ELF)' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], name: 'a PDF document' },
];

/** Decoded text, or a problem saying why the bytes are not a text YAML file (with its line and column when it has a place). */
export type Decoded =
  | { readonly text: string }
  | { readonly problem: { readonly message: string; readonly at?: { readonly line: number; readonly col: number } } };

/**
 * Decodes a YAML file's bytes: UTF-8 (a byte-order mark is dropped), or UTF-16
 * when it starts with a UTF-16 byte-order mark, as YAML 1.2 allows. A file with
 * NUL bytes or bytes that are not UTF-8 is not a text YAML file: one problem
 * says so (naming the format when its first bytes give it away), instead of the
 * YAML parser's many syntax errors quoting binary data.
 */
export function decodeYamlBytes(bytes: Uint8Array): Decoded {
  const encoding = bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : 'utf-8';
  const format = SIGNATURES.find((s) => s.bytes.every((b, i) => bytes[i] === b))?.name;
  if (format !== undefined) return { problem: { message: message.notTextFile(format, 'format') } };
  if (encoding === 'utf-8' && bytes.includes(0)) return { problem: { message: message.notTextFile(undefined, 'nul') } };
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    // Point at the first byte that is not valid: a file saved in Latin-1 is text in the wrong encoding.
    const lossy = new TextDecoder(encoding).decode(bytes);
    return { problem: { message: message.notTextFile(undefined, 'encoding'), at: lineColOf(lossy, Math.max(0, lossy.indexOf('\uFFFD'))) } };
  }
  if (text.includes('\0')) return { problem: { message: message.notTextFile(undefined, 'nul') } };
  return { text };
}

/** 1-based line and column of `offset` in `text`. */
export function lineColOf(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Characters YAML 1.2 does not allow in a file (outside its printable set): C0 controls but TAB, LF and CR; DEL; C1 controls but NEL. */
const NOT_PRINTABLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u0084\u0086-\u009f\ufffe\uffff]/;

/**
 * The first character of `text` that YAML does not allow (ESC, BEL, ...), with
 * its offset. YAML 1.2 forbids them in a file (they may appear in strings only
 * as escapes such as "\e"), and a message quoting one would drive the terminal.
 */
export function findControlChar(text: string): { offset: number; char: string } | undefined {
  const match = NOT_PRINTABLE.exec(text);
  return match === null ? undefined : { offset: match.index, char: match[0] };
}

/** What `scanYamlStructure` found past a limit: the offset of the first token past it. */
export interface StructureProblem {
  readonly offset: number;
  readonly kind: 'nesting' | 'values';
}

/**
 * Scans YAML text with the YAML library's lexer (so quotes and comments count
 * exactly as the parser will read them) but before its parser, which costs about
 * ten times as much per token and would otherwise set the time a hostile file takes:
 *   - nesting deeper than `nesting`: flow collections (`[`, `{`) inside each other,
 *     and compact block lists (`- - - x`) on one line. The parser needs seconds for
 *     deep nesting (7 s for 500,000 `[`), and mappings nested as keys (`{{{{`, a
 *     KB of them) took minutes to convert. Nesting by indentation needs the square
 *     of its depth in bytes, so MAX_EXPERIMENT_FILE_BYTES bounds it.
 *   - more than `values` YAML values: scalars (keys included), flow collections and
 *     block list items. A 1 MiB file of `[1,1,1,...]` holds 500,000 of them and takes
 *     the parser 5 s; at MAX_YAML_VALUES it takes about 0.2 s.
 * Lexing is linear (about 0.2 s for 1 MiB) and stops at the first limit crossed.
 * @returns where a limit is first crossed, or undefined.
 */
export function scanYamlStructure(text: string, limits: { nesting?: number; values?: number } = {}): StructureProblem | undefined {
  const nesting = limits.nesting ?? MAX_YAML_NESTING;
  const maxValues = limits.values ?? MAX_YAML_VALUES;
  let offset = 0;
  let flow = 0;
  let compact = 0;
  let values = 0;
  for (const token of new Lexer().lex(text)) {
    const first = token[0];
    if (token === '[' || token === '{') {
      if (++flow > nesting) return { offset, kind: 'nesting' };
      if (++values > maxValues) return { offset, kind: 'values' };
    } else if (token === ']' || token === '}') {
      flow = Math.max(0, flow - 1);
    } else if (token === '-' || token === '?') {
      if (++compact > nesting) return { offset, kind: 'nesting' };
      if (token === '-' && ++values > maxValues) return { offset, kind: 'values' };
    } else {
      // A plain or block scalar follows the SCALAR marker; a quoted one is its own token.
      if ((token === CST.SCALAR || first === '"' || first === "'") && ++values > maxValues) return { offset, kind: 'values' };
      if (token.includes('\n')) compact = 0;
    }
    // The lexer's markers (document start, flow end, scalar) are not source text.
    if (!LEXER_MARKERS.has(token)) offset += token.length;
  }
  return undefined;
}

/** Tokens the yaml lexer emits that do not stand for source characters (see yaml's `CST`). */
const LEXER_MARKERS: ReadonlySet<string> = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/** Marks where `shortValue` cut a list or mapping; `configError` shows it as "…". */
const CUT = '\u0000cut\u0000';
const CUT_JSON = JSON.stringify(CUT);

/** The first `max` characters of `text`, with "…" when it is longer (nothing escaped). */
function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${[...text.slice(0, 2 * max)].slice(0, max).join('')}…`;
}

/**
 * A copy of a YAML value that is short to print, for the "got ..." part of a
 * message: strings cut to `budget` characters with "…", lists and mappings cut
 * after the items that fit in about as many characters of JSON. Control
 * characters are escaped later, by `configError`.
 */
export function shortValue(value: unknown, budget = message.EXCERPT_CHARS): unknown {
  if (typeof value === 'string') return cut(value, budget);
  if (!Array.isArray(value) && !isPlainObject(value)) return value;
  const list = Array.isArray(value);
  const entries: [string, unknown][] = list ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const kept: [string, unknown][] = [];
  let used = 2;
  for (const [key, item] of entries) {
    const short = shortValue(item, Math.max(8, budget - used));
    const k = list ? key : cut(key, Math.max(8, budget - used));
    used += JSON.stringify(short ?? null).length + (list ? 1 : k.length + 3);
    if (used > budget && kept.length > 0) {
      kept.push([CUT, CUT]);
      break;
    }
    kept.push([k, short]);
  }
  return list ? kept.map(([, v]) => v) : Object.fromEntries(kept);
}

/**
 * The ConfigError for `problems`, made safe to print: control characters in
 * file names and messages are escaped (ESC as \x1b), and the marks `shortValue`
 * left are shown as "…". Every problem found in src/config is thrown through here.
 */
export function configError(problems: readonly Problem[]): ConfigError {
  const clean = (text: string) =>
    message.escapeControls(text.split(`${CUT_JSON}:${CUT_JSON}`).join('…').split(CUT_JSON).join('…').split(CUT).join('…'));
  return new ConfigError(problems.map((p) => ({ at: { ...p.at, file: clean(p.at.file) }, message: clean(p.message) })));
}

/** How a `--set` argument is named as a problem's place: `--set <arg>`, the argument cut to an excerpt. */
export function overrideLabel(arg: string): string {
  return `--set ${message.excerpt(arg, 2 * message.EXCERPT_CHARS)}`;
}
