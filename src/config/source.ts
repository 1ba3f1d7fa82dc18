/**
 * YAML sources with positions, and the `Locator` that maps a path in the merged
 * experiment back to the file, line and column that set it.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { ConfigError, type SourceLocation } from '../errors.js';
import * as message from '../log/message.js';
import type { Path } from './pointer.js';

/** One parsed YAML file: its data and the node tree that knows positions. */
export class YamlSource {
  private constructor(
    /** The file's path as shown to the user. */
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /**
   * Parses YAML text.
   * @param file path shown in messages.
   * @throws ConfigError on a syntax error (with its line and column).
   */
  static parse(text: string, file: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    if (doc.errors.length > 0) {
      throw new ConfigError(
        doc.errors.map((e) => {
          const { line, col } = lines.linePos(e.pos[0]);
          return { at: { file, line, col }, message: message.yamlSyntax(e.message.split('\n')[0] ?? e.message) };
        }),
      );
    }
    return new YamlSource(file, doc, lines);
  }

  /** The document as plain JSON-like data. */
  toJS(): unknown {
    return this.doc.toJS();
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
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
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
        return { file: `--set ${o.arg}`, line: 0, col: 0 };
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
    if (below !== undefined) return { file: `--set ${below.arg}`, line: 0, col: 0 };
    return best === undefined ? { file: '<unknown>', line: 0, col: 0 } : best.source.locationOf(best.node);
  }
}
