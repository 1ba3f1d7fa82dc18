/**
 * YAML sources with positions, and the `Locator` that maps a path in the merged
 * experiment back to the file, line and column that set it.
 */
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { SourceLocation } from '../errors.js';
import * as message from '../log/message.js';
import { configError, findControlChar, scanYamlStructure, isForbiddenKey, lineColOf, overrideLabel } from './hostile.js';
import { MAX_ALIAS_VALUES, MAX_YAML_ERRORS_SHOWN, MAX_YAML_NESTING, MAX_YAML_VALUES } from './limits.js';
import type { Path } from './pointer.js';

/**
 * A problem found in YAML text: a syntax error the yaml library reports (its
 * reason, to be worded by the caller), or one of tfexp's checks (the whole message).
 */
export interface TextProblem {
  /** Offset in the text; undefined for the text as a whole. */
  readonly offset: number | undefined;
  readonly text: string;
  /** `text` is the yaml library's reason for a syntax error. */
  readonly syntax?: boolean;
}

/** YAML text that passed every check, as plain data; or the problems found. */
export type CheckedYaml = { readonly ok: true; readonly doc: Document.Parsed; readonly value: unknown } | { readonly ok: false; readonly problems: readonly TextProblem[] };

/**
 * Parses YAML text as tfexp accepts it, so that nothing in it reaches the user
 * as a crash, a stack trace, a hang or a silent surprise:
 *   - no control characters (ESC, ...), no nesting deeper than MAX_YAML_NESTING and
 *     at most MAX_YAML_VALUES values, checked before the parser runs;
 *   - every syntax error the yaml library reports (at most MAX_YAML_ERRORS_SHOWN,
 *     the rest counted);
 *   - the YAML 1.2 core schema only: an unknown tag (`!!js/regexp`,
 *     `!!python/object`, `!foo`, YAML 1.1's `!!binary`) or a standard tag on a
 *     value it does not fit (`!!int abc`) is a problem where the tag is;
 *     `!!float 3` is the number 3 (YAML 1.2 allows it, the yaml library does not);
 *   - keys are plain scalars, unique (as JavaScript sees them: `1` and `"1"`
 *     are the same key), and none is `__proto__`, `constructor` or `prototype`;
 *   - every alias has an earlier anchor, is not inside its own anchor, and all
 *     aliases together repeat at most MAX_ALIAS_VALUES values (alias bombs);
 *   - whatever the yaml library still throws while converting to data.
 * Checks run in that order; a stage with problems ends the check.
 * @param at where the text's value goes in the experiment (a `--set` path), for messages.
 */
export function parseYamlChecked(text: string, at: readonly (string | number)[] = []): CheckedYaml {
  const control = findControlChar(text);
  if (control !== undefined) return failed({ offset: control.offset, text: message.yamlControlChar(control.char) });
  const structure = scanYamlStructure(text, { nesting: MAX_YAML_NESTING, values: MAX_YAML_VALUES });
  if (structure !== undefined) {
    const text = structure.kind === 'nesting' ? message.yamlTooDeep(MAX_YAML_NESTING) : message.yamlTooManyValues(MAX_YAML_VALUES);
    return failed({ offset: structure.offset, text });
  }
  let doc: Document.Parsed;
  try {
    // uniqueKeys is checked in checkTree: the library's check is quadratic (a minute for 80,000 keys).
    doc = parseDocument(text, { prettyErrors: false, uniqueKeys: false, schema: 'core', logLevel: 'error' });
  } catch (error) {
    return failed({ offset: undefined, text: message.yamlInvalid(reasonOf(error)) });
  }
  if (doc.errors.length > 0) {
    return failed(...doc.errors.map((e) => ({ offset: e.pos[0], text: message.excerpt(reasonOf(e), 2 * message.EXCERPT_CHARS), syntax: true })));
  }
  const tree = checkTree(doc, text, at);
  if (tree.problems.length > 0) return failed(...tree.problems);
  try {
    return { ok: true, doc, value: doc.toJS() };
  } catch (error) {
    return failed({ offset: tree.firstAlias ?? 0, text: message.yamlInvalid(reasonOf(error)) });
  }
}

function failed(...problems: TextProblem[]): CheckedYaml {
  if (problems.length <= MAX_YAML_ERRORS_SHOWN) return { ok: false, problems };
  const more = problems.length - MAX_YAML_ERRORS_SHOWN;
  return { ok: false, problems: [...problems.slice(0, MAX_YAML_ERRORS_SHOWN), { offset: undefined, text: message.yamlMoreErrors(more) }] };
}

/** The first line of an error's message. */
function reasonOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

const CORE_TAG = 'tag:yaml.org,2002:';

/** What each YAML 1.2 core tag stands for, by its suffix. */
const CORE_TAGS: ReadonlyMap<string, string> = new Map([
  ['str', 'text'],
  ['int', 'an integer'],
  ['float', 'a number'],
  ['bool', 'true or false'],
  ['null', 'null'],
  ['map', 'a mapping'],
  ['seq', 'a list'],
]);

/** A tag as a user writes it: `!!int` for the YAML tags, `!foo` for local ones, `!<uri>` for the rest. */
function shownTag(tag: string): string {
  if (tag.startsWith(CORE_TAG)) return `!!${tag.slice(CORE_TAG.length)}`;
  return tag.startsWith('!') ? tag : `!<${tag}>`;
}

/**
 * The problem with a node's tag, if any. Fixes `!!float 3` in place (the number 3).
 * @param written the tag as the file writes it (`!e!foo` with a %TAG handle), for messages.
 */
function tagProblem(node: Scalar | YAMLMap | YAMLSeq, written: () => string): string | undefined {
  const tag = node.tag;
  if (tag === undefined || tag === '!') return undefined;
  const core = tag.startsWith(CORE_TAG) ? tag.slice(CORE_TAG.length) : '';
  const expected = CORE_TAGS.get(core);
  if (expected === undefined) return message.unknownTag(written());
  if (isMap(node)) return core === 'map' ? undefined : message.tagMismatch(shownTag(tag), expected, { kind: 'a mapping' });
  if (isSeq(node)) return core === 'seq' ? undefined : message.tagMismatch(shownTag(tag), expected, { kind: 'a list' });
  const value = node.value;
  const fits = {
    str: typeof value === 'string',
    int: Number.isInteger(value),
    float: typeof value === 'number',
    bool: typeof value === 'boolean',
    null: value === null,
  }[core];
  if (fits === true) return undefined;
  if (core === 'float' && typeof value === 'string' && /^[-+]?[0-9]+$/.test(value)) {
    node.value = Number(value);
    return undefined;
  }
  const source = (node as Scalar & { source?: unknown }).source;
  return message.tagMismatch(shownTag(tag), expected, String(source ?? value));
}

/** The checks on the node tree (tags, keys, aliases), with the offset of the first alias. */
function checkTree(doc: Document.Parsed, text: string, base: readonly (string | number)[]): { problems: TextProblem[]; firstAlias: number | undefined } {
  const problems: TextProblem[] = [];
  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, number>();
  const open = new Set<Node>();
  const path = base.map(String);
  let aliasValues = 0;
  let firstAlias: number | undefined;
  const add = (offset: number | undefined, what: string) => void problems.push({ offset, text: what });
  /** Where a node's tag is written: the token just before the node (and its anchor) that has a "!". */
  const tagOffset = (node: Node) => {
    const start = node.range?.[0] ?? 0;
    let at = text.lastIndexOf('!', start - 1);
    if (at < 0) return start;
    while (at > 0 && !/[\s,[{]/.test(text[at - 1]!)) at--;
    return /^!\S*(?:\s+&\S+)?\s*$/.test(text.slice(at, start)) ? at : start;
  };
  /** A node's tag as the file writes it (`!e!foo` with a %TAG handle), or in its short form. */
  const writtenTag = (node: Node) => {
    const at = tagOffset(node);
    return text[at] === '!' ? /^\S+/.exec(text.slice(at, at + 1024))![0] : shownTag(node.tag ?? '');
  };
  /** Checks `node` and what is under it; returns how many values it stands for, aliases expanded. */
  const visit = (node: unknown): number => {
    if (isAlias(node)) {
      const offset = node.range?.[0];
      firstAlias ??= offset;
      const target = anchors.get(node.source);
      if (target === undefined || open.has(target)) {
        add(offset, target === undefined ? message.aliasUnknown(node.source) : message.aliasCycle(node.source));
        return 1;
      }
      const size = sizes.get(target) ?? 1;
      if (aliasValues <= MAX_ALIAS_VALUES && (aliasValues += size) > MAX_ALIAS_VALUES) {
        add(offset, message.aliasExpansion(node.source, size, MAX_ALIAS_VALUES));
      }
      return size;
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return 1;
    if (node.anchor !== undefined) anchors.set(node.anchor, node);
    const tag = tagProblem(node, () => writtenTag(node));
    if (tag !== undefined) add(tagOffset(node), tag);
    if (isScalar(node)) return 1;
    open.add(node);
    let size = 1;
    if (isMap(node)) {
      const seen = new Map<string, number>();
      for (const pair of node.items) {
        const key = pair.key as unknown;
        let name = '';
        if (isScalar(key)) {
          size += visit(key);
          name = String(key.value);
          const offset = key.range?.[0];
          if (isForbiddenKey(name)) add(offset, message.forbiddenKey(path.join('.'), name));
          const first = seen.get(name);
          if (first !== undefined) add(offset, message.duplicateKey(name, lineColOf(text, first).line));
          else seen.set(name, offset ?? 0);
        } else if (key !== null && key !== undefined) {
          const kind = isMap(key) ? 'a mapping' : isSeq(key) ? 'a list' : isAlias(key) ? 'an alias' : 'this';
          add((key as Node).range?.[0], message.keyNotScalar(kind));
        }
        path.push(name);
        size += visit(pair.value);
        path.pop();
      }
    } else {
      node.items.forEach((item, i) => {
        path.push(String(i));
        size += visit(item);
        path.pop();
      });
    }
    open.delete(node);
    if (node.anchor !== undefined) sizes.set(node, size);
    return size;
  };
  visit(doc.contents);
  return { problems, firstAlias };
}

/** One parsed YAML file: its data and the node tree that knows positions. */
export class YamlSource {
  private constructor(
    /** The file's path as shown to the user. */
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly text: string,
    private readonly data: unknown,
  ) {}

  /** Offsets where lines start, found on first use (locating is then a binary search). */
  private lineStarts: number[] | undefined;

  /**
   * Parses YAML text, with every check of `parseYamlChecked`.
   * @param file path shown in messages.
   * @throws ConfigError listing the problems found, each with its line and column.
   */
  static parse(text: string, file: string): YamlSource {
    const checked = parseYamlChecked(text);
    if (!checked.ok) {
      throw configError(
        checked.problems.map((p) => ({
          at: p.offset === undefined ? { file, line: 0, col: 0 } : { file, ...lineColOf(text, p.offset) },
          message: p.syntax === true ? message.yamlSyntax(p.text) : p.text,
        })),
      );
    }
    return new YamlSource(file, checked.doc, text, checked.value);
  }

  /** The document as plain JSON-like data (the same object on every call). */
  toJS(): unknown {
    return this.data;
  }

  /** Location of the start of the document. */
  get start(): SourceLocation {
    return { file: this.file, line: 1, col: 1 };
  }

  /**
   * Walks `path` as far as this document goes.
   * @returns the deepest node reached, how many segments it matched, whether the
   *   walk stopped at a node that replaces (not merges) whatever the path names
   *   below it (a scalar or a list: `extends` merges mappings only), and the key
   *   node of the last matched mapping entry.
   */
  walk(path: Path): { node: Node | null; keyNode: Node | null; depth: number; replaces: boolean } {
    let node = this.doc.contents as Node | null;
    let keyNode: Node | null = null;
    let depth = 0;
    for (const seg of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
        if (pair === undefined) return { node, keyNode, depth, replaces: false };
        keyNode = pair.key as Node;
        node = (pair.value as Node | null) ?? keyNode;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)] as Node | undefined;
        if (item === undefined) return { node, keyNode, depth, replaces: true };
        keyNode = null;
        node = item;
      } else {
        return { node, keyNode, depth, replaces: true };
      }
      depth += 1;
    }
    return { node, keyNode, depth, replaces: true };
  }

  /** Line and column (1-based) of a node's first character. */
  locationOf(node: Node | null): SourceLocation {
    const offset = node?.range?.[0];
    if (offset === undefined) return this.start;
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i >= 0; i = this.text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { file: this.file, line: lo + 1, col: offset - starts[lo]! + 1 };
  }
}

/** A `--set path=value` override, as a pseudo-source. */
export interface OverrideSource {
  readonly path: Path;
  readonly arg: string;
}

/**
 * Maps paths of the merged experiment to source locations, following the merge
 * rules of `extends` (mappings merge, everything else replaces) and `--set`.
 */
export class Locator {
  /**
   * @param sources the files of an `extends` chain, most derived first.
   * @param overrides `--set` overrides, in the order given (later wins).
   */
  constructor(
    readonly sources: readonly YamlSource[],
    readonly overrides: readonly OverrideSource[] = [],
  ) {}

  /**
   * Where the value at `path` was written.
   * @param onKey point at the key of the last segment (e.g. for an unknown key) rather than its value.
   */
  locate(path: Path, onKey = false): SourceLocation {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i]!;
      if (o.path.length <= path.length && o.path.every((seg, j) => String(seg) === String(path[j]))) {
        return { file: overrideLabel(o.arg), line: 0, col: 0 };
      }
    }
    let best: { source: YamlSource; node: Node | null; depth: number } | undefined;
    for (const source of this.sources) {
      const hit = source.walk(path);
      if (hit.depth === path.length || hit.replaces) {
        const node = onKey && hit.depth === path.length && hit.keyNode !== null ? hit.keyNode : hit.node;
        return source.locationOf(node);
      }
      if (best === undefined || hit.depth > best.depth) best = { source, node: hit.node, depth: hit.depth };
    }
    // No file wrote this exact value: an override below it created or changed it.
    const below = [...this.overrides].reverse().find((o) => path.every((seg, j) => String(seg) === String(o.path[j])));
    if (below !== undefined) return { file: overrideLabel(below.arg), line: 0, col: 0 };
    return best === undefined ? { file: '<unknown>', line: 0, col: 0 } : best.source.locationOf(best.node);
  }
}
