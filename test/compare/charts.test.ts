/** compare's charts (src/plots/compare-spec.ts): colour by run or swept setting, line styles, bars with values. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { chartSeries, compareRuns } from '../../src/compare/index.js';
import type { ComparedRun } from '../../src/compare/load.js';
import { buildTable } from '../../src/compare/table.js';
import * as message from '../../src/log/message.js';
import { barDomain, overlaySpec, testBarSpec, type RunSeries } from '../../src/plots/compare-spec.js';
import { specToSvg } from '../../src/plots/render.js';
import { tempDir } from '../helpers.js';
import { fakeRun, history, libraryExperiment } from './fixtures.js';

type Spec = Record<string, any>;

const series = (run: string, acc: number, val: boolean, test = acc): RunSeries => ({ run, metrics: { history: history(acc, 3, val) as Record<string, number>[], test: { accuracy: test, loss: 0.3 }, best: null } });

/** The line marks of a rendered chart: each path's run and split (from its aria-label) and its stroke-dasharray ("" when none). */
function renderedLines(svg: string): { run: string; split: string; dash: string }[] {
  return [...svg.matchAll(/<path aria-label="[^"]*run: ([^;"]+); split: (\w+)"[^>]*aria-roledescription="line mark"[^>]*>/g)].map(([path, run, split]) => ({
    run: run!,
    split: split!,
    dash: /stroke-dasharray="([^"]*)"/.exec(path)?.[1] ?? '',
  }));
}
/** Solid: no dash array, or one whose gaps are all 0 ("1,0"). */
const solid = (dash: string) => dash === '' || dash.split(/[ ,]+/).every((v, i) => i % 2 === 0 || Number(v) === 0);

describe('overlay chart', () => {
  it('colours by run label; training drawn solid, validation dashed, both in the legend as lines', async () => {
    const spec: Spec = overlaySpec([series('baseline', 0.9, true), series('keras-convnet', 0.8, false)], '2 runs');
    const enc = spec.spec.encoding;
    assert.equal(enc.color.field, 'run');
    assert.equal(enc.color.legend.symbolType, 'stroke');
    assert.deepEqual(enc.strokeDash.scale.domain, ['training', 'validation']);
    const lines = renderedLines(await specToSvg(spec));
    // Two panels (accuracy, loss): both runs' training, and baseline's validation.
    assert.deepEqual(lines.map((l) => `${l.run} ${l.split}`).sort(), ['baseline training', 'baseline training', 'baseline validation', 'baseline validation', 'keras-convnet training', 'keras-convnet training']);
    for (const line of lines) assert.equal(solid(line.dash), line.split === 'training', `${line.run} ${line.split}: stroke-dasharray "${line.dash}"`);
    assert.equal(spec.title.subtitle, message.COMPARE_CURVES_SUBTITLE);
    assert.equal(enc.strokeDash.legend.symbolType, 'stroke');
    assert.equal(enc.strokeDash.legend.encode.symbols.update.fill.value, 'transparent', 'a line sample, not a dot');
    assert.equal(enc.detail.field, 'run', 'one line per run and split');
    assert.deepEqual([...new Set(spec.data.values.map((v: { run: string }) => v.run))], ['baseline', 'keras-convnet']);
  });

  it('lists no validation when no run has it', () => {
    const spec: Spec = overlaySpec([series('a', 0.9, false), series('b', 0.8, false)], '2 runs');
    assert.deepEqual(spec.spec.encoding.strokeDash.scale.domain, ['training']);
    assert.equal(spec.title.subtitle, message.COMPARE_CURVES_SUBTITLE_NO_VALIDATION, 'the subtitle does not promise dashed validation');
    assert.ok(!spec.data.values.some((v: { split: string }) => v.split === 'validation'));
    const one: Spec = overlaySpec([series('a', 0.9, false), series('b', 0.8, true)], '2 runs');
    assert.deepEqual(one.spec.encoding.strokeDash.scale.domain, ['training', 'validation'], 'one run with validation is enough');
  });

  it('colours by the swept setting when the runs differ in exactly one, its values in order', () => {
    const spec: Spec = overlaySpec([{ ...series('b lr=0.001', 0.9, true), setting: '0.001' }, { ...series('b lr=0.0003', 0.8, true), setting: '0.0003' }], '2 runs', { title: 'lr', values: ['0.0003', '0.001'] });
    assert.equal(spec.spec.encoding.color.field, 'setting');
    assert.equal(spec.spec.encoding.color.title, 'lr');
    assert.deepEqual(spec.spec.encoding.color.scale.domain, ['0.0003', '0.001']);
    assert.equal(spec.spec.encoding.detail.field, 'run', 'runs with the same value still get a line each');
  });
});

describe('test accuracy bars', () => {
  it('show their values as text, on an axis around the values (not 0..1), labelled by run, best first', () => {
    const spec: Spec = testBarSpec([series('baseline', 0.9, false, 0.912), series('keras-convnet', 0.8, false, 0.935)], '2 runs');
    assert.equal(spec.encoding.y.field, 'run');
    assert.deepEqual(spec.data.values.map((v: { run: string }) => v.run), ['keras-convnet', 'baseline']);
    const [bar, text] = spec.layer;
    assert.equal(bar.mark.type, 'bar');
    assert.equal(text.mark.type, 'text');
    assert.equal(text.encoding.text.field, 'test_accuracy');
    assert.equal(text.encoding.text.format, '.4f');
    const scale = spec.encoding.x.scale;
    assert.equal(scale.zero, false);
    assert.ok(scale.domain[0] > 0 && scale.domain[0] < 0.912 && scale.domain[1] > 0.935 && scale.domain[1] <= 1, JSON.stringify(scale.domain));
    assert.ok(scale.domain[1] - scale.domain[0] < 0.2, 'the difference fills the axis');
  });

  it('have no legend, coloured by a swept setting or not: the bar labels say it, and a legend would sit on the longest bar\'s value', () => {
    const runs = [series('tiny lr=0.01', 0.9, false, 1), series('tiny lr=0.0003', 0.8, false, 0.37)];
    const swept = { title: 'lr', values: ['0.0003', '0.01'] };
    for (const spec of [testBarSpec(runs, '2 runs'), testBarSpec(runs, '2 runs', swept)] as Spec[]) {
      assert.equal(spec.layer[0].encoding.color.legend, null);
    }
    assert.equal((testBarSpec(runs, '2 runs', swept) as Spec).layer[0].encoding.color.field, 'setting', 'still coloured as the curves are');
  });

  it('pads the domain by at least 0.01 and stays within 0..1', () => {
    assert.deepEqual(barDomain([0.5]), [0.49, 0.51]);
    assert.deepEqual(barDomain([0.995, 0.999]), [0.985, 1]);
    assert.deepEqual(barDomain([0.1, 0.9]), [0, 1]);
  });
});

describe('rendered charts of a comparison', () => {
  it('a sweep over one setting: coloured by it, labels and values drawn, validation dashed', async () => {
    const root = tempDir();
    fakeRun(root, '20261201-210000-baseline', libraryExperiment('baseline'), 'completed', history(0.9), { accuracy: 0.9123, loss: 0.3 });
    fakeRun(root, '20261201-210100-baseline', libraryExperiment('baseline', ['train.optimizer.learning_rate=0.0003']), 'completed', history(0.8), { accuracy: 0.8456, loss: 0.4 });
    const out = join(root, 'cmp');
    await compareRuns([root], { out, warn: () => {} });
    const curves: Spec = JSON.parse(readFileSync(join(out, 'curves.vl.json'), 'utf8'));
    assert.equal(curves.spec.encoding.color.field, 'setting');
    assert.equal(curves.spec.encoding.color.title, 'lr');
    assert.deepEqual(curves.spec.encoding.color.scale.domain, ['0.0003', '0.001']);
    const curvesSvg = readFileSync(join(out, 'curves.svg'), 'utf8');
    assert.match(curvesSvg, /stroke-dasharray="6,4"/, 'validation drawn dashed');
    assert.ok(curvesSvg.includes('>validation<') && curvesSvg.includes('>training<'));
    const bars = readFileSync(join(out, 'test_accuracy.svg'), 'utf8');
    for (const text of ['0.9123', '0.8456', 'baseline lr=0.001', 'baseline lr=0.0003']) assert.ok(bars.includes(`>${text}<`), text);
  });

  it('different experiments without validation: coloured by run label', async () => {
    const root = tempDir();
    fakeRun(root, '20261201-210000-baseline', libraryExperiment('baseline'), 'completed', history(0.9, 2, false), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, '20261201-210100-keras-convnet', libraryExperiment('keras-convnet'), 'completed', history(0.8, 2, false), { accuracy: 0.8, loss: 0.4 });
    const out = join(root, 'cmp');
    await compareRuns([root], { out, warn: () => {} });
    const curves: Spec = JSON.parse(readFileSync(join(out, 'curves.vl.json'), 'utf8'));
    assert.equal(curves.spec.encoding.color.field, 'run');
    assert.ok(!readFileSync(join(out, 'curves.svg'), 'utf8').includes('>validation<'), 'no validation legend entry without validation');
  });

  /** The charts of two library experiments (with their --set overrides): the curves' colour encoding and the legend's labels in curves.svg. */
  async function colourOf(a: [string, string[]], b: [string, string[]]) {
    const root = tempDir();
    fakeRun(root, `20261201-210000-${a[0]}`, libraryExperiment(...a), 'completed', history(0.9), { accuracy: 0.9, loss: 0.3 });
    fakeRun(root, `20261201-210100-${b[0]}`, libraryExperiment(...b), 'completed', history(0.8), { accuracy: 0.8, loss: 0.4 });
    const out = join(root, 'cmp');
    await compareRuns([root], { out, warn: () => {} });
    const curves: Spec = JSON.parse(readFileSync(join(out, 'curves.vl.json'), 'utf8'));
    return { color: curves.spec.encoding.color, svg: readFileSync(join(out, 'curves.svg'), 'utf8') };
  }

  it('baseline against baseline-bn (they differ only in the model): coloured by run label, not by architecture strings', async () => {
    const { color, svg } = await colourOf(['baseline', []], ['baseline-bn', []]);
    assert.equal(color.field, 'run');
    assert.equal(color.title, 'run');
    assert.ok(svg.includes('>baseline-bn<') && !svg.includes('>C32-'), 'the legend names the runs');
  });

  it('baseline against baseline-adam (different experiments, one differing setting): coloured by run label', async () => {
    const { color } = await colourOf(['baseline', []], ['baseline-adam', []]);
    assert.equal(color.field, 'run');
  });

  it('two runs of one experiment differing only in the learning rate: coloured by it', async () => {
    const { color, svg } = await colourOf(['baseline', []], ['baseline', ['train.optimizer.learning_rate=0.0003']]);
    assert.equal(color.field, 'setting');
    assert.equal(color.title, 'lr');
    assert.deepEqual(color.scale.domain, ['0.0003', '0.001']);
    assert.ok(svg.includes('>0.0003<'), 'the legend lists the values');
  });
});

describe('what colours the charts (chartSeries)', () => {
  const run = (experiment: Record<string, unknown>, extra: Partial<ComparedRun> = {}): ComparedRun =>
    ({ dir: String(experiment.name), info: { id: String(experiment.name), status: 'completed' }, experiment, metrics: { history: history(0.9) as Record<string, number>[], test: null, best: null }, problem: null, sweep: null, ...extra }) as unknown as ComparedRun;
  const swept = (runs: ComparedRun[]) => chartSeries(runs, buildTable(runs)).swept;
  const exp = (name: string, train: Record<string, unknown>, model: Record<string, unknown> = { input_shape: [28, 28, 1], layers: [{ type: 'Dense', units: 10 }] }) => ({ name, description: `${name}'s own`, model, train });

  it('one experiment, one setting: that setting, its values in order', () => {
    assert.deepEqual(swept([run(exp('b', { batch_size: 128 })), run(exp('b', { batch_size: 32 })), run(exp('b', { batch_size: 64 }))]), { title: 'bs', values: ['32', '64', '128'] });
  });

  it('sweep points of one sweep (their names differ: baseline-1, baseline-2): the setting', () => {
    const point = (i: number, lr: number) => run(exp(`baseline-${i}`, { optimizer: { type: 'adam', learning_rate: lr } }), { sweep: 'baseline' });
    assert.deepEqual(swept([point(1, 0.001), point(2, 0.01)]), { title: 'lr', values: ['0.001', '0.01'] });
  });

  it('by run: different experiments, two settings, or only the model differing', () => {
    assert.equal(swept([run(exp('a', { batch_size: 32 })), run(exp('b', { batch_size: 64 }))]), undefined, 'two experiments');
    assert.equal(swept([run(exp('b', { batch_size: 32, epochs: 1 })), run(exp('b', { batch_size: 64, epochs: 2 }))]), undefined, 'two settings');
    const dense = (units: number[]) => ({ input_shape: [4], layers: units.map((u) => ({ type: 'Dense', units: u })) });
    assert.equal(swept([run(exp('b', {}, dense([10]))), run(exp('b', {}, dense([32, 10])))]), undefined, 'the model column');
  });
});
