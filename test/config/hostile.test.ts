/**
 * Hostile or broken experiment files and `--set` arguments (issue 12, part 3):
 * every one is a located ConfigError (exit 2), found quickly, with no stack
 * trace and no raw control character in what is printed.
 */
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { loadExperiment } from '../../src/config/index.js';
import { MAX_ALIAS_VALUES, MAX_EXPERIMENT_FILE_BYTES, MAX_LAYERS, MAX_YAML_ERRORS_SHOWN, MAX_YAML_NESTING, MAX_YAML_VALUES } from '../../src/config/limits.js';
import { escapeControls, excerpt, EXCERPT_CHARS } from '../../src/log/message.js';
import * as message from '../../src/log/message.js';
import { scanYamlStructure, shortValue } from '../../src/config/hostile.js';
import { parseYamlChecked } from '../../src/config/source.js';
import type { ConfigError } from '../../src/errors.js';
import { BASELINE, configErrorOf, experimentYaml, runCli, tempDir, writeFiles } from '../helpers.js';

const GOOD = experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]');

/** Loads `text` (a string, or bytes) as e.yaml in a fresh folder. */
function load(text: string | Uint8Array, sets: string[] = []) {
  const dir = tempDir();
  writeFileSync(join(dir, 'e.yaml'), text);
  return loadExperiment(join(dir, 'e.yaml'), sets);
}

/** The problems of loading `text`, as [line, col, message]; asserts what every config error must be. */
function problemsOf(text: string | Uint8Array, sets: string[] = []): [number, number, string][] {
  const error = configErrorOf(() => load(text, sets));
  assertPrintable(error);
  return error.problems.map((p) => [p.at.line, p.at.col, p.message]);
}

/** No control character (ESC, CR, BEL, C1, bidi overrides) reaches the terminal. */
function assertPrintable(error: ConfigError): void {
  for (const line of error.message.split('\n')) {
    assert.doesNotMatch(line, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/, `raw control character in ${JSON.stringify(line)}`);
  }
}

/** Runs `fn`, asserting it takes less than `ms` milliseconds. */
function quickly<T>(ms: number, fn: () => T): T {
  const start = performance.now();
  try {
    return fn();
  } finally {
    const took = performance.now() - start;
    assert.ok(took < ms, `took ${Math.round(took)} ms, more than ${ms}`);
  }
}

/** The "billion laughs" alias bomb: each level repeats the previous nine times (9^9 strings). */
const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((c, i) => {
    const prev = 'abcdefgh'[i];
    return `${c}: &${c} [${Array(9).fill(`*${prev}`).join(',')}]`;
  }),
].join('\n');

// Warm up ajv's compiled schema so timings measure the checks, not one-off compilation.
load(GOOD);

describe('every error of the yaml library is a located config error', () => {
  it('an alias bomb is refused at the alias that crosses the limit, quickly', () => {
    const problems = quickly(1000, () => problemsOf(BOMB));
    // Line 5 is `e: &e [*d,...`: *d repeats 9 * 820 + 1 values and takes the total past the limit.
    assert.deepEqual(problems, [[5, 8, message.aliasExpansion('d', 7381, MAX_ALIAS_VALUES)]]);
  });

  it('the CLI says it in one line, exit 2, no stack trace', async () => {
    const dir = writeFiles({ 'bomb.yaml': BOMB });
    const { code, stderr } = await runCli(['validate', join(dir, 'bomb.yaml')]);
    assert.equal(code, 2, stderr);
    assert.doesNotMatch(stderr, /^\s+at /m);
    assert.doesNotMatch(stderr, /unexpected error|ReferenceError/);
    assert.equal(stderr.trim().split('\n').length, 1, stderr);
    assert.match(stderr, /bomb\.yaml:5:8: alias \*d repeats/);
  });

  it('aliases without an anchor, or inside their own anchor, are located problems', () => {
    assert.deepEqual(problemsOf(`${GOOD}\nseed: *nope\n`), [[9, 7, message.aliasUnknown('nope')]]);
    assert.deepEqual(problemsOf(`${GOOD}\nseed: &loop [1, *loop]\n`), [[9, 17, message.aliasCycle('loop')]]);
  });

  it('what the yaml library still throws while converting (its own alias limit) is located at the first alias', () => {
    // 101 uses of one anchor: under MAX_ALIAS_VALUES, over the library's maxAliasCount of 100.
    const text = `${GOOD}\nx: &x 1\ny: [${Array(101).fill('*x').join(', ')}]\n`;
    assert.deepEqual(problemsOf(text), [[10, 5, message.yamlInvalid('Excessive alias count indicates a resource exhaustion attack')]]);
  });

  it('syntax errors are located, and at most MAX_YAML_ERRORS_SHOWN are listed', () => {
    assert.deepEqual(problemsOf('name: a\ndata: [1, 2\n'), [[3, 1, message.yamlSyntax('Flow sequence in block collection must be sufficiently indented and end with a ]')]]);
    assert.match(problemsOf('name: a\n---\nname: b\n')[0]![2], /YAML syntax error: Source contains multiple documents/);
    const many = Array.from({ length: 30 }, (_, i) => `k${i}: [\n`).join('');
    const problems = problemsOf(many);
    assert.equal(problems.length, MAX_YAML_ERRORS_SHOWN + 1);
    assert.match(problems.at(-1)![2], /^\d+ more YAML errors not shown/);
  });

  it('duplicate keys are found as JavaScript sees them, with the first one\'s line', () => {
    assert.deepEqual(problemsOf('name: a\n1: x\n"1": y\n'), [[3, 1, message.duplicateKey('1', 2)]]);
  });

  it('keys that are lists, mappings or aliases are refused before conversion (no stringified keys, no warnings)', () => {
    const warnings: unknown[] = [];
    const onWarning = (w: unknown) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      assert.deepEqual(problemsOf(`${GOOD}\n? [1, 2]\n: 3\n`), [[9, 3, message.keyNotScalar('a list')]]);
      // Nested collection keys made the library's conversion take minutes for 1 KB.
      const problems = quickly(1000, () => problemsOf('{'.repeat(1000)));
      assert.equal(problems[0]![2], message.yamlTooDeep(MAX_YAML_NESTING));
      quickly(1000, () => problemsOf('? '.repeat(1000)));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(warnings, []);
  });
});

describe('tags', () => {
  it('unknown tags are errors at the tag: !!js/regexp, !!python/object, !foo, YAML 1.1 types, %TAG and verbatim tags', () => {
    const text = [
      'name: !!js/regexp /ab+c/',
      'data: !!python/object:os.system [ls]',
      'model: !foo {a: 1}',
      'train: !!binary aGVsbG8=',
      'seed: !<tag:evil.example,2024:x> 1',
      'x: !!set {a}',
    ].join('\n');
    assert.deepEqual(problemsOf(text), [
      [1, 7, message.unknownTag('!!js/regexp')],
      [2, 7, message.unknownTag('!!python/object:os.system')],
      [3, 8, message.unknownTag('!foo')],
      [4, 8, message.unknownTag('!!binary')],
      [5, 7, message.unknownTag('!<tag:evil.example,2024:x>')],
      [6, 4, message.unknownTag('!!set')],
    ]);
    assert.deepEqual(problemsOf('%TAG !e! tag:example.com,2000:\n---\nname: !e!foo 1\n'), [[3, 7, message.unknownTag('!e!foo')]]);
    // A %YAML 1.1 directive does not bring YAML 1.1's types back.
    assert.deepEqual(problemsOf('%YAML 1.1\n---\nname: !!timestamp 2001-12-14\n'), [[3, 7, message.unknownTag('!!timestamp')]]);
  });

  it('a standard tag on a value it does not fit is an error; the YAML 1.2 core tags work', () => {
    assert.deepEqual(problemsOf(`${GOOD}\nseed: !!int abc\n`), [[9, 7, message.tagMismatch('!!int', 'an integer', 'abc')]]);
    assert.deepEqual(problemsOf(`${GOOD}\nseed: !!str {a: 1}\n`), [[9, 7, message.tagMismatch('!!str', 'text', { kind: 'a mapping' })]]);
    const checked = parseYamlChecked('a: !!str 1\nb: !!int "2"\nc: !!float 3\nd: !!bool true\ne: !!null ""\nf: !!map {x: 1}\ng: !!seq [1]\nh: ! 12\n');
    assert.ok(checked.ok, JSON.stringify(checked));
    assert.deepEqual(checked.value, { a: '1', b: 2, c: 3, d: true, e: null, f: { x: 1 }, g: [1], h: '12' });
    const { experiment } = load(`${GOOD}\nseed: !!int 7\n`);
    assert.equal(experiment.seed, 7);
  });
});

describe('size limits', () => {
  it(`a file over ${MAX_EXPERIMENT_FILE_BYTES} bytes is refused from its size, before it is read`, () => {
    const big = `${GOOD}\n${'#'.repeat(MAX_EXPERIMENT_FILE_BYTES)}\n`;
    const dir = writeFiles({ 'big.yaml': big });
    const error = quickly(500, () => configErrorOf(() => loadExperiment(join(dir, 'big.yaml'))));
    assert.deepEqual(
      error.problems.map((p) => [p.at.line, p.message]),
      [[0, message.fileTooLarge(Buffer.byteLength(big), MAX_EXPERIMENT_FILE_BYTES)]],
    );
    // Exactly at the limit is read.
    const exact = `${GOOD}\n#${'x'.repeat(MAX_EXPERIMENT_FILE_BYTES - GOOD.length - 3)}\n`;
    assert.equal(Buffer.byteLength(exact), MAX_EXPERIMENT_FILE_BYTES);
    load(exact);
  });

  it('a device or pipe that goes on is refused after the limit', { skip: !existsSync('/dev/zero') }, () => {
    const error = quickly(1000, () => configErrorOf(() => loadExperiment('/dev/zero')));
    assert.deepEqual(
      error.problems.map((p) => p.message),
      [message.fileTooLarge(undefined, MAX_EXPERIMENT_FILE_BYTES)],
    );
  });

  it('a repeat count that would explode is refused before expanding (1000 x 1000, 1e20)', () => {
    const nested = experimentYaml(`
    - repeat: 1000
      layers:
        - repeat: 1000
          layers: [{type: Dropout, rate: 0.1}]
    - {type: Flatten}
    - {type: Dense, units: 10}`);
    const problems = quickly(1000, () => problemsOf(nested));
    assert.deepEqual(problems, [[6, 15, message.tooManyLayers(1_000_000, MAX_LAYERS, { repeat: 1000, each: 1000 })]]);
    const huge = experimentYaml('[{repeat: 100000000000000000000, layers: [{type: Flatten}]}, {type: Dense, units: 10}]');
    assert.deepEqual(quickly(1000, () => problemsOf(huge)).map((p) => p[2]), [message.tooManyLayers(1e20, MAX_LAYERS, { repeat: 1e20, each: 1 })]);
  });

  it(`${MAX_LAYERS} layers are fine; one more, from many small blocks, is refused at model.layers`, () => {
    const at = (n: number) => experimentYaml(`[{repeat: ${n}, layers: [{type: Dropout, rate: 0.1}]}, {type: Flatten}, {type: Dense, units: 10}]`);
    assert.equal(load(at(MAX_LAYERS - 2)).layers.length, MAX_LAYERS);
    const blocks = Array(11).fill('{repeat: 1000, layers: [{type: Dropout, rate: 0.1}]}').join(', ');
    assert.deepEqual(problemsOf(experimentYaml(`[${blocks}, {type: Flatten}]`)), [[5, 11, message.tooManyLayers(11_001, MAX_LAYERS)]]);
  });

  it(`nesting deeper than ${MAX_YAML_NESTING} levels is refused by a scan before the parser`, () => {
    assert.deepEqual(quickly(1000, () => problemsOf(`name: ${'['.repeat(100_000)}`)), [[1, 7 + MAX_YAML_NESTING, message.yamlTooDeep(MAX_YAML_NESTING)]]);
    assert.equal(problemsOf(`${'- '.repeat(MAX_YAML_NESTING + 1)}x\n`)[0]![2], message.yamlTooDeep(MAX_YAML_NESTING));
    // Brackets in quotes and comments do not count; the limit itself is allowed.
    assert.equal(scanYamlStructure(`a: "${'['.repeat(500)}" # ${'{'.repeat(500)}\nb: '[[[['`), undefined);
    assert.equal(scanYamlStructure(`a: ${'['.repeat(MAX_YAML_NESTING)}${']'.repeat(MAX_YAML_NESTING)}`), undefined);
  });

  it(`a file of more than ${MAX_YAML_VALUES} values is refused by the scan, where the limit is crossed`, () => {
    // Under 1 MiB and 10,000 layers the parser alone would take seconds on a file like these.
    const list = `name: t\nseed: [${'1,'.repeat(MAX_YAML_VALUES + 10)}1]\n`;
    const [[line, col, text]] = problemsOf(list) as [[number, number, string]];
    assert.deepEqual([line, text], [2, message.yamlTooManyValues(MAX_YAML_VALUES)]);
    // "name", "t" and "seed" are 3 values and the list is the 4th: its item number (limit - 3) is the first past.
    assert.equal(col, 8 + 2 * (MAX_YAML_VALUES - 4));
    const layers = experimentYaml(`\n${'    - {type: Dropout, rate: 0.1}\n'.repeat(MAX_LAYERS + 1)}    - {type: Flatten}`);
    assert.ok(Buffer.byteLength(layers) < MAX_EXPERIMENT_FILE_BYTES);
    assert.equal(problemsOf(layers)[0]![2], message.yamlTooManyValues(MAX_YAML_VALUES));
    // Keys, quoted scalars, block scalars and list items count; comments and quotes' contents do not.
    assert.equal(scanYamlStructure('a: "x, y"\nb: |\n  [1, 2]\nc:\n  - \'z\' # [1, 2, 3]\n', { values: 7 }), undefined);
    assert.deepEqual(scanYamlStructure('a: "x, y"\nb: |\n  [1, 2]\nc:\n  - \'z\'\n', { values: 6 }), { offset: 31, kind: 'values' });
  });
});

describe('binary files and control characters', () => {
  it('a binary file is one short "not a text YAML file" naming the file', () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(5000, 0x41)]);
    assert.deepEqual(problemsOf(png), [[0, 0, message.notTextFile('a PNG image', 'format')]]);
    assert.deepEqual(problemsOf(gzipSync(GOOD)), [[0, 0, message.notTextFile('a gzip file', 'format')]]);
    const blob = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 7919) % 256));
    const error = configErrorOf(() => load(blob));
    assert.equal(error.problems.length, 1);
    assert.equal(error.problems[0]!.message, message.notTextFile(undefined, 'nul'));
    assert.match(error.message, /e\.yaml: not a text YAML file/);
    assert.ok(error.message.length < 200, error.message);
  });

  it('a binary or too large base file of an extends chain is named', () => {
    const dir = writeFiles({ 'child.yaml': 'extends: base.yaml\nseed: 1\n', 'big-child.yaml': 'extends: big.yaml\n' });
    writeFileSync(join(dir, 'base.yaml'), gzipSync(GOOD));
    writeFileSync(join(dir, 'big.yaml'), `${GOOD}\n#${'x'.repeat(MAX_EXPERIMENT_FILE_BYTES)}\n`);
    const binary = configErrorOf(() => loadExperiment(join(dir, 'child.yaml'))).problems;
    assert.deepEqual(binary.map((p) => [p.at.file.endsWith('base.yaml'), p.at.line, p.message]), [[true, 0, message.notTextFile('a gzip file', 'format')]]);
    const big = configErrorOf(() => loadExperiment(join(dir, 'big-child.yaml'))).problems;
    assert.ok(big[0]!.at.file.endsWith('big.yaml'));
    assert.match(big[0]!.message, /^too large for an experiment file/);
  });

  it('a file in another encoding points at the first byte that is not UTF-8; UTF-16 with a BOM is read', () => {
    assert.deepEqual(problemsOf(Buffer.from(`${GOOD}\ndescription: caf\xe9\n`, 'latin1')), [[9, 17, message.notTextFile(undefined, 'encoding')]]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${GOOD}\ndescription: café\n`, 'utf16le')]);
    assert.equal(load(utf16).experiment.description, 'café');
  });

  it('a raw control character in the file is a located error, quoted escaped', () => {
    assert.deepEqual(problemsOf(`${GOOD}\ndescription: red \x1b[31malert\n`), [[9, 18, message.yamlControlChar('\x1b')]]);
    assert.match(message.yamlControlChar('\x1b'), /control character \\x1b /);
  });

  it('values written with escapes are escaped again when a message quotes them, and cut short', () => {
    const [[, , text]] = problemsOf(`${GOOD}\nseed: "\\e[2J\\e[31m${'x'.repeat(500)}\\u202e"\n`) as [[number, number, string]];
    assert.ok(text.startsWith('"seed" must be an integer, got the string "\\x1b[2J\\x1b[31mxxx'), text);
    assert.ok(text.length < 200 && text.includes('…'), text);
    const [[, , list]] = problemsOf(`${GOOD}\nseed: [${Array(1000).fill('"\\e[31mred"').join(', ')}]\n`) as [[number, number, string]];
    assert.ok(list.length < 200 && list.endsWith('…]'), list);
    const [[, , key]] = problemsOf(GOOD.replace('name: t', `name: t\n"\\e]0;pwned\\a${'k'.repeat(300)}": 1`)) as [[number, number, string]];
    assert.ok(key.startsWith('unknown key "\\x1b]0;pwned\\x07kkk'), key);
    assert.ok(key.length < 300, key);
  });

  it('--set text is escaped and cut, in the place and in the message', () => {
    const error = configErrorOf(() => load(GOOD, [`model.\x1b[2J${'y'.repeat(400)}=1`]));
    assertPrintable(error);
    const [problem] = error.problems;
    assert.ok(problem!.at.file.startsWith('--set model.\\x1b[2Jyyy') && problem!.at.file.endsWith('…'), problem!.at.file);
    assert.ok(problem!.at.file.length < 2 * EXCERPT_CHARS + 10);
    assert.deepEqual(problemsOf(GOOD, ['name=\x1b[31mred']).map((p) => p[2]), [message.yamlControlChar('\x1b')]);
  });

  it('excerpt, escapeControls and shortValue', () => {
    assert.equal(escapeControls('a\x1bb\r\n\x9b\u202e'), 'a\\x1bb\\x0d\\x0a\\x9b\\u{202e}');
    assert.equal(excerpt('x'.repeat(EXCERPT_CHARS)), 'x'.repeat(EXCERPT_CHARS));
    assert.equal(excerpt('x'.repeat(EXCERPT_CHARS + 1)), `${'x'.repeat(EXCERPT_CHARS)}…`);
    assert.equal(shortValue('short'), 'short');
    assert.deepEqual(shortValue([1, 2, 3]), [1, 2, 3]);
    assert.ok(JSON.stringify(shortValue(Array(1000).fill(12345))).length < 2 * EXCERPT_CHARS);
  });
});

describe('keys that reach JavaScript object internals', () => {
  for (const [arg, path, key] of [
    ['__proto__=1', '__proto__', '__proto__'],
    ['model.__proto__={polluted: 1}', 'model.__proto__', '__proto__'],
    ['model.constructor=1', 'model.constructor', 'constructor'],
    ['train.prototype.x=1', 'train.prototype.x', 'prototype'],
  ] as const) {
    it(`--set ${arg} is refused, naming the path`, () => {
      const error = configErrorOf(() => load(GOOD, [arg]));
      assert.deepEqual(
        error.problems.map((p) => [p.at.file, p.message]),
        [[`--set ${arg}`, message.overrideForbiddenKey(path, key)]],
      );
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
  }

  it('in a --set value and in the file, at the key', () => {
    assert.deepEqual(problemsOf(GOOD, ['model.input_shape={__proto__: {polluted: 1}}']).map((p) => p[2]), [
      message.forbiddenKey('model.input_shape', '__proto__'),
    ]);
    assert.deepEqual(problemsOf(`__proto__: {polluted: 1}\n${GOOD}`), [[1, 1, message.forbiddenKey('', '__proto__')]]);
    assert.deepEqual(problemsOf(GOOD.replace('model:\n', 'model:\n  constructor: 1\n')), [[4, 3, message.forbiddenKey('model', 'constructor')]]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('--set paths find only the schema\'s own keys (not toString)', () => {
    assert.match(problemsOf(GOOD, ['model.toString=1'])[0]![2], /the schema has no "toString" under "model"/);
  });

  it('the baseline experiment still loads', () => {
    assert.equal(loadExperiment(BASELINE).layers.length, 14);
  });
});
