/** Per-run plots: the spec builders (pure) and headless rendering to SVG and PNG. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { updateRunPlots } from '../../src/plots/index.js';
import { specToSvg, svgToPng } from '../../src/plots/render.js';
import { learningRateSpec, trainingRows, trainingSpec } from '../../src/plots/training-spec.js';
import type { Metrics } from '../../src/runs/store.js';
import { tempDir } from '../helpers.js';

function metrics(epochs: number, withValidation: boolean, rates?: number[]): Metrics {
  return {
    history: Array.from({ length: epochs }, (_, i) => ({
      epoch: i + 1,
      loss: 1 / (i + 1),
      accuracy: 1 - 0.5 / (i + 1),
      ...(withValidation ? { val_loss: 1.2 / (i + 1), val_accuracy: 1 - 0.6 / (i + 1) } : {}),
      seconds: 1,
      learning_rate: rates?.[i] ?? 0.001,
      num_tensors: 40,
    })),
    test: { loss: 0.3, accuracy: 0.9 },
    best: null,
  };
}

describe('training spec', () => {
  it('has one row per metric, split and epoch, plus the test results', () => {
    const rows = trainingRows(metrics(3, true));
    assert.equal(rows.length, 2 * 2 * 3 + 2);
    assert.deepEqual(rows[0], { metric: 'accuracy', split: 'training', epoch: 1, value: 0.5 });
    assert.deepEqual(rows.filter((r) => r.split === 'test'), [
      { metric: 'accuracy', split: 'test', epoch: null, value: 0.9 },
      { metric: 'loss', split: 'test', epoch: null, value: 0.3 },
    ]);
    assert.equal(trainingRows(metrics(3, false)).filter((r) => r.split === 'validation').length, 0, 'no validation rows without validation');
  });

  it('is a Vega-Lite v5 facet of one panel per metric, with titles and the test as a dashed rule', () => {
    const spec = trainingSpec(metrics(2, true), 'baseline', 'VGG-style CNN') as Record<string, any>;
    assert.equal(spec.$schema, 'https://vega.github.io/schema/vega-lite/v5.json');
    assert.deepEqual(spec.title, { text: 'baseline', subtitle: 'VGG-style CNN' });
    assert.equal(spec.facet.column.field, 'metric');
    assert.equal(spec.resolve.scale.y, 'independent');
    assert.equal(spec.spec.layer[0].encoding.x.title, 'epoch');
    assert.equal(spec.spec.layer[1].mark.type, 'rule');
    assert.equal(spec.spec.layer[1].transform[0].filter, "datum.split === 'test'");
  });

  it('lists only the splits the run has in its legend, each keeping its colour', async () => {
    const colour = (m: Metrics) => (trainingSpec(m, 'x') as Record<string, any>).spec.layer[0].encoding.color.scale;
    const all = colour(metrics(2, true));
    const noValidation = colour(metrics(2, false));
    assert.deepEqual(all.domain, ['training', 'validation', 'test']);
    assert.deepEqual(noValidation.domain, ['training', 'test']);
    assert.deepEqual(noValidation.range, [all.range[0], all.range[2]]);
    const svg = await specToSvg(trainingSpec(metrics(2, false), 'x'));
    assert.ok(!svg.includes('>validation<') && svg.includes('>training<'), 'no validation legend entry');
  });

  it('charts the learning rate only when it changed', () => {
    assert.equal(learningRateSpec(metrics(3, false), 'x'), undefined);
    const spec = learningRateSpec(metrics(3, false, [0.01, 0.005, 0.0025]), 'x') as Record<string, any>;
    assert.deepEqual(spec.data.values.map((r: { learning_rate: number }) => r.learning_rate), [0.01, 0.005, 0.0025]);
    assert.equal(spec.encoding.y.scale.type, 'log');
  });
});

describe('rendering', () => {
  it('draws SVG with lines, the title (non-Latin too) and axis text, and PNG from it', async () => {
    const svg = await specToSvg(trainingSpec(metrics(3, true), 'Größe 基线', 'ünïcode'));
    assert.match(svg, /^<svg/);
    assert.ok(svg.includes('Größe 基线'), 'the title text is in the SVG');
    assert.ok((svg.match(/<path[^>]*class="[^"]*"/g) ?? []).length > 0 || (svg.match(/<path /g) ?? []).length > 4, 'marks drawn');
    assert.ok(svg.includes('>epoch<'), 'axis title');
    const png = svgToPng(svg);
    assert.deepEqual(Array.from(png.slice(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(png.length > 10_000, `a real image, ${png.length} bytes`);
  });

  it('updateRunPlots writes spec, SVG and PNG for each chart', async () => {
    const dir = join(tempDir(), 'plots');
    await updateRunPlots(dir, metrics(3, true, [0.01, 0.005, 0.0025]), 'baseline');
    assert.deepEqual(readdirSync(dir).sort(), ['learning_rate.png', 'learning_rate.svg', 'learning_rate.vl.json', 'training.png', 'training.svg', 'training.vl.json']);
    assert.equal(JSON.parse(readFileSync(join(dir, 'training.vl.json'), 'utf8')).title.text, 'baseline');
    const empty = join(tempDir(), 'plots');
    await updateRunPlots(empty, { history: [], test: null, best: null });
    assert.deepEqual(readdirSync(empty), []);
  });
});
