/** The HTML report builders (src/plots/report.ts), as text: header, tables, number formats, charts, folding. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as message from '../../src/log/message.js';
import { CHART_MAX_SCALE, compareReportHtml, htmlTable, runReportHtml, shellLine, TRANSPOSE_MAX_RUNS, utcTime, versionsLine, type RunReportInput } from '../../src/plots/report.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" class="marks" width="866" height="314" viewBox="0 0 866 314"><path d="M0,0L1,1"/></svg>';

function input(overrides: Partial<RunReportInput> = {}): RunReportInput {
  return {
    title: 'baseline (20261202-005953-baseline)',
    description: 'VGG-style <CNN>',
    status: 'completed',
    facts: { parameters: '1,194,730', duration: '12.3 s' },
    run: {
      started_at: '2026-12-02T00:59:53.048Z',
      command: ['tfexp', 'run', 'experiments/baseline.yaml', '--set', 'train.epochs=2', '--name', "it's mine"],
      git_commit: '0123456789abcdef0123456789abcdef01234567',
      versions: { tfexp: '0.1.0', tfjs: '4.22.0', tfjs_backend_wasm: '4.22.0', node: 'v20.20.2', platform: 'linux x64' },
      host: 'trainbox',
      cpu: 'AMD EPYC',
      backend: { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', threads: 2 },
    },
    history: [
      { epoch: 1, loss: 0.87971, accuracy: 0.651, val_loss: 0.0504, seconds: 1.605, learning_rate: 0.0003, num_tensors: 60000 },
      { epoch: 2, loss: 0.2838, accuracy: 1, val_loss: 0.04943, seconds: 1234.56, learning_rate: 0.00015, num_tensors: 60001 },
    ],
    test: { loss: 0.0504, accuracy: 0.98765 },
    summary: 'Model: "baseline"',
    experimentYaml: 'name: baseline\nseed: 42\n',
    charts: { training: SVG },
    ...overrides,
  };
}

/** The cells of the table row whose first cell is `label`... or the rows of `html`'s first table body, as text. */
function bodyRows(html: string, table = 0): string[][] {
  const body = [...html.matchAll(/<tbody>(.*?)<\/tbody>/gs)][table]![1]!;
  return [...body.matchAll(/<tr[^>]*>(.*?)<\/tr>/gs)].map((r) => [...r[1]!.matchAll(/<t[dh][^>]*>(.*?)<\/t[dh]>/gs)].map((c) => c[1]!));
}

describe('run report', () => {
  it('has the header from run.json: start time, command, git commit, versions, host; the status as before', () => {
    const html = runReportHtml(input());
    const fact = (name: string) => new RegExp(`<tr data-fact="${name}"><th scope="row">${name}</th><td>(.*?)</td></tr>`).exec(html)?.[1];
    assert.equal(fact('started'), '2026-12-02 00:59:53 UTC');
    assert.equal(fact('command'), `<code>tfexp run experiments/baseline.yaml --set train.epochs=2 --name 'it'\\''s mine'</code>`);
    assert.equal(fact('git commit'), '<code title="0123456789abcdef0123456789abcdef01234567">0123456789ab</code>');
    assert.equal(fact('versions'), 'tfexp 0.1.0, tfjs 4.22.0, @tensorflow/tfjs-backend-wasm 4.22.0, Node 20.20.2, linux x64');
    assert.equal(fact('host'), 'trainbox (AMD EPYC)');
    assert.equal(fact('parameters'), '1,194,730');
    assert.ok(html.includes('<p>Status: <span class="status">completed</span></p>'));
    assert.ok(html.includes('<p class="sub">VGG-style &lt;CNN&gt;</p>'), 'escaped');
  });

  it('says what run.json does not tell: no git repository, fields an older tfexp did not record', () => {
    const html = runReportHtml(input({ run: { started_at: '2026-12-02T00:59:53Z', git_commit: null } }));
    assert.ok(html.includes(`<th scope="row">git commit</th><td>${message.REPORT_NO_GIT_COMMIT}</td>`));
    assert.ok(html.includes(`<th scope="row">host</th><td>${message.REPORT_NOT_RECORDED}</td>`));
    assert.ok(!runReportHtml(input({ run: undefined })).includes('data-fact="started"'), 'no header rows without run.json');
  });

  it('has no empty header row anywhere (the facts use row headers)', () => {
    const html = runReportHtml(input());
    for (const head of html.matchAll(/<thead>(.*?)<\/thead>/gs)) assert.doesNotMatch(head[1]!, /<th[^>]*>\s*<\/th>/, head[1]);
    assert.match(html, /<table class="kv"><tbody><tr data-fact="started">/);
  });

  it('writes each column in one number format, right-aligned', () => {
    const html = runReportHtml(input());
    assert.deepEqual(bodyRows(html, 2), [['0.05040', '0.9877']], 'test: 4 significant digits');
    const history = bodyRows(html, 3);
    // epoch, loss, accuracy, val_loss, seconds, learning_rate, num_tensors
    assert.deepEqual(history, [
      ['1', '0.8797', '0.6510', '0.05040', '1.6', '3e-4', '60,000'],
      ['2', '0.2838', '1.000', '0.04943', '1,234.6', '1.5e-4', '60,001'],
    ]);
    assert.match(html, /<td class="num">60,000<\/td>/);
    assert.match(html, /<th class="num">num_<wbr>tensors<\/th>/, 'numeric headers right-aligned too, and may wrap');
  });

  it('folds the resolved experiment', () => {
    const html = runReportHtml(input());
    assert.ok(html.includes('<details class="experiment"><summary>experiment.yaml</summary><pre>name: baseline\nseed: 42\n</pre></details>'));
  });

  it('scales charts to the content width, at most CHART_MAX_SCALE x the size vega drew them', () => {
    const html = runReportHtml(input());
    assert.ok(html.includes(`<div class="chart" id="chart-training" style="max-width:${Math.round(866 * CHART_MAX_SCALE)}px">${SVG}</div>`));
    assert.match(html, /\.chart svg\{display:block;width:100%;height:auto\}/);
    assert.ok(runReportHtml(input({ charts: {} })).includes(`<p>${message.REPORT_NO_EPOCH_YET}</p>`));
    assert.ok(runReportHtml(input({ test: null })).includes(`<p>${message.REPORT_NOT_EVALUATED}</p>`));
  });
});

describe('compare report', () => {
  const columns = ['label', 'run', 'status', 'train.optimizer.learning_rate', 'model', 'test_accuracy', 'params', 'duration_s'];
  const row = (i: number) => [`baseline lr=${i}`, `20261202-00595${i}-baseline`, 'completed', String(0.0003 * i), 'C32-C32-P-C64-C64-P-C128-C128-P-C256-C256-F-D0.5-10', 0.99 - i / 1000, 1194730, 61.25];

  it(`turns the table a quarter up to ${TRANSPOSE_MAX_RUNS} runs: one column per run, one row per setting or metric`, () => {
    const html = compareReportHtml('Comparison of 2 runs', columns, [row(1), row(2)], { curves: SVG });
    assert.match(html, /<table class="data compare transposed" style="max-width:51rem">/);
    assert.match(html, /<thead><tr><th>label<\/th><th>baseline lr=1<\/th><th>baseline lr=2<\/th><\/tr><\/thead>/);
    const rows = bodyRows(html);
    assert.deepEqual(rows.map((r) => r[0]), ['run', 'status', 'train.<wbr>optimizer.<wbr>learning_<wbr>rate', 'model', 'test_<wbr>accuracy', 'params', 'duration_s']);
    assert.deepEqual(rows[2]!.slice(1), ['3e-4', '6e-4'], 'settings shown as text are numbers too, in their format');
    assert.deepEqual(rows[4]!.slice(1), ['0.9890', '0.9880']);
    assert.deepEqual(rows[5]!.slice(1), ['1,194,730', '1,194,730']);
    assert.deepEqual(rows[6]!.slice(1), ['61.3', '61.3']);
    assert.match(html, /<td class="long">C32-C32-P/, 'a long architecture string in small type');
    assert.match(html, /<td>20261202-005951-baseline<\/td>/, 'a run folder is a name, even though it starts with digits');
  });

  it(`lists more than ${TRANSPOSE_MAX_RUNS} runs one row each, in a box that scrolls by itself`, () => {
    const rows = Array.from({ length: TRANSPOSE_MAX_RUNS + 1 }, (_, i) => row(i + 1));
    const html = compareReportHtml('Comparison of 7 runs', columns, rows, { curves: SVG });
    assert.match(html, /<div class="scroll"><table class="data compare"><thead><tr><th>label<\/th><th>run<\/th>/);
    assert.equal(bodyRows(html).length, TRANSPOSE_MAX_RUNS + 1);
    assert.deepEqual(bodyRows(html)[0]!.slice(3), ['3e-4', 'C32-C32-P-C64-C64-P-C128-C128-P-C256-C256-F-D0.5-10', '0.9890', '1,194,730', '61.3']);
  });
});

describe('table helpers', () => {
  it('htmlTable leaves the header out when no column has a name, and shows empty cells as "-"', () => {
    assert.doesNotMatch(htmlTable(['', ''], [['a', 'b']]), /<thead>/);
    assert.equal(htmlTable(['loss'], [[null], ['-'], [0.5]]), '<table class="data"><thead><tr><th class="num">loss</th></tr></thead><tbody><tr><td class="num">-</td></tr><tr><td class="num">-</td></tr><tr><td class="num">0.5000</td></tr></tbody></table>');
  });

  it('utcTime, shellLine and versionsLine', () => {
    assert.equal(utcTime('2026-12-02T00:59:53.048Z'), '2026-12-02 00:59:53 UTC');
    assert.equal(utcTime('yesterday'), 'yesterday');
    assert.equal(shellLine(['tfexp', 'run', 'my exp.yaml', '--set', 'a=1', '']), "tfexp run 'my exp.yaml' --set a=1 ''");
    const versions = { tfexp: '0.1.0', tfjs: '4.22.0', tfjs_backend_wasm: '4.22.0', node: 'v20.20.2', platform: 'linux x64' };
    assert.equal(versionsLine(versions, '@tensorflow/tfjs-backend-webgpu'), 'tfexp 0.1.0, tfjs 4.22.0, @tensorflow/tfjs-backend-webgpu, Node 20.20.2, linux x64', "another backend's version left out");
    assert.equal(versionsLine(versions, undefined), 'tfexp 0.1.0, tfjs 4.22.0, Node 20.20.2, tfjs_backend_wasm 4.22.0, linux x64');
  });
});
