/** The evaluation charts: the confusion-matrix spec (and its normalize parameter), the misclassified grid, the files, the report section. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { EvaluationBuilder, type Evaluation } from '../../src/evaluation/evaluation.js';
import { MissingPackageError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { confusionCells, confusionMatrixSpec } from '../../src/plots/confusion-spec.js';
import { MISCLASSIFIED_SCALE, writeEvaluationPlots } from '../../src/plots/evaluation.js';
import { MISCLASSIFIED_COLUMNS, misclassifiedCaption, misclassifiedSpec } from '../../src/plots/misclassified-spec.js';
import { runReportHtml } from '../../src/plots/report.js';
import { tempDir } from '../helpers.js';

const FASHION = ['T-shirt/top', 'Trouser', 'Pullover'];

/** An evaluation of 3 classes: true 0,0,0,1,1,1,1,2,2,2 against predicted 0,0,1,1,1,0,1,0,1,1 (confidence 0.9 - i/100). */
function evaluation(names: readonly string[] = ['0', '1', '2']): Evaluation {
  const truth = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 1, 1, 1, 0, 1, 0, 1, 1];
  const builder = new EvaluationBuilder(3);
  const probabilities = predicted.flatMap((p, i) => [0, 1, 2].map((c) => (c === p ? 0.9 - i / 100 : (0.1 + i / 100) / 2)));
  builder.add(probabilities, truth, truth.map((_, i) => i));
  return builder.finish('test', names, 0.75);
}

/** The text of the text marks (not axes or titles) a spec draws, with its `normalize` parameter set first. */
async function textMarks(spec: Record<string, unknown>, normalize: boolean): Promise<string[]> {
  const view = new vega.View(vega.parse(vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec), { renderer: 'none' });
  try {
    view.signal('normalize', normalize);
    await view.runAsync();
    const svg = await view.toSVG();
    return [...svg.matchAll(/aria-roledescription="text mark"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
  } finally {
    view.finalize();
  }
}

describe('confusion matrix spec', () => {
  it('has one cell per (true, predicted) pair with its count and its share of the row, in label order', () => {
    const cells = confusionCells(evaluation(FASHION));
    assert.equal(cells.length, 9);
    assert.deepEqual(cells[1], { true_class: 'T-shirt/top', predicted_class: 'Trouser', count: 1, share: 1 / 3 });
    assert.deepEqual(cells[8], { true_class: 'Pullover', predicted_class: 'Pullover', count: 0, share: 0 });
    const spec = confusionMatrixSpec(evaluation(FASHION)) as { params: unknown; encoding: { x: { sort: unknown; title: unknown }; y: { sort: unknown; title: unknown } } };
    assert.deepEqual(spec.params, [{ name: 'normalize', value: false }]);
    assert.deepEqual(spec.encoding.x.sort, FASHION);
    assert.deepEqual(spec.encoding.y.sort, FASHION);
    assert.deepEqual([spec.encoding.y.title, spec.encoding.x.title], ['true', 'predicted']);
    assert.deepEqual((confusionMatrixSpec(evaluation(), { normalize: true }) as { params: unknown }).params, [{ name: 'normalize', value: true }]);
  });

  it('labels cells with counts, or row shares once normalize is set (zeros blank); the title says which', async () => {
    const spec = confusionMatrixSpec(evaluation());
    // Row by row: [2, 1, 0], [1, 3, 0], [1, 2, 0].
    assert.deepEqual(await textMarks(spec, false), ['2', '1', '1', '3', '1', '2']);
    assert.deepEqual(await textMarks(spec, true), ['0.67', '0.33', '0.25', '0.75', '0.33', '0.67']);
    const compiled = vegaLite.compile(spec as unknown as vegaLite.TopLevelSpec).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    await view.runAsync();
    assert.match(await view.toSVG(), />Confusion matrix \(counts\)</);
    view.signal('normalize', true);
    await view.runAsync();
    assert.match(await view.toSVG(), />Confusion matrix \(share of each true class\)</);
    view.finalize();
  });
});

describe('misclassified grid', () => {
  it('captions "true A -> B (0.97)" by class name, most confident first, up to 8 a row', () => {
    const e = evaluation(FASHION);
    assert.deepEqual(e.misclassified.map((m) => m.index), [2, 5, 7, 8, 9]);
    assert.equal(misclassifiedCaption(FASHION, e.misclassified[0]!), 'true T-shirt/top -> Trouser (0.88)');
    const images = e.misclassified.map(() => 'data:image/png;base64,AAAA');
    const spec = misclassifiedSpec(e, images, [84, 84]) as { data: { values: { x: number; y: number; caption: string; url: string }[] }; title: { subtitle: string } };
    const values = spec.data.values;
    assert.deepEqual(values.map((v) => v.caption), e.misclassified.map((m) => misclassifiedCaption(FASHION, m)));
    assert.ok(values.every((v) => v.y === 0), 'five fit on one row');
    assert.ok(values[1]!.x > values[0]!.x);
    assert.equal(spec.title.subtitle, 'test set: 5 of 10 samples wrong');
    const many = { ...e, misclassified: Array.from({ length: 20 }, (_, i) => ({ ...e.misclassified[0]!, index: i })) };
    const rows = new Set((misclassifiedSpec(many, many.misclassified.map(() => 'data:,'), [84, 84]) as typeof spec).data.values.map((v) => v.y));
    assert.equal(rows.size, Math.ceil(20 / MISCLASSIFIED_COLUMNS));
    assert.throws(() => misclassifiedSpec(e, [], [84, 84]), RangeError);
    const none = misclassifiedSpec({ ...e, misclassified: [] }, [], [84, 84]) as { data: { values: { text: string }[] } };
    assert.deepEqual(none.data.values, [{ text: message.MISCLASSIFIED_NONE }]);
  });

  it('writes both charts as .vl.json, .svg and .png; the grid holds each wrong sample upscaled 3x, pixel for pixel', async () => {
    const dir = tempDir();
    const e = evaluation();
    // Sample i is a 2x2 grey image of value 10 * i.
    const charts = await writeEvaluationPlots(dir, e, (i) => new Uint8Array(4).fill(10 * i), [2, 2, 1], () => assert.fail('no warning'));
    assert.deepEqual(readdirSync(dir).sort(), ['confusion_matrix.png', 'confusion_matrix.svg', 'confusion_matrix.vl.json', 'misclassified.png', 'misclassified.svg', 'misclassified.vl.json']);
    assert.ok(readFileSync(join(dir, 'misclassified.png')).subarray(1, 4).equals(Buffer.from('PNG')));
    const spec = JSON.parse(readFileSync(join(dir, 'misclassified.vl.json'), 'utf8')) as { data: { values: { url: string; index: number }[] } };
    const sharp = (await import('sharp')).default;
    for (const { url, index } of spec.data.values) {
      const { data, info } = await sharp(Buffer.from(url.replace(/^data:image\/png;base64,/, ''), 'base64')).raw().toBuffer({ resolveWithObject: true });
      assert.deepEqual([info.width, info.height], [2 * MISCLASSIFIED_SCALE, 2 * MISCLASSIFIED_SCALE]);
      assert.ok(data.every((v, k) => k % info.channels !== 0 || v === 10 * index), `sample ${index} keeps its value`);
    }
    assert.ok(charts.confusion_matrix.startsWith('<svg') && charts.misclassified?.startsWith('<svg'));
    assert.ok(!charts.misclassified!.includes('aria-label="url'), 'the data URIs are not repeated in aria labels');
  });

  it('grid: false (evaluation.misclassified: 0) draws no grid and removes the split\'s old one; the report has no grid and no note', async () => {
    const dir = tempDir();
    const e = evaluation();
    await writeEvaluationPlots(dir, e, () => new Uint8Array(4), [2, 2, 1], () => assert.fail('no warning'));
    assert.equal(readdirSync(dir).filter((f) => f.startsWith('misclassified')).length, 3);
    const none = { ...e, misclassified: [] };
    const charts = await writeEvaluationPlots(dir, none, () => assert.fail('no sample read'), [2, 2, 1], () => assert.fail('no warning'), { grid: false });
    assert.deepEqual(readdirSync(dir).sort(), ['confusion_matrix.png', 'confusion_matrix.svg', 'confusion_matrix.vl.json']);
    assert.equal(charts.misclassified, undefined);
    const html = runReportHtml({ title: 't', description: '', status: 'completed', facts: {}, history: [], test: null, summary: '', experimentYaml: '', charts: {}, evaluations: [{ evaluation: none, charts }] });
    assert.match(html, /id="chart-confusion-matrix-test"/);
    assert.ok(!html.includes(message.REPORT_MISCLASSIFIED_NOT_DRAWN));
  });

  it('without sharp, warns and draws the confusion matrix only', async () => {
    const dir = tempDir();
    const warnings: string[] = [];
    const missing = () => Promise.reject(new MissingPackageError(message.sharpUnavailable("Cannot find package 'sharp'"), 'sharp'));
    const charts = await writeEvaluationPlots(dir, evaluation(), () => new Uint8Array(4), [2, 2, 1], (line) => void warnings.push(line), { encode: missing });
    assert.deepEqual(warnings, [message.misclassifiedNotDrawn(message.sharpUnavailable("Cannot find package 'sharp'"))]);
    assert.deepEqual(readdirSync(dir).sort(), ['confusion_matrix.png', 'confusion_matrix.svg', 'confusion_matrix.vl.json']);
    assert.equal(charts.misclassified, undefined);
  });
});

describe('report section', () => {
  const base = { title: 't', description: '', status: 'completed', facts: {}, history: [], test: { loss: 0.75, accuracy: 0.5 }, summary: '', experimentYaml: '', charts: {} };

  it('shows each evaluation: heading, accuracy and loss, confusion matrix, per-class table with averages, misclassified grid', () => {
    const e = evaluation(FASHION);
    const html = runReportHtml({ ...base, evaluations: [{ evaluation: e, charts: { confusion_matrix: '<svg width="10"></svg>', misclassified: '<svg width="20"></svg>' } }] });
    assert.match(html, /<h2>Evaluation<\/h2>/);
    assert.ok(html.includes(`<h3 id="evaluation-test">${message.reportEvaluationHeading('test', 10)}</h3>`));
    assert.ok(html.includes(message.reportEvaluationLine(0.5, 0.75)));
    assert.match(html, /id="chart-confusion-matrix-test"/);
    assert.match(html, /id="chart-misclassified-test"/);
    const table = /<table class="data classification">(.*?)<\/table>/s.exec(html)?.[1] ?? '';
    const rows = [...table.matchAll(/<tr>(.*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/g)].map((c) => c[1]));
    assert.deepEqual(rows[0], ['class', 'precision', 'recall', 'f1-score', 'support']);
    assert.deepEqual(rows[1], ['T-shirt/top', '0.5000', '0.6667', '0.5714', '3']);
    assert.deepEqual(rows[3], ['Pullover', '0.000', '0.000', '0.000', '3']);
    assert.deepEqual(rows.slice(4).map((r) => r[0]), ['macro avg', 'weighted avg']);
    assert.deepEqual(rows[5]!.slice(1), ['0.3500', '0.5000', '0.4114', '10']);
  });

  it('says so where the grid was not drawn; no section without an evaluation', () => {
    const html = runReportHtml({ ...base, evaluations: [{ evaluation: evaluation(), charts: { confusion_matrix: '<svg></svg>' } }] });
    assert.ok(html.includes(message.REPORT_MISCLASSIFIED_NOT_DRAWN));
    assert.ok(!runReportHtml(base).includes('<h2>Evaluation</h2>'));
  });
});
