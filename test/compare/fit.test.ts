/** The terminal table fits the terminal: cut with "…" by display width, numbers whole, --wide for everything (src/compare/fit.ts, table.ts). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { compareRuns } from '../../src/compare/index.js';
import { ELLIPSIS, fitColumns, truncateEnd } from '../../src/compare/fit.js';
import { formatTable, METRIC_DROP_ORDER, MIN_WIDTH, SHORT_METRIC_HEADERS } from '../../src/compare/table.js';
import * as message from '../../src/log/message.js';
import { runCli, tempDir } from '../helpers.js';
import { fakeRun, history, LIBRARY, libraryExperiment, setRunInfo } from './fixtures.js';

/** Ten runs of the experiment library: every file, and two learning rates of the baseline. */
function libraryRuns(): { root: string; ids: string[] } {
  const root = tempDir();
  const runs: [string, Record<string, unknown>][] = [
    ...LIBRARY.map((name) => [name, libraryExperiment(name)] as [string, Record<string, unknown>]),
    ['baseline', libraryExperiment('baseline', ['train.optimizer.learning_rate=0.0003'])],
    ['baseline', libraryExperiment('baseline', ['train.optimizer.learning_rate=0.003'])],
  ];
  const ids = runs.map(([name, experiment], i) => {
    const id = `20261201-2102${String(10 + i)}-${name}`;
    const val = name === 'baseline-val';
    const acc = 0.9 + i / 1000;
    fakeRun(root, id, experiment, 'completed', history(acc, 2, val), { accuracy: acc + 0.0001, loss: 0.3 }, undefined, { monitor: val ? 'val_loss' : 'loss', mode: 'min', epoch: 2, value: 0.1 });
    return id;
  });
  return { root, ids };
}

describe('fitting the terminal', () => {
  it('ten runs of the library fit 120 columns: no row wraps, long text ends in …, every number whole', async () => {
    const { root, ids } = libraryRuns();
    const result = await compareRuns([root], { out: join(root, 'cmp'), warn: () => {} });
    const lines = result.text.trimEnd().split('\n');
    for (const line of lines) assert.ok(stringWidth(line) <= 120, `${stringWidth(line)} columns: ${line}`);
    const rows = lines.slice(1, 11);
    assert.equal(rows.length, 10);
    assert.ok(rows.some((r) => r.includes(ELLIPSIS)), 'long cells are cut with an ellipsis');
    assert.ok(!ids.some((id) => result.text.includes(id)), 'the run folder is left out (the label names the run)');
    const accuracy = result.table.columns.indexOf('test_accuracy');
    for (const [i, row] of result.table.rows.entries()) assert.ok(rows[i]!.includes(String(row[accuracy])), `${row[accuracy]} whole in: ${rows[i]}`);
    assert.match(lines[0]!, /^label .* model /, 'the label and the model stay');
    // train.epochs differs (keras-convnet: 15) and its short name would be the epochs column's (moved under the table).
    const headers = lines[0]!.split(/ +/);
    assert.ok(!headers.includes('epochs'), `train.epochs is not headed "epochs": ${lines[0]}`);
    assert.equal(headers.filter((h) => h.startsWith('train.e') && 'train.epochs'.startsWith(h.replace(new RegExp(`${ELLIPSIS}$`), ''))).length, 1, `train.epochs keeps its path (cut or not): ${lines[0]}`);
    assert.ok(rows.every((r) => /^\S/.test(r)), 'one line per run');
    assert.ok(lines.some((l) => l.startsWith(message.sameInEveryRun([['status', 'completed'], ['epochs', '2']]))), 'columns with one value move under the table');
    assert.ok(lines[0]!.includes(SHORT_METRIC_HEADERS.test_accuracy!), 'short headers');
    assert.ok(result.text.includes(message.WIDE_HINT));
  });

  it('--wide shows every column whole, the run folders too; csv keeps every value', async () => {
    const { root, ids } = libraryRuns();
    const out = join(root, 'cmp');
    const wide = await compareRuns([root], { out, wide: true, warn: () => {} });
    assert.ok(!wide.text.includes(ELLIPSIS));
    for (const id of ids) assert.ok(wide.text.includes(id), id);
    assert.ok(wide.text.includes('C32-BN-relu-C32-BN-relu-P-C64-BN-relu-C64-BN-relu-P-C128-BN-relu-C128-BN-relu-P-C256-BN-relu-C256-BN-relu-F-D0.5-10'));
    assert.match(wide.text.split('\n')[0]!, /^label +run +status +name +description +.*test_accuracy/);
    const csv = formatTable(wide.table, 'csv');
    for (const id of ids) assert.ok(csv.includes(id), id);
    const all = await compareRuns([root], { out, allParams: true, warn: () => {} });
    assert.ok(!all.text.includes(ELLIPSIS) && all.text.split('\n')[0]!.includes('model.layers.0.padding'), '--all-params is not fitted either');
    const { code, stdout } = await runCli(['compare', root, '--out', out, '--wide']);
    assert.equal(code, 0);
    assert.ok(stdout.includes(ids[0]!), 'the CLI passes --wide');
  });

  it('a wider terminal cuts less; a table that fits is not touched', async () => {
    const { root } = libraryRuns();
    const narrow = await compareRuns([root], { out: join(root, 'a'), width: 120, warn: () => {} });
    const wider = await compareRuns([root], { out: join(root, 'b'), width: 200, warn: () => {} });
    assert.ok(wider.text.split('\n').every((l) => stringWidth(l) <= 200));
    assert.ok(stringWidth(wider.text.split('\n')[0]!) > stringWidth(narrow.text.split('\n')[0]!));
    const small = tempDir();
    fakeRun(small, 'r1', { name: 'a', train: { batch_size: 32 } }, 'completed', history(0.9), null);
    fakeRun(small, 'r2', { name: 'a', train: { batch_size: 64 } }, 'completed', history(0.8), null);
    const fits = await compareRuns([small], { out: join(small, 'cmp'), width: 160, warn: () => {} });
    assert.doesNotMatch(fits.text, /…|same in every run|short headers/);
    assert.match(fits.text, /^label +status +train\.batch_size +epochs/);
  });

  it('cuts by display width, CJK counting two columns; numbers never shrink', () => {
    assert.equal(truncateEnd('baseline lr=0.0003', 10), 'baseline …');
    assert.equal(truncateEnd('実験実験実験', 7), '実験実…');
    assert.equal(stringWidth(truncateEnd('実験実験実験', 7)), 7);
    assert.equal(truncateEnd('short', 10), 'short');
    const columns = [{ natural: 40, min: 12, group: 0 }, { natural: 10, min: 10, group: 0 }, { natural: 30, min: 8, group: 1 }];
    assert.deepEqual(fitColumns(columns, 60, 2), [16, 10, 30], 'group 0 shrinks first; the number column keeps its width');
    assert.deepEqual(fitColumns(columns, 40, 2), [12, 10, 14], 'then group 1');
    assert.deepEqual(fitColumns(columns, 10, 2), [12, 10, 8], 'at their minimums when nothing fits');
  });
});

describe('never wider than the terminal', () => {
  /** Runs named with long (and CJK) names, many differing settings, an interrupted run without metrics. */
  async function longRuns(): Promise<string> {
    const root = tempDir();
    const runs: [string, string[], string | undefined, string][] = [
      ['baseline', ['train.optimizer.learning_rate=0.0003', 'train.batch_size=32'], 'a-rather-long-experiment-name-for-the-baseline', 'completed'],
      ['baseline', ['train.optimizer.learning_rate=0.003', 'train.batch_size=256', 'train.epochs=7'], 'a-rather-long-experiment-name-for-the-baseline', 'completed'],
      ['baseline-adam', ['data.validation_split=0.2'], 'adam-with-validation-and-an-even-longer-name', 'completed'],
      ['vgg16-style', [], '実験-vgg16-スタイル-とても長い名前', 'completed'],
      ['keras-convnet', [], undefined, 'completed'],
      ['fashion-baseline', [], undefined, 'completed'],
      ['vgg16-style-narrow', ['train.optimizer.learning_rate=0.01'], 'narrow', 'completed'],
      ['baseline-bn', [], 'bn', 'interrupted'],
    ];
    runs.forEach(([file, sets, name, status], i) => {
      const id = `20261201-2102${String(10 + i)}-${name ?? file}`;
      const acc = 0.9 + i / 1000;
      const dir = fakeRun(root, id, libraryExperiment(file, sets), status, status === 'interrupted' ? [] : history(acc, 2, false), status === 'interrupted' ? null : { accuracy: acc + 0.0001, loss: 0.3 }, undefined, { monitor: 'loss', mode: 'min', epoch: 2, value: 0.1 });
      setRunInfo(dir, { duration_seconds: 1234.5 + i, params: { total: 12345678 + i }, ...(name === undefined ? {} : { name }) });
    });
    return root;
  }

  it('at 60, 80, 100 and 120 columns no line is wider than the terminal; numbers that do not fit are left out in METRIC_DROP_ORDER, the sort column last', async () => {
    const root = await longRuns();
    const result = await compareRuns([root], { out: join(root, 'cmp'), width: 60, warn: () => {} });
    for (const width of [60, 80, 100, 120]) {
      const text = width === 60 ? result.text : formatTable(result.table, 'table', { width, keep: 'test_accuracy' });
      const lines = text.trimEnd().split('\n');
      for (const line of lines) assert.ok(stringWidth(line) <= width, `${stringWidth(line)} > ${width} columns: ${line}\n${text}`);
      const rows = lines.slice(1, 9);
      assert.ok(rows.every((r) => /^\S/.test(r)), `one line per run at ${width}:\n${text}`);
      assert.match(lines[0]!, /^label .*test_acc/, `the label and the headline metric stay at ${width}`);
      // "cut cells end in …" only when a cell was cut.
      assert.equal(text.includes(message.CUT_CELLS), [lines[0]!, ...rows].some((l) => l.includes(ELLIPSIS)), `cut note iff a cell is cut at ${width}:\n${text}`);
    }
    const note = result.text.split('\n').findIndex((l) => l.startsWith('left out to fit 60 columns: '));
    const leftOut = result.text.split('\n').slice(note).join(' ').replace(/^left out to fit 60 columns: /, '').split(/,\s+/).map((c) => c.split('\n')[0]!.trim());
    const metrics = leftOut.filter((c) => METRIC_DROP_ORDER.includes(c));
    assert.ok(metrics.length > 0, `the numbers alone do not fit 60 columns: metrics are left out too: ${leftOut.join(', ')}`);
    assert.deepEqual(metrics, [...metrics].sort((a, b) => METRIC_DROP_ORDER.indexOf(a) - METRIC_DROP_ORDER.indexOf(b)), 'in METRIC_DROP_ORDER');
    assert.ok(!leftOut.includes('test_accuracy'));
  });

  it('any width from MIN_WIDTH to 160 fits, grouped seeds too (their settings stay: they name the rows); narrower terminals get MIN_WIDTH', async () => {
    const root = await longRuns();
    const { table } = await compareRuns([root], { out: join(root, 'cmp'), warn: () => {} });
    const seeds = tempDir();
    for (const [i, lr] of [0.001, 0.001, 0.0003, 0.0003].entries()) fakeRun(seeds, `s${i}`, libraryExperiment('baseline', [`train.optimizer.learning_rate=${lr}`, `seed=${i % 2}`]), 'completed', history(0.9 - i / 100, 2, false), { accuracy: 0.8 - i / 100, loss: 0.3 });
    const grouped = await compareRuns([seeds], { out: join(seeds, 'cmp'), warn: () => {} });
    assert.ok(grouped.table.columns.includes('seeds'));
    for (let width = MIN_WIDTH; width <= 160; width++) {
      for (const t of [table, grouped.table]) {
        const text = formatTable(t, 'table', { width, keep: 'test_accuracy' });
        for (const line of text.split('\n')) assert.ok(stringWidth(line) <= width, `${stringWidth(line)} > ${width}: ${line}\n${text}`);
      }
      assert.match(formatTable(grouped.table, 'table', { width, keep: 'test_accuracy' }), /^(lr|train\.optimizer\.learning_rate) .*test_acc/, `the grouped table keeps its setting and the headline metric at ${width}`);
    }
    const narrow = formatTable(table, 'table', { width: 20 });
    assert.ok(narrow.split('\n').every((l) => stringWidth(l) <= MIN_WIDTH), narrow);
    assert.ok(narrow.includes(`left out to fit ${MIN_WIDTH} columns`));
  });
});
