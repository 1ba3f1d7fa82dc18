/**
 * Evaluation written by real runs on the tiny generated dataset: evaluation.json, its charts and
 * the report's section at the end of `tfexp run` and `tfexp resume`; `tfexp evaluate` recomputing them.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parseIdx } from '../../src/data/idx.js';
import type { Evaluation } from '../../src/evaluation/evaluation.js';
import * as message from '../../src/log/message.js';
import { resumeRun, runExperiment } from '../../src/train/run.js';
import { runCli, tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
/** One short epoch at a low rate: the model still confuses rows, so there are mistakes to list. */
const SHORT = ['train.epochs=1', 'train.optimizer.learning_rate=0.002'];
const NAMES = ['top', 'middle', 'bottom'];
const CHARTS = ['confusion_matrix', 'misclassified'].flatMap((chart) => ['png', 'svg', 'vl.json'].map((ext) => `${chart}.${ext}`));

describe('evaluation at the end of a run', () => {
  let dir = '';
  let file = '';
  let test: Record<string, number> = {};
  before(async () => {
    file = writeRunFixture('', `  class_names: [${NAMES.join(', ')}]`);
    const outcome = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: SHORT });
    dir = outcome.dir;
    test = outcome.metrics.test!;
  });

  it('writes evaluation.json: counts, scores and the most confident mistakes of the test set, with the class names', () => {
    const e = json(join(dir, 'evaluation.json')) as Evaluation;
    assert.equal(e.format, 1);
    assert.equal(e.split, 'test');
    assert.equal(e.samples, 60);
    assert.deepEqual(e.class_names, NAMES);
    assert.equal(e.loss, test.loss, 'the loss is the test loss of metrics.json');
    const total = e.confusion_matrix.flat().reduce((a, b) => a + b, 0);
    const correct = e.confusion_matrix.reduce((sum, row, i) => sum + row[i]!, 0);
    assert.equal(total, 60);
    assert.equal(e.accuracy, correct / 60);
    assert.ok(Math.abs(e.accuracy - test.accuracy!) < 1e-6, `${e.accuracy} vs metrics.json's ${test.accuracy}`);
    assert.ok(e.accuracy < 1, 'the short run makes mistakes');
    // Rows are true classes: each row sums to that class's 20 test samples (labels cycle 0, 1, 2).
    assert.deepEqual(e.confusion_matrix.map((row) => row.reduce((a, b) => a + b, 0)), [20, 20, 20]);
    assert.deepEqual(e.per_class.map((c) => [c.class, c.support]), NAMES.map((name) => [name, 20]));
    assert.equal(e.misclassified.length, Math.min(64, 60 - correct));
    // Each listed sample is wrong, has the label the test file gives its index, and the list is by confidence.
    const labels = parseIdx(readFileSync(join(file, '..', 'data/test-labels')), 'labels').data;
    for (const m of e.misclassified) {
      assert.notEqual(m.true, m.predicted);
      assert.equal(m.true, labels[m.index]);
      assert.ok(m.confidence >= 1 / 3 && m.confidence <= 1, String(m.confidence));
    }
    assert.deepEqual(e.misclassified.map((m) => m.confidence), [...e.misclassified.map((m) => m.confidence)].sort((a, b) => b - a));
  });

  it('draws both charts in plots/ and adds the Evaluation section to report.html', () => {
    for (const chart of CHARTS) assert.ok(existsSync(join(dir, 'plots', chart)), chart);
    const spec = json(join(dir, 'plots', 'misclassified.vl.json')) as { data: { values: { caption: string }[] } };
    assert.match(spec.data.values[0]!.caption, /^true (top|middle|bottom) -> (top|middle|bottom) \(\d\.\d\d\)$/);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /<h2>Evaluation<\/h2>/);
    assert.ok(html.includes(message.reportEvaluationHeading('test', 60)));
    assert.match(html, /<div class="chart" id="chart-confusion-matrix-test"[^>]*><svg/);
    assert.match(html, /<div class="chart" id="chart-misclassified-test"[^>]*><svg/);
    assert.match(html, /<tr><td>middle<\/td>/);
  });

  it('tfexp evaluate recreates a deleted evaluation.json identically, with its charts, and prints Keras\'s evaluate line and the per-class table', async () => {
    const before = readFileSync(join(dir, 'evaluation.json'), 'utf8');
    const spec = readFileSync(join(dir, 'plots', 'confusion_matrix.vl.json'), 'utf8');
    rmSync(join(dir, 'evaluation.json'));
    for (const chart of CHARTS) rmSync(join(dir, 'plots', chart));
    const { code, stdout, stderr } = await runCli(['evaluate', dir, '--backend', 'wasm', '--threads', '2']);
    assert.equal(code, 0, stderr);
    assert.equal(readFileSync(join(dir, 'evaluation.json'), 'utf8'), before);
    assert.equal(readFileSync(join(dir, 'plots', 'confusion_matrix.vl.json'), 'utf8'), spec);
    for (const chart of CHARTS) assert.ok(existsSync(join(dir, 'plots', chart)), chart);
    const e = JSON.parse(before) as Evaluation;
    assert.match(stdout, new RegExp(`^4/4 \\[={30}\\] - \\d+s \\d+m?s/step - loss: ${e.loss.toFixed(4)} - accuracy: \\d\\.\\d{4}$`, 'm'));
    assert.match(stdout, /^ {14}precision {4}recall {2}f1-score {3}support$/m);
    assert.match(stdout, new RegExp(`^ {6}middle {5}\\d\\.\\d{4} {4}\\d\\.\\d{4} {4}\\d\\.\\d{4} {8}20$`, 'm'));
    assert.match(stdout, new RegExp(`^ {4}accuracy {25}${e.accuracy.toFixed(4)} {8}60$`, 'm'));
    assert.ok(stdout.includes(message.evaluationWritten([join(dir, 'evaluation.json'), join(dir, 'plots/confusion_matrix.png'), join(dir, 'plots/misclassified.png'), join(dir, 'report.html')])), stdout);
    assert.match(readFileSync(join(dir, 'report.html'), 'utf8'), /id="chart-confusion-matrix-test"/);
  });

  it('--split train evaluates the samples the run trained on into evaluation_train.json; the report shows both', async () => {
    const testEvaluation = readFileSync(join(dir, 'evaluation.json'), 'utf8');
    const { code, stderr } = await runCli(['evaluate', dir, '--split', 'train', '--backend', 'wasm', '--threads', '2']);
    assert.equal(code, 0, stderr);
    const train = json(join(dir, 'evaluation_train.json')) as Evaluation;
    assert.equal(train.split, 'train');
    assert.equal(train.samples, 192, '240 training samples less the 20% validation hold-out');
    assert.equal(readFileSync(join(dir, 'evaluation.json'), 'utf8'), testEvaluation, 'the test evaluation stays');
    assert.ok(existsSync(join(dir, 'plots', 'confusion_matrix_train.png')));
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.ok(html.indexOf('id="evaluation-test"') > 0 && html.indexOf('id="evaluation-test"') < html.indexOf('id="evaluation-train"'), 'test first, then train');
  });

  it('refuses a folder that is not a run, and a run without a saved model (exit 2, one line)', async () => {
    const notRun = tempDir();
    assert.deepEqual(await runCli(['evaluate', notRun]), { code: 2, stdout: '', stderr: `${message.notARunFor('evaluate', notRun)}\n` });
    const unfinished = tempDir();
    // A run folder's metadata without its model (as a run that never completed has).
    for (const name of ['run.json', 'experiment.yaml']) copyFileSync(join(dir, name), join(unfinished, name));
    const { code, stderr } = await runCli(['evaluate', unfinished]);
    assert.equal(code, 2);
    assert.equal(stderr, `${message.runWithoutModel(unfinished, 'completed')}\n`);
  });
});

describe('how many misclassified samples: evaluation.misclassified, tfexp evaluate --misclassified', () => {
  let dir = '';
  const wrongIn = (e: Evaluation) => e.samples - e.confusion_matrix.reduce((sum, row, i) => sum + row[i]!, 0);
  const gridFiles = () => readdirSync(join(dir, 'plots')).filter((f) => f.startsWith('misclassified')).sort();
  before(async () => {
    dir = (await runExperiment(writeRunFixture(), { ...quiet, runsDir: tempDir(), sets: [...SHORT, 'evaluation.misclassified=2'] })).dir;
  });

  it('a run lists and draws the experiment\'s number of most confident mistakes', () => {
    const e = json(join(dir, 'evaluation.json')) as Evaluation;
    assert.ok(wrongIn(e) > 5, `the short run makes more than 5 mistakes (${wrongIn(e)})`);
    assert.equal(e.misclassified.length, 2);
    const spec = json(join(dir, 'plots', 'misclassified.vl.json')) as { data: { values: unknown[] } };
    assert.equal(spec.data.values.length, 2);
    assert.match(readFileSync(join(dir, 'experiment.yaml'), 'utf8'), /^evaluation:\n {2}misclassified: 2$/m, 'the resolved experiment records it');
  });

  it('tfexp evaluate keeps the run\'s number, and --misclassified N sets it for one evaluation', async () => {
    const first = await runCli(['evaluate', dir, '--backend', 'wasm', '--threads', '2']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal((json(join(dir, 'evaluation.json')) as Evaluation).misclassified.length, 2);
    const five = await runCli(['evaluate', dir, '--misclassified', '5', '--backend', 'wasm', '--threads', '2']);
    assert.equal(five.code, 0, five.stderr);
    const e = json(join(dir, 'evaluation.json')) as Evaluation;
    assert.equal(e.misclassified.length, 5);
    assert.deepEqual(e.misclassified.map((m) => m.confidence), [...e.misclassified.map((m) => m.confidence)].sort((a, b) => b - a));
    assert.equal((json(join(dir, 'plots', 'misclassified.vl.json')) as { data: { values: unknown[] } }).data.values.length, 5);
  });

  it('--misclassified 0 lists none and draws no grid: the old grid files go, the report shows no grid and no "not drawn" note', async () => {
    assert.deepEqual(gridFiles(), ['misclassified.png', 'misclassified.svg', 'misclassified.vl.json']);
    const { code, stdout, stderr } = await runCli(['evaluate', dir, '--misclassified', '0', '--backend', 'wasm', '--threads', '2']);
    assert.equal(code, 0, stderr);
    const e = json(join(dir, 'evaluation.json')) as Evaluation;
    assert.deepEqual(e.misclassified, []);
    assert.ok(wrongIn(e) > 0, 'mistakes there are, none listed');
    assert.deepEqual(gridFiles(), []);
    assert.ok(existsSync(join(dir, 'plots', 'confusion_matrix.png')));
    assert.ok(stdout.includes(message.evaluationWritten([join(dir, 'evaluation.json'), join(dir, 'plots/confusion_matrix.png'), join(dir, 'report.html')])), stdout);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    assert.match(html, /id="chart-confusion-matrix-test"/);
    assert.doesNotMatch(html, /chart-misclassified-test/);
    assert.ok(!html.includes(message.REPORT_MISCLASSIFIED_NOT_DRAWN));
  });

  it('a --misclassified that is not a whole number from 0 to 1000 is exit 2 with one line, before anything loads', async () => {
    for (const [arg, value] of [['-1', -1], ['1.5', 1.5], ['1001', 1001], ['many', Number.NaN]] as const) {
      assert.deepEqual(await runCli(['evaluate', dir, '--misclassified', arg]), { code: 2, stdout: '', stderr: `${message.badMisclassified(value, 1000)}\n` }, arg);
    }
  });
});

describe('evaluation at the end of a resumed run', () => {
  it('tfexp resume writes evaluation.json when it completes the run', async () => {
    let epochs = 0;
    const file = writeRunFixture();
    const runsDir = tempDir();
    await assert.rejects(
      runExperiment(file, { ...quiet, runsDir, sets: ['train.epochs=2'], onEpoch: () => void (epochs += 1), stopRequested: () => (epochs >= 1 ? 'stopped by the test' : undefined) }),
      /interrupted/i,
    );
    const [runDir] = readdirSync(runsDir);
    const dir = join(runsDir, runDir!);
    assert.ok(!existsSync(join(dir, 'evaluation.json')), 'no evaluation before the run completes');
    const outcome = await resumeRun(dir, quiet);
    assert.equal(outcome.info.status, 'completed');
    const e = json(join(dir, 'evaluation.json')) as Evaluation;
    assert.equal(e.loss, outcome.metrics.test!.loss);
    assert.ok(existsSync(join(dir, 'plots', 'confusion_matrix.png')));
  });
});
