/**
 * `tfexp ui`'s server without a browser: the runs table's values (compare's), the run
 * and compare payloads (ids holding `,` or `%`, the parallel coordinates' metric), the
 * evaluation views (test and train) only when a run has them, safety (path
 * traversal in every spelling, links out of the folder, absolute paths, other Host
 * names, nothing but GET), a corrupt metrics.json, live events from file changes, and
 * the command's bad-input errors (exit 2).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as message from '../../src/log/message.js';
import { formatMetric } from '../../src/plots/format.js';
import { startUi, type UiServer } from '../../src/ui/index.js';
import { compareIds } from '../../src/ui/server.js';
import { runCli, tempDir } from '../helpers.js';
import { AWKWARD_IDS, generateRuns, writeAwkwardRuns, writeRun, type GeneratedRun } from './generate.js';
import { CONFUSION_SPEC } from './specs.test.js';

/** A GET (or another method) with the path sent exactly as written: no client-side normalisation. */
export function raw(port: number, path: string, options: { method?: string; host?: string } = {}): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { Host: options.host ?? `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => void (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * Writes the evaluation files another part of tfexp writes at the test evaluation (issue 15),
 * or (`train`) those of `tfexp evaluate --split train`: evaluation_train.json (16 samples,
 * 15 right: the matrix [[9, 1], [0, 6]]) and plots/*_train.*.
 */
export function writeEvaluation(dir: string, split: 'test' | 'train' = 'test'): void {
  const test = split === 'test';
  const evaluation = {
    format: 1,
    split,
    samples: test ? 15 : 16,
    class_names: ['0', '1'],
    accuracy: test ? 0.8 : 0.9375,
    loss: test ? 0.41 : 0.12,
    confusion_matrix: test ? [[8, 2], [1, 4]] : [[9, 1], [0, 6]],
    per_class: [{ class: '0', precision: 0.8889, recall: 0.8, f1: 0.8421, support: 10 }, { class: '1', precision: 0.6667, recall: 0.8, f1: 0.7273, support: 5 }],
    macro_avg: { precision: 0.7778, recall: 0.8, f1: 0.7847, support: 15 },
    weighted_avg: { precision: 0.8148, recall: 0.8, f1: 0.8038, support: 15 },
    misclassified: test ? [{ index: 7, true: 0, predicted: 1, confidence: 0.97 }, { index: 3, true: 1, predicted: 0, confidence: 0.81 }] : [{ index: 11, true: 0, predicted: 1, confidence: 0.66 }],
  };
  const suffix = test ? '' : '_train';
  writeFileSync(join(dir, `evaluation${suffix}.json`), JSON.stringify(evaluation, null, 2));
  writeFileSync(join(dir, 'plots', `confusion_matrix${suffix}.vl.json`), JSON.stringify(CONFUSION_SPEC));
  // A 2x2 grey PNG stands in for the grid of wrong images.
  writeFileSync(join(dir, 'plots', `misclassified${suffix}.png`), Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAAAAABX3VL4AAAADklEQVR4nGNgYGBgYAAAAAUAAXpeqz8AAAAASUVORK5CYII=', 'base64'));
}

/** A port something else listens on, and a function that frees it. */
async function takenPort(): Promise<{ port: number; free: () => void }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, free: () => void server.close() };
}

describe('tfexp ui: the server', () => {
  let root: string;
  let runs: GeneratedRun[];
  let ui: UiServer;
  const warnings: string[] = [];
  let get: (path: string) => Promise<{ status: number; body: string; headers: Record<string, unknown> }>;
  const json = async (path: string) => {
    const res = await get(path);
    assert.equal(res.status, 200, `${path}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, any>;
  };

  before(async () => {
    root = tempDir();
    runs = generateRuns(root, { runs: 60, perSweep: 45, inSweeps: 0.75, epochs: 4 });
    runs.push(...writeAwkwardRuns(root));
    // A run whose metrics.json was cut off, one with the evaluation views.
    const corrupt = runs.find((r) => !r.id.includes('/') && r.status === 'completed')!;
    writeFileSync(join(root, corrupt.id, 'metrics.json'), '{"history": [{"epoch": 1, "loss": 0.5');
    writeEvaluation(join(root, runs[0]!.id));
    writeEvaluation(join(root, runs[0]!.id), 'train');
    // A secret outside the folder, and links to it.
    const outside = tempDir();
    writeFileSync(join(outside, 'secret.txt'), 'secret');
    symlinkSync(outside, join(root, 'link-out'));
    symlinkSync(join(outside, 'secret.txt'), join(root, runs[1]!.id, 'secret.txt'));
    symlinkSync(join(root, runs[1]!.id, 'summary.txt'), join(root, runs[1]!.id, 'summary-link.txt'));
    // A run folder that is a link out of the folder: not listed.
    mkdirSync(join(outside, 'run'));
    writeRun(join(outside, 'run'), 999, { name: 'outside', lr: 0.1, batchSize: 1, seed: 1, epochs: 1, status: 'completed' });
    symlinkSync(join(outside, 'run'), join(root, 'linked-run'));
    ui = await startUi({ root, port: 0, host: '127.0.0.1', warn: (line) => warnings.push(line) });
    get = (path) => raw(ui.port, path);
  });

  after(async () => {
    await ui?.close();
  });

  it('lists every run with compare\'s values: status, label, epochs, test accuracy, the differing settings', async () => {
    const list = await json('/api/runs');
    assert.equal(list.rows.length, runs.length, 'the generated runs, not the linked one');
    const names = list.columns.map((c: { name: string }) => c.name);
    for (const column of ['status', 'label', 'started', 'duration_s', 'backend', 'epochs', 'test_accuracy', 'test_loss', 'best_val_accuracy', 'train.optimizer.learning_rate', 'train.batch_size', 'seed']) {
      assert.ok(names.includes(column), `${column} in ${names}`);
    }
    assert.equal(list.columns[names.indexOf('train.optimizer.learning_rate')].title, 'lr');
    const cell = (row: { cells: { t: string; v: unknown }[] }, column: string) => row.cells[names.indexOf(column)]!;
    for (const run of runs.filter((r) => r.status === 'completed').slice(0, 10)) {
      const row = list.rows.find((r: { id: string }) => r.id === run.id);
      if (row.status === 'corrupt') continue;
      assert.equal(cell(row, 'test_accuracy').t, formatMetric(run.testAccuracy), run.id);
      assert.equal(cell(row, 'epochs').v, run.epochs);
      assert.equal(cell(row, 'train.optimizer.learning_rate').v, run.lr);
      assert.equal(row.sweep, run.id.includes('/') ? run.id.split('/')[0] : null);
    }
    assert.equal(list.sweeps.length, 1);
    assert.deepEqual(list.sweeps[0].counts, { completed: 45 });
  });

  it('a corrupt metrics.json: the run is listed with compare\'s status and the parser\'s words', async () => {
    const list = await json('/api/runs');
    const row = list.rows.find((r: { status: string }) => r.status === 'corrupt');
    assert.equal(row.cells[0].t, message.CORRUPT_METRICS_STATUS);
    assert.match(row.warnings[0], /corrupt metrics\.json/);
    const run = await json(`/api/run?id=${encodeURIComponent(row.id)}`);
    assert.equal(run.status, 'corrupt');
    assert.match(run.warnings[0], /JSON/);
  });

  it('a run page: facts, backend and why, charts with the view options, files; the evaluation views only where present', async () => {
    const with_ = await json(`/api/run?id=${encodeURIComponent(runs[0]!.id)}&smoothing=0.5&log=1`);
    assert.match(with_.backend, /^Backend: wasm .*fastest available\)\nSkipped: webgpu/);
    assert.ok(with_.facts.some(([k, v]: [string, string]) => k === 'parameters' && v === '1,194,730'));
    assert.match(JSON.stringify(with_.charts.training), /"type":"log"/);
    assert.match(JSON.stringify(with_.charts.training), /"field":"raw"/);
    // The test evaluation, then the training samples' (tfexp evaluate --split train), each drawn from its own file.
    assert.deepEqual(with_.evaluations.map((e: { split: string }) => e.split), ['test', 'train']);
    const [test, train] = with_.evaluations;
    assert.equal(test.evaluation.accuracy, 0.8);
    assert.ok(test.confusion && test.confusionNormalised);
    assert.match(test.misclassified, /^\/files\/.*\/plots\/misclassified\.png$/);
    assert.equal((await get(test.misclassified)).status, 200);
    assert.deepEqual([train.evaluation.split, train.evaluation.accuracy], ['train', 0.9375]);
    assert.match(JSON.stringify(train.confusion), /"count":9\b/);
    assert.doesNotMatch(JSON.stringify(train.confusion), /"count":8\b/);
    assert.match(train.misclassified, /^\/files\/.*\/plots\/misclassified_train\.png$/);
    const without = await json(`/api/run?id=${encodeURIComponent(runs[2]!.id)}`);
    assert.deepEqual(without.evaluations, []);
    assert.deepEqual(without.files.map((f: { path: string }) => f.path), ['experiment.yaml', 'metrics.json', 'report.html', 'run.json', 'summary.txt']);
    // An evaluation file that parses but is no evaluation offers no split.
    writeFileSync(join(root, runs[2]!.id, 'evaluation.json'), '[]');
    assert.deepEqual((await json(`/api/run?id=${encodeURIComponent(runs[2]!.id)}`)).evaluations, []);
    rmSync(join(root, runs[2]!.id, 'evaluation.json'));
    const linked = await json(`/api/run?id=${encodeURIComponent(runs[1]!.id)}`);
    const listed = linked.files.map((f: { path: string }) => f.path);
    assert.ok(listed.includes('summary-link.txt') && !listed.includes('secret.txt'), `links inside listed, links out not: ${listed}`);
  });

  it('a compare payload: compare\'s table, overlay, bands for repeated seeds, parallel coordinates, a YAML diff', async () => {
    const sweep = runs.filter((r) => r.id.includes('/'));
    const ids = sweep.map((r) => r.id);
    const c = await json(`/api/compare?runs=${ids.map(encodeURIComponent).join(',')}&colour=train.batch_size`);
    assert.equal(c.table.rows.length, ids.length);
    assert.ok(c.table.params.includes('train.optimizer.learning_rate'));
    assert.ok(c.grouped !== null, 'seeds repeat: a grouped table');
    assert.equal(c.grouped.rows.length, 15, 'fifteen grid points (lr x bs) of three seeds');
    assert.ok(c.charts.overlay && c.charts.bands && c.charts.parallel);
    assert.match(JSON.stringify(c.charts.overlay), /"title":"bs"/, 'coloured by the chosen setting');
    assert.ok(c.diff.lines.some((l: { op: string; text: string }) => l.op === '-' && /learning_rate: 0\.01$/.test(l.text)));
    assert.ok(c.diff.lines.some((l: { op: string; text: string }) => l.op === '+' && /learning_rate: 0\.003$/.test(l.text)));
    assert.equal(c.metric, 'test_accuracy', 'the headline metric by default');
    assert.deepEqual(c.metricChoices.map((m: { metric: string }) => m.metric), ['test_accuracy', 'test_loss', 'best_val_accuracy', 'accuracy', 'loss']);
  });

  it('the parallel coordinates end in the metric asked for; the grouped table is sorted by it (losses ascending); another name is the headline metric', async () => {
    const ids = runs.filter((r) => r.id.includes('/')).map((r) => r.id);
    const query = ids.map((id) => `runs=${encodeURIComponent(id)}`).join('&');
    const column = (table: { columns: string[]; rows: unknown[][] }, name: string) => table.rows.map((row) => row[table.columns.indexOf(name)] as number);
    const byLoss = await json(`/api/compare?${query}&metric=test_loss`);
    assert.equal(byLoss.metric, 'test_loss');
    const axes = byLoss.charts.parallel.layer[0].data.values.map((v: { axis: string }) => v.axis);
    assert.equal(axes[axes.length - 1], 'test_loss', 'the last axis');
    assert.equal(byLoss.charts.parallel.layer[1].encoding.color.title, 'test_loss');
    const losses = column(byLoss.grouped, 'test_loss');
    assert.deepEqual(losses, [...losses].sort((a, b) => a - b));
    const byAccuracy = await json(`/api/compare?${query}&metric=best_val_accuracy`);
    const accuracies = column(byAccuracy.grouped, 'best_val_accuracy');
    assert.deepEqual(accuracies, [...accuracies].sort((a, b) => b - a));
    const unknown = await json(`/api/compare?${query}&metric=constructor`);
    assert.equal(unknown.metric, 'test_accuracy');
    assert.equal(unknown.charts.parallel.layer[1].encoding.color.title, 'test_accuracy');
  });

  it('compares runs whose ids hold `,`, `%`, `&` or `+`: one runs parameter per id, decoded once; an older comma-joined link still opens', async () => {
    const ids = [...AWKWARD_IDS];
    const query = (name: string, list: readonly string[]) => list.map((id) => `${name}=${encodeURIComponent(id)}`).join('&');
    const c = await json(`/api/compare?${query('runs', ids)}&${query('diff', [ids[2]!, ids[0]!])}`);
    assert.deepEqual(c.ids, ids);
    assert.deepEqual(c.table.rows.map((row: unknown[]) => row[c.table.columns.indexOf('run')]), ids);
    assert.deepEqual([c.diff.a, c.diff.b], [ids[2], ids[0]], 'the two runs diffed, by their whole ids');
    assert.ok(c.diff.lines.some((l: { op: string; text: string }) => l.op === '-' && /learning_rate: 0\.001$/.test(l.text)));
    // Links made before: `runs=a,b` (ids without commas).
    const plain = runs.filter((r) => !r.id.includes('/') && !r.id.includes(',')).slice(0, 2).map((r) => r.id);
    assert.deepEqual((await json(`/api/compare?runs=${plain.map(encodeURIComponent).join(',')}`)).ids, plain);
    assert.equal((await get(`/api/compare?runs=${encodeURIComponent(`${plain[0]},nope`)}`)).status, 404, 'a list with a part that is no run names nothing');
    // An id that is itself a run wins over its comma-separated parts.
    const known = new Set(['a', 'b', 'a,b']);
    assert.deepEqual(compareIds(['a,b', 'b', 'a,b'], (id) => known.has(id)), ['a,b', 'b']);
    assert.deepEqual(compareIds(['b,a', 'c'], (id) => known.has(id)), ['b', 'a']);
  });

  it('serves only files under the runs folder: every traversal spelling, links out and absolute paths are 404', async () => {
    const inside = `/files/${runs[2]!.id}/summary.txt`;
    const ok = await get(inside);
    assert.equal(ok.status, 200);
    assert.match(String(ok.headers['content-security-policy']), /sandbox/);
    assert.equal((await get(`${inside}?download=1`)).headers['content-disposition'], 'attachment; filename="summary.txt"');
    assert.equal((await get(`/files/${runs[1]!.id}/summary-link.txt`)).status, 200, 'a link that stays inside');
    const attempts = [
      '/files/../../../../etc/passwd',
      '/files/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '/files/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
      '/files/..%2f..%2f..%2fetc%2fpasswd',
      '/files/..%5c..%5cetc%5cpasswd',
      '/files//etc/passwd',
      '/files/%2Fetc%2Fpasswd',
      '/files/link-out/secret.txt',
      `/files/${runs[1]!.id}/secret.txt`,
      `/files/${runs[2]!.id}/..%2F..%2F${runs[1]!.id}%2Fsecret.txt`,
      '/files/linked-run/run.json',
      '/files/%00',
      '/files/',
      `/files/${runs[2]!.id}`,
      '/app/../../package.json',
      '/app/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/vendor/..%2F..%2Fpackage.json',
      '/api/run?id=../../etc',
      '/api/run?id=%2Fetc',
      '/api/run?id=linked-run',
      '/etc/passwd',
    ];
    for (const path of attempts) {
      const res = await get(path);
      assert.equal(res.status, 404, `${path} -> ${res.status}`);
      assert.doesNotMatch(res.body, /secret|root:/);
    }
  });

  it('is read-only and answers only to its own names', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) assert.equal((await raw(ui.port, '/api/runs', { method })).status, 404, method);
    assert.equal((await raw(ui.port, '/api/runs', { host: 'evil.example:80' })).status, 403);
    assert.equal((await raw(ui.port, '/api/runs', { host: `localhost:${ui.port}` })).status, 200);
  });

  it('pushes an event when a run appears and when its metrics.json is rewritten', async () => {
    const events: string[] = [];
    const stream = await new Promise<import('node:http').IncomingMessage>((resolve) => request({ host: '127.0.0.1', port: ui.port, path: '/api/events' }, resolve).end());
    stream.on('data', (d: Buffer) => events.push(d.toString()));
    const waitFor = async (text: string) => {
      const until = Date.now() + 5000;
      while (!events.join('').includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      assert.ok(events.join('').includes(text), `"${text}" in ${events.join('')}`);
    };
    await waitFor('event: hello');
    const id = '20261202-120000-new';
    writeRun(join(root, id), 500, { name: 'new', lr: 0.01, batchSize: 8, seed: 3, epochs: 2, status: 'completed' });
    await waitFor(`"changed":["${id}"]`);
    assert.ok((await json('/api/runs')).rows.some((r: { id: string }) => r.id === id));
    events.length = 0;
    // As the runner writes it: a temporary file renamed over the old one.
    const path = join(root, id, 'metrics.json');
    const metrics = JSON.parse(readFileSync(path, 'utf8'));
    metrics.history.push({ ...metrics.history[1], epoch: 3 });
    writeFileSync(`${path}.123-abcdef12.tmp`, JSON.stringify(metrics));
    renameSync(`${path}.123-abcdef12.tmp`, path);
    await waitFor(`"changed":["${id}"]`);
    const row = (await json('/api/runs')).rows.find((r: { id: string }) => r.id === id);
    assert.equal(row.cells[(await json('/api/runs')).columns.findIndex((c: { name: string }) => c.name === 'epochs')].v, 3);
    // tfexp evaluate --split train writes evaluation_train.json: the run page is told.
    events.length = 0;
    writeEvaluation(join(root, id), 'train');
    await waitFor(`"changed":["${id}"]`);
    assert.deepEqual((await json(`/api/run?id=${id}`)).evaluations.map((e: { split: string }) => e.split), ['train']);
    stream.destroy();
  });
});

describe('tfexp ui: bad input is exit 2 with one line', () => {
  it('a missing folder, a file, a bad port, a port in use', async () => {
    const missing = join(tempDir(), 'nope');
    assert.deepEqual(await runCli(['ui', missing]), { code: 2, stdout: '', stderr: `${message.uiRunsDirMissing(missing)}\n` });
    const file = join(tempDir(), 'file');
    writeFileSync(file, 'x');
    assert.deepEqual(await runCli(['ui', file]), { code: 2, stdout: '', stderr: `${message.uiRunsDirNotFolder(file)}\n` });
    const dir = tempDir();
    assert.deepEqual(await runCli(['ui', dir, '--port', '70000']), { code: 2, stdout: '', stderr: `${message.uiBadPort(70000)}\n` });
    const taken = await takenPort();
    try {
      const ran = await runCli(['ui', dir, '--port', String(taken.port)]);
      assert.equal(ran.code, 2);
      assert.equal(ran.stderr, `${message.uiPortInUse('127.0.0.1', taken.port)}\n`);
    } finally {
      taken.free();
    }
  });
});

describe("tfexp ui: a queued sweep's live lines", () => {
  it('drop within a check once the follower that wrote them is killed, though no file changes', async () => {
    const root = tempDir();
    mkdirSync(join(root, 'sweep-1'));
    // A stand-in follower: a process of this host, named in sweep.json as the writer of the lines.
    const follower = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    const live = { state: 'running', point: 'train.batch_size=16', detail: 'running on w1, epoch 2 of 4' };
    writeFileSync(join(root, 'sweep-1', 'sweep.json'), JSON.stringify({ name: 's', points: [{ index: 1, status: 'pending', run: null, live }], live_by: { host: hostname(), pid: follower.pid } }));
    const ui = await startUi({ root, port: 0, host: '127.0.0.1', warn: () => {}, statusCheckMs: 100 });
    try {
      const remote = async () => JSON.parse((await raw(ui.port, '/api/runs')).body).sweeps[0].remote as unknown[];
      assert.deepEqual(await remote(), [{ index: 1, ...live }]);
      follower.kill('SIGKILL');
      await new Promise((resolve) => follower.once('exit', resolve));
      const deadline = Date.now() + 5_000;
      while ((await remote()).length > 0) {
        assert.ok(Date.now() < deadline, 'the lines are still listed 5 s after the follower died');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      follower.kill();
      await ui.close();
    }
  });
});
