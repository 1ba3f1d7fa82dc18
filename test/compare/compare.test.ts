/** tfexp compare: differing settings, formats, sorting, robustness, overlay plots. */
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import stringWidth from 'string-width';
import { compareRuns } from '../../src/compare/index.js';
import { liveStands, readSweep } from '../../src/compare/load.js';
import { paramColumns } from '../../src/compare/params.js';
import { buildTable, formatTable, sortTable } from '../../src/compare/table.js';
import { overlayRows } from '../../src/plots/compare-spec.js';
import * as message from '../../src/log/message.js';
import { createRunDir } from '../../src/runs/dir.js';
import { runCli, tempDir } from '../helpers.js';
import { fakeRun } from './fixtures.js';

const exp = (lr: number, extra: object = {}) => ({ name: 'b', seed: 42, model: { input_shape: [28, 28, 1], layers: [{ type: 'Dense', units: 10 }] }, train: { optimizer: { type: 'adam', learning_rate: lr }, epochs: 2 }, ...extra });
const hist = (acc: number, epochs = 2) => Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 - acc + i * 0.01, accuracy: acc, val_loss: 1, val_accuracy: acc - 0.01 * i }));

describe('differing settings', () => {
  it('finds nested keys, list items and keys present in only some runs', () => {
    const { paths, values } = paramColumns([
      exp(0.001),
      exp(0.0003, { model: { input_shape: [28, 28, 1], layers: [{ type: 'Dense', units: 20 }] } }),
      exp(0.001, { data: { validation_split: 0.1 } }),
    ]);
    assert.deepEqual(paths, ['model.layers.0.units', 'train.optimizer.learning_rate', 'data.validation_split'], 'in the order first seen');
    assert.deepEqual(values, [['10', '0.001', '-'], ['20', '0.0003', '-'], ['10', '0.001', '0.1']]);
  });

  it('lists of scalars compare as one value, and identical runs have no differing column', () => {
    assert.deepEqual(paramColumns([exp(1, { model: { input_shape: [28, 28, 1] } }), exp(1, { model: { input_shape: [32, 32, 1] } })]).paths, ['model.input_shape']);
    assert.deepEqual(paramColumns([exp(1), exp(1)]).paths, []);
    assert.ok(paramColumns([exp(1), exp(1)], true).paths.includes('train.epochs'), '--all-params shows everything');
  });
});

describe('compare runs', () => {
  it('shows the differing setting and the metrics, sorted by test accuracy, in all four formats', async () => {
    const root = tempDir();
    fakeRun(root, 'r1', exp(0.001), 'completed', hist(0.9), { accuracy: 0.91, loss: 0.3 });
    fakeRun(root, 'r2', exp(0.0003), 'completed', hist(0.95), { accuracy: 0.96, loss: 0.2 });
    const out = join(root, 'cmp');
    const result = await compareRuns([root], { out, warn: () => {} });
    assert.deepEqual(result.table.params, ['train.optimizer.learning_rate']);
    assert.deepEqual(result.table.rows.map((r) => r[1]), ['r2', 'r1'], 'best test accuracy first');
    const row = Object.fromEntries(result.table.columns.map((c, i) => [c, result.table.rows[0]![i]]));
    assert.deepEqual(row, {
      label: 'b lr=0.0003', run: 'r2', status: 'completed', 'train.optimizer.learning_rate': '0.0003', epochs: 2, loss: 0.06, accuracy: 0.95,
      best_val_accuracy: 0.95, best_epoch: 1, best_monitor: 'val_accuracy', test_accuracy: 0.96, test_loss: 0.2, params: 100, duration_s: 12.4, backend: 'wasm/2t',
    });
    const md = formatTable(result.table, 'markdown');
    assert.match(md, /^\| label \| run \| status \| train\.optimizer\.learning_rate \| epochs/);
    assert.match(md, /\| b lr=0\.0003 \| r2 \| completed \| 0\.0003 \| 2 \|/);
    const csv = formatTable(result.table, 'csv').split('\n');
    assert.equal(csv[0], result.table.columns.join(','));
    assert.ok(csv[1]!.startsWith('b lr=0.0003,r2,completed,0.0003,2,'));
    const json = JSON.parse(formatTable(result.table, 'json'));
    assert.equal(json[1]['train.optimizer.learning_rate'], '0.001');
    assert.equal(json[1].run, 'r1', 'json keeps the run folder');
    assert.match(formatTable(result.table, 'table', { wide: true }), /^label +run +status +train\.optimizer\.learning_rate/);
    assert.deepEqual(readdirSync(out).sort(), ['compare.html', 'curves.png', 'curves.svg', 'curves.vl.json', 'test_accuracy.png', 'test_accuracy.svg', 'test_accuracy.vl.json']);
    assert.deepEqual(sortTable(result.table, 'test_loss').rows.map((r) => r[1]), ['r2', 'r1'], 'losses sort ascending');
  });

  it('is robust: skips non-runs with a warning, shows failed and interrupted runs with what they have, reports corrupt metrics', async () => {
    const root = tempDir();
    fakeRun(root, 'ok', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'failed', exp(0.1), 'failed', hist(0.5, 1), null);
    fakeRun(root, 'stopped', exp(0.01), 'interrupted', [], null);
    fakeRun(root, 'corrupt', exp(0.02), 'completed', [], null, '{"history": [');
    mkdirSync(join(root, 'notes'));
    const warnings: string[] = [];
    const result = await compareRuns([root, join(root, 'missing')], { out: join(root, 'cmp'), warn: (w) => warnings.push(w) });
    assert.equal(result.table.rows[0]![1], 'ok', 'the only run with a test result comes first');
    const status = Object.fromEntries(result.table.rows.map((r) => [r[1], r[2]]));
    assert.equal(status.failed, 'failed');
    assert.equal(status.stopped, 'interrupted');
    assert.equal(status.corrupt, message.CORRUPT_METRICS_STATUS);
    assert.equal(result.table.rows.length, 4);
    assert.ok(warnings.some((w) => /missing: no such file or folder; skipped/.test(w)), warnings.join('\n'));
    assert.ok(warnings.some((w) => /corrupt: corrupt metrics\.json: Unexpected end of JSON input/.test(w)), warnings.join('\n'));
    assert.deepEqual(result.broken.map((b) => [b.dir, b.file]), [[join(root, 'corrupt'), 'metrics.json']]);
  });

  it('an unknown --metric or --sort column: says which option, suggests the closest column, exits 2', async () => {
    const root = tempDir();
    fakeRun(root, 'r1', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.1 });
    fakeRun(root, 'r2', exp(0.0003), 'completed', hist(0.8), { accuracy: 0.8, loss: 0.2 });
    const metric = await runCli(['compare', root, '--out', join(root, 'cmp'), '--metric', 'tset_accuracy']);
    assert.equal(metric.code, 2);
    assert.match(metric.stderr, /unknown metric "tset_accuracy" \(--metric\): did you mean test_accuracy\?/);
    assert.doesNotMatch(metric.stderr, /cannot sort/);
    const sort = await runCli(['compare', root, '--out', join(root, 'cmp'), '--sort', 'tst_loss']);
    assert.equal(sort.code, 2);
    assert.match(sort.stderr, /unknown sort column "tst_loss" \(--sort\): did you mean test_loss\?/);
    await assert.rejects(compareRuns([root], { out: join(root, 'cmp'), sort: 'ac', warn: () => {} }), /did you mean acc\b|did you mean accuracy\b/);
    await assert.rejects(compareRuns([root], { out: join(root, 'cmp'), metric: 'zzzzzzzz', warn: () => {} }), (e: Error) => /unknown metric "zzzzzzzz" \(--metric\); columns are label, run/.test(e.message));
    const short = await compareRuns([root], { out: join(root, 'cmp'), metric: 'acc', warn: () => {} });
    assert.deepEqual(short.table.rows.map((r) => r[short.table.columns.indexOf('run')]), ['r1', 'r2'], '--metric takes the short headers too');
  });

  it('exits 2 when no run is found', async () => {
    const { code, stderr } = await runCli(['compare', tempDir()]);
    assert.equal(code, 2);
    assert.match(stderr, /no run directories found/);
  });
});

/** Lines of the table: stdout without the lines under it (notes, `report:` and `plots:`). */
const tableLines = (stdout: string) => stdout.split('\n').filter((l) => l !== '' && !/^(report|plots|same in every run|short headers|left out to fit|cut cells): |^ {2}|^cut cells|^--wide/.test(l));

describe('running runs', () => {
  it('a running run whose process is gone shows as "stale (process gone)"; a live one as running', async () => {
    const root = tempDir();
    const dead = fakeRun(root, 'dead', exp(0.001), 'running', hist(0.9, 1), null);
    const live = fakeRun(root, 'live', exp(0.002), 'running', hist(0.9, 1), null);
    const mark = (dir: string, pid: number) => {
      const run = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
      writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...run, host: hostname(), pid, heartbeat_at: new Date().toISOString() }));
    };
    mark(dead, 2 ** 22 + 12345); // above Linux's pid_max default: no such process
    mark(live, process.pid);
    const { code, stdout } = await runCli(['compare', root, '--out', join(root, 'cmp'), '--wide']);
    assert.equal(code, 0);
    assert.match(tableLines(stdout).find((l) => / dead /.test(l))!, / dead +stale \(process gone\) /);
    assert.match(tableLines(stdout).find((l) => / live /.test(l))!, / live +running /);
  });
});

describe('broken run folders', () => {
  /** A metrics.json that JSON.parse quotes at length in its error, with an ESC in it. */
  const CORRUPT = `{"history": [1, 2, \x1b[31mred, ${'x'.repeat(300)}]}`;
  it('a corrupt metrics.json: status "corrupt metrics.json", the parse error in a warning, the good runs in the table, exit 2', async () => {
    const root = tempDir();
    fakeRun(root, 'good', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'failed', exp(0.1), 'failed', hist(0.5, 1), null);
    fakeRun(root, 'bad', exp(0.02), 'completed', [], null, CORRUPT);
    const { code, stdout, stderr } = await runCli(['compare', root, '--out', join(root, 'cmp'), '--wide']);
    assert.equal(code, 2, stderr);
    const lines = tableLines(stdout);
    assert.match(lines[0]!, /^label +run +status +/);
    const row = (id: string) => lines.find((l) => l.includes(` ${id} `));
    assert.match(row('good')!, / good +completed +0\.001 +2 /, 'the good runs are in the table');
    assert.match(row('failed')!, / failed +failed /);
    assert.match(row('bad')!, / bad +corrupt metrics\.json +0\.02 +- /);
    assert.ok(!/JSON input|not valid JSON|xxxx/.test(stdout), `the parse error stays out of the table:\n${stdout}`);
    assert.ok(Math.max(...lines.map((l) => stringWidth(l))) < 220, 'no 100-character status column');
    assert.match(stdout, /^report: .*compare\.html$/m, 'the plots and compare.html are still written');
    const warning = stderr.split('\n').find((l) => l.startsWith(`warning: ${join(root, 'bad')}: corrupt metrics.json: `));
    assert.ok(warning, stderr);
    assert.match(warning, /is not valid JSON|Unexpected token/, 'the detail is in the warning');
    assert.ok(warning.includes('\\x1b[31mred'), 'ESC is escaped');
    assert.ok(!stderr.includes('\x1b'), 'no raw control character reaches the terminal');
    assert.ok(warning.length < 400, 'the detail is cut');
    assert.ok(stderr.trimEnd().endsWith(message.brokenRuns([{ dir: join(root, 'bad'), what: 'corrupt metrics.json', listed: true }], 3)), stderr);
  });

  it('other broken files: metrics.json that is not a metrics file, or missing from a finished run; run.json corrupt (skipped)', async () => {
    const root = tempDir();
    fakeRun(root, 'good', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'shape', exp(0.002), 'completed', [], null, '{"history": [null]}');
    rmSync(join(fakeRun(root, 'gone', exp(0.003), 'completed', [], null), 'metrics.json'));
    writeFileSync(join(fakeRun(root, 'norun', exp(0.004), 'completed', hist(0.9), null), 'run.json'), '{"id": ');
    const warnings: string[] = [];
    const result = await compareRuns([root], { out: join(root, 'cmp'), warn: (w) => warnings.push(w) });
    const status = Object.fromEntries(result.table.rows.map((r) => [r[1], r[2]]));
    assert.deepEqual(status, { good: 'completed', shape: message.CORRUPT_METRICS_STATUS, gone: message.MISSING_METRICS_STATUS });
    assert.deepEqual(result.broken.map((b) => b.what).sort(), ['corrupt metrics.json', 'corrupt run.json', 'missing metrics.json']);
    assert.ok(warnings.some((w) => w.includes('shape: corrupt metrics.json: "history" holds something other than objects')), warnings.join('\n'));
    assert.ok(warnings.some((w) => /norun: corrupt run\.json: .*; skipped$/.test(w)), warnings.join('\n'));
    const cli = await runCli(['compare', root, '--out', join(root, 'cmp2')]);
    assert.equal(cli.code, 2);
    assert.match(cli.stderr, /3 broken run folders among the inputs .*norun \(corrupt run\.json, not in the table\)/);
  });

  it('exits 0 when no run is broken: failed and interrupted runs, and a running run without metrics.json yet, are valid', async () => {
    const root = tempDir();
    fakeRun(root, 'good', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'failed', exp(0.1), 'failed', hist(0.5, 1), null);
    fakeRun(root, 'stopped', exp(0.01), 'interrupted', [], null);
    rmSync(join(fakeRun(root, 'starting', exp(0.03), 'running', [], null), 'metrics.json'));
    const { code, stdout, stderr } = await runCli(['compare', root, '--out', join(root, 'cmp'), '--wide']);
    assert.equal(code, 0, stderr);
    assert.equal(stderr, '');
    assert.match(stdout, / starting +running /m);
  });

  it('only broken runs: exit 2 saying none is readable', async () => {
    const root = tempDir();
    writeFileSync(join(fakeRun(root, 'norun', exp(0.004), 'completed', hist(0.9), null), 'run.json'), 'null');
    const { code, stdout, stderr } = await runCli(['compare', root, '--out', join(root, 'cmp')]);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /1 broken run folder among the inputs .*norun \(corrupt run\.json\)\. No run is readable/);
  });
});

describe('wide characters', () => {
  it('runs named in CJK and Greek keep their names in their folders, and the table aligns by display width', async () => {
    const root = tempDir();
    const now = new Date('2026-11-29T12:00:00Z');
    const runs: [string, number, object][] = [['実験-1', 0.001, {}], ['πείραμα', 0.002, {}], ['baseline', 0.003, { description: 'two\nlines' }]];
    const ids: string[] = [];
    for (const [name, lr, extra] of runs) {
      const { id } = createRunDir(root, name, now);
      ids.push(id);
      fakeRun(root, id, exp(lr, { name, ...extra }), 'completed', hist(0.9), { accuracy: 0.9 + lr, loss: 0.3 });
    }
    assert.deepEqual(ids, ['20261129-120000-実験-1', '20261129-120000-πείραμα', '20261129-120000-baseline']);
    assert.deepEqual(readdirSync(root).sort(), [...ids].sort());
    const { code, stdout, stderr } = await runCli(['compare', root, '--out', join(root, 'cmp'), '--wide']);
    assert.equal(code, 0, stderr);
    const lines = tableLines(stdout);
    assert.equal(lines.length, 4, `one line per run (a newline in a cell is escaped):\n${stdout}`);
    assert.ok(lines.some((l) => l.includes('two\\nlines')), 'the newline is shown escaped');
    assert.deepEqual(lines.map((l) => stringWidth(l)), lines.map(() => stringWidth(lines[0]!)), `every line is as wide:\n${stdout}`);
    // The column after the wide run ids starts at the same display column in every line.
    const at = (line: string, text: string) => stringWidth(line.slice(0, line.indexOf(text)));
    for (const line of lines.slice(1)) assert.equal(at(line, 'completed'), at(lines[0]!, 'status'), line);
  });
});

describe('overlay data', () => {
  it('handles runs of different lengths', () => {
    const rows = overlayRows([
      { run: 'a', metrics: { history: hist(0.9, 3), test: null, best: null } },
      { run: 'b', metrics: { history: hist(0.8, 1), test: null, best: null } },
    ]);
    assert.equal(rows.filter((r) => r.run === 'a').length, 3 * 2 * 2);
    assert.equal(rows.filter((r) => r.run === 'b').length, 1 * 2 * 2);
  });
});

describe('repeated seeds', () => {
  it('groups runs that differ only by seed: mean and sample std per grid point, with the seed count', async () => {
    const root = tempDir();
    const runs: [string, number, number, number][] = [['a1', 0.001, 1, 0.90], ['a2', 0.001, 2, 0.92], ['a3', 0.001, 3, 0.94], ['b1', 0.0003, 1, 0.80], ['b2', 0.0003, 2, 0.84]];
    for (const [id, lr, seed, acc] of runs) fakeRun(root, id, exp(lr, { seed }), 'completed', hist(acc), { accuracy: acc, loss: 1 - acc });
    const grouped = await compareRuns([root], { out: join(root, 'cmp'), warn: () => {} });
    assert.deepEqual(grouped.table.columns.slice(0, 4), ['train.optimizer.learning_rate', 'seeds', 'epochs', 'epochs_std']);
    const row = (lr: string) => Object.fromEntries(grouped.table.columns.map((c, i) => [c, grouped.table.rows.find((r) => r[0] === lr)![i]]));
    assert.equal(row('0.001').seeds, 3);
    assert.equal(row('0.001').test_accuracy, 0.92);
    assert.equal(row('0.001').test_accuracy_std, 0.02);
    assert.equal(row('0.0003').seeds, 2);
    assert.equal(row('0.0003').test_accuracy_std, Math.round(Math.sqrt(0.0008) * 10000) / 10000);
    assert.deepEqual(grouped.table.rows.map((r) => r[0]), ['0.001', '0.0003'], 'best mean first');
    // Fitted: the deviations of columns with one value in every row, and metrics no run has, are not listed as the same.
    const fitted = formatTable(grouped.table, 'table', { width: 60 });
    const same = fitted.split('\n').find((l) => l.startsWith('same in every run: '));
    assert.ok(same !== undefined && same.includes('epochs 2'), fitted);
    assert.doesNotMatch(fitted, /_std [-0-9]/, `no _std under the table:\n${fitted}`);
    const noVal = tempDir();
    for (const [id, seed, acc] of [['a1', 1, 0.9], ['a2', 2, 0.92], ['b1', 1, 0.8], ['b2', 2, 0.84]] as const) {
      fakeRun(noVal, id, exp(id.startsWith('a') ? 0.001 : 0.0003, { seed }), 'completed', hist(acc).map(({ val_loss: _l, val_accuracy: _a, ...train }) => train), { accuracy: acc, loss: 1 - acc });
    }
    const trainOnly = await compareRuns([noVal], { out: join(noVal, 'cmp'), width: 60, warn: () => {} });
    assert.ok(trainOnly.table.columns.includes('best_val_accuracy'), 'csv and json keep every column');
    assert.doesNotMatch(trainOnly.text, /best_val/, `no column nor note for a metric no run has:\n${trainOnly.text}`);
    const perRun = await compareRuns([noVal], { out: join(noVal, 'cmp'), groupSeeds: false, width: 200, warn: () => {} });
    assert.doesNotMatch(perRun.text, /best_val/, perRun.text);
    assert.doesNotMatch(readFileSync(perRun.report, 'utf8'), /best_val_accuracy/, 'nor in compare.html');
    const flat = await compareRuns([root], { out: join(root, 'cmp2'), groupSeeds: false, warn: () => {} });
    assert.equal(flat.table.rows.length, 5);
    assert.ok(flat.table.params.includes('seed'));
  });
});

describe('best epoch without validation', () => {
  /** Three epochs of training metrics only, the loss lowest at epoch 2. */
  const train = (acc: number) => [1, 2, 3].map((epoch) => ({ epoch, loss: [1, 0.5, 0.7][epoch - 1]! - acc / 10, accuracy: acc }));
  const fakeRuns = () => {
    const root = tempDir();
    fakeRun(root, 'noval', exp(0.001), 'completed', train(0.9), { accuracy: 0.9, loss: 0.3 }, undefined, { monitor: 'loss', mode: 'min', epoch: 2, value: 0.41 });
    fakeRun(root, 'noval10', exp(0.004), 'completed', train(0.6), { accuracy: 0.6, loss: 0.6 }, undefined, { monitor: 'loss', mode: 'min', epoch: 10, value: 0.41 });
    fakeRun(root, 'val', exp(0.002), 'completed', hist(0.8, 3), { accuracy: 0.8, loss: 0.4 }, undefined, { monitor: 'val_loss', mode: 'min', epoch: 3, value: 1 });
    fakeRun(root, 'nobest', exp(0.003), 'completed', train(0.7), { accuracy: 0.7, loss: 0.5 });
    return root;
  };

  it('keeps best_epoch a number and its monitor in best_monitor: metrics.json\'s best without validation, else the best validation accuracy\'s', async () => {
    const root = fakeRuns();
    const { table } = await compareRuns([root], { out: join(root, 'cmp'), warn: () => {} });
    const at = (c: string) => table.columns.indexOf(c);
    const best = Object.fromEntries(table.rows.map((r) => [r[at('run')], [r[at('best_val_accuracy')], r[at('best_epoch')], r[at('best_monitor')]]]));
    assert.deepEqual(best.noval, [null, 2, 'loss']);
    assert.deepEqual(best.val, [0.8, 1, 'val_accuracy'], 'the best validation accuracy is at epoch 1 (hist lowers it each epoch)');
    assert.deepEqual(best.nobest, [null, null, null]);
    const json = JSON.parse(formatTable(table, 'json')) as Record<string, unknown>[];
    assert.deepEqual(json.map((r) => [r.run, r.best_epoch, r.best_monitor]), table.rows.map((r) => [r[at('run')], r[at('best_epoch')], r[at('best_monitor')]]));
    assert.ok(json.every((r) => r.best_epoch === null || typeof r.best_epoch === 'number'), 'json: numbers only');
    const csv = formatTable(table, 'csv').trimEnd().split('\n').map((l) => l.split(','));
    assert.deepEqual(csv.slice(1).find((r) => r[at('run')] === 'noval')!.slice(at('best_epoch'), at('best_monitor') + 1), ['2', 'loss']);
  });

  it('the terminal table and compare.html show "2 (loss)" when the monitor is not val_accuracy; --sort best_epoch sorts numerically', async () => {
    const root = fakeRuns();
    const result = await compareRuns([root], { out: join(root, 'cmp'), sort: 'best_epoch', wide: true, warn: () => {} });
    assert.deepEqual(result.table.rows.map((r) => r[result.table.columns.indexOf('run')]), ['noval10', 'noval', 'val', 'nobest'], '10 > 2 > 1, empty last');
    assert.equal(message.bestEpochCell(2, 'loss'), '2 (loss)');
    const lines = tableLines(formatTable(result.table, 'table', { wide: true }));
    assert.ok(!lines[0]!.includes('best_monitor'), lines[0]);
    const column = (id: string) => {
      const line = lines.find((l) => l.includes(` ${id} `))!;
      return line.slice(lines[0]!.indexOf('best_epoch')).trim().split(/ {2,}/)[0];
    };
    assert.equal(column('noval'), message.bestEpochCell(2, 'loss'));
    assert.equal(column('noval10'), message.bestEpochCell(10, 'loss'));
    assert.equal(column('val'), '1', 'the default monitor (val_accuracy) goes unsaid');
    const html = readFileSync(result.report, 'utf8');
    assert.ok(html.includes(`>${message.bestEpochCell(2, 'loss')}<`), 'compare.html too');
    assert.ok(!html.includes('best_monitor'));
  });
});

describe('sweeps without runs', () => {
  it('a sweep folder whose points all failed before their runs began: says so, how many, and where the reasons are (exit 2)', async () => {
    const root = tempDir();
    const sweep = join(root, '20261201-210000-baseline-sweep');
    mkdirSync(sweep);
    const reason = 'data: cannot read /data/mnist/train-images-idx3-ubyte.gz (ENOENT)';
    const points = [1, 2, 3].map((index) => ({ index, values: { 'train.batch_size': 32 * index }, seed: null, sets: [], status: 'failed', run: null, reason }));
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ id: 'x', name: 'baseline', points }));
    const expected = message.sweepWithoutRuns({ dir: sweep, points: 3, statuses: [['failed', 3]], firstReason: { index: 1, reason } });
    for (const arg of [sweep, root]) {
      const { code, stdout, stderr } = await runCli(['compare', arg, '--out', join(root, 'cmp')]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.ok(stderr.includes(expected), stderr);
      assert.ok(!stderr.includes('not a run directory'), stderr);
    }
    assert.match(expected, /a sweep of 3 points with no completed run .*3 failed.*sweep\.json; point 1: data: cannot read/);
  });

  it('beside other runs, the empty sweep is a warning and the table shows the others', async () => {
    const root = tempDir();
    const sweep = join(root, 's');
    mkdirSync(sweep);
    writeFileSync(join(sweep, 'sweep.json'), JSON.stringify({ name: 'b', points: [{ index: 1, status: 'pending', run: null, reason: null }] }));
    fakeRun(root, 'ok', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'ok2', exp(0.002), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    const warnings: string[] = [];
    const result = await compareRuns([root], { out: join(root, 'cmp'), warn: (w) => warnings.push(w) });
    assert.equal(result.table.rows.length, 2);
    assert.deepEqual(warnings, [`warning: ${message.sweepWithoutRuns({ dir: sweep, points: 1, statuses: [['pending', 1]], firstReason: null })}`]);
    assert.match(warnings[0]!, /1 pending.*Continue it with: npx tfexp resume /);
  });
});

describe('where the comparison is written', () => {
  it('the table format ends with compare.html\'s path and the plots folder', async () => {
    const root = tempDir();
    fakeRun(root, 'r1', exp(0.001), 'completed', hist(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, 'r2', exp(0.002), 'completed', hist(0.8), { accuracy: 0.8, loss: 0.3 });
    const out = join(root, 'cmp');
    const { code, stdout } = await runCli(['compare', root, '--out', out]);
    assert.equal(code, 0);
    assert.ok(stdout.endsWith(`${message.compareWritten(join(out, 'compare.html'), out)}\n`), stdout);
    assert.ok(readdirSync(out).includes('compare.html'));
    const csv = await runCli(['compare', root, '--out', out, '--format', 'csv']);
    assert.ok(!csv.stdout.includes('compare.html'), 'csv output stays csv');
  });
});

describe("a queued sweep's live lines (sweep.json `live`, written by its follower)", () => {
  const live = { state: 'running', point: 'train.batch_size=16', detail: 'running on w1, epoch 2 of 4' };
  const sweepWith = (liveBy: unknown) => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'sweep.json'),
      JSON.stringify({ name: 's', points: [{ index: 1, status: 'pending', run: null, live }, { index: 2, status: 'completed', run: 'r2' }], ...(liveBy === undefined ? {} : { live_by: liveBy }) }),
    );
    return readSweep(dir)!.points.map((p) => p.live);
  };
  // A process that has exited: its pid names nobody (until the system reuses it).
  const gone = spawnSync(process.execPath, ['-e', '']).pid!;

  it('are shown while the follower that wrote them runs on this host, or runs elsewhere, or is not named', () => {
    assert.deepEqual(sweepWith({ host: hostname(), pid: process.pid }), [live, null]);
    assert.deepEqual(sweepWith({ host: `not-${hostname()}`, pid: gone }), [live, null]);
    assert.deepEqual(sweepWith(undefined), [live, null]);
    assert.deepEqual(sweepWith({ host: hostname() }), [live, null], 'a malformed live_by is ignored');
  });

  it('are dropped once that follower has stopped on this host (killed: it could not clear them)', () => {
    assert.deepEqual(sweepWith({ host: hostname(), pid: gone }), [null, null]);
    assert.equal(liveStands({ host: 'h', pid: 7 }, 'h', () => false), false);
    assert.equal(liveStands({ host: 'h', pid: 7 }, 'h', () => true), true);
  });
});
