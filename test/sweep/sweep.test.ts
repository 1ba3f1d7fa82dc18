/** Sweeps: the grid, dry runs, the sweep folder, interrupt + resume of only the missing point, parallel points. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { compareRuns } from '../../src/compare/index.js';
import { loadExperiment } from '../../src/config/index.js';
import { planSweep } from '../../src/sweep/grid.js';
import { resumeSweep, runSweep } from '../../src/sweep/run.js';
import { REPO_ROOT, runCli, sourceEnv, tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('the grid', () => {
  it('is the full product of the axes, in order, each point repeated per seed; --sweep replaces an axis', () => {
    const { experiment } = loadExperiment(writeRunFixture(), ['sweep={train.optimizer.learning_rate: [0.1, 0.2], train.batch_size: [8, 16]}', 'seeds=[1, 2]']);
    assert.equal(planSweep(experiment).points.length, 8);
    const { points } = planSweep(experiment, { 'train.batch_size': [32] }, [5]);
    assert.deepEqual(points.map((p) => p.sets), [
      ['train.optimizer.learning_rate=0.1', 'train.batch_size=32', 'seed=5'],
      ['train.optimizer.learning_rate=0.2', 'train.batch_size=32', 'seed=5'],
    ]);
  });
});

describe('tfexp run with a sweep', () => {
  it('--dry-run prints the plan and writes nothing', async () => {
    const runsDir = tempDir();
    const { code, stdout } = await runCli(['run', writeRunFixture(), '--sweep', 'train.optimizer.learning_rate=0.01,0.003', '--seeds', '2', '--dry-run', '--runs-dir', runsDir]);
    assert.equal(code, 0);
    assert.match(stdout, /Sweep of tiny: 4 run\(s\)/);
    assert.match(stdout, /4\. train\.optimizer\.learning_rate=0\.003 seed=2/);
    assert.deepEqual(readdirSync(runsDir), []);
  });

  it('an invalid point is exit 2 before anything runs', async () => {
    const runsDir = tempDir();
    const { code, stderr } = await runCli(['run', writeRunFixture(), '--sweep', 'train.batch_size=16,0', '--set', 'train.epochs=1', '--runs-dir', runsDir, '--quiet']);
    assert.equal(code, 2);
    // Named as the sweep point it is, not as a --set the user never wrote.
    assert.match(stderr, /^sweep point 2 of 2 \(train\.batch_size=0\): "batch_size" must be >= 1, got 0$/m);
    assert.doesNotMatch(stderr, /--set/);
    assert.deepEqual(readdirSync(runsDir), []);
  });

  it('runs every point into one sweep folder with sweep.json, and compare shows the swept setting', async () => {
    const runsDir = tempDir();
    const dir = await runSweep(writeRunFixture(), { ...quiet, runsDir, sets: ['train.epochs=1'], axes: { 'train.optimizer.learning_rate': [0.01, 0.003] } });
    const sweep = json(join(dir!, 'sweep.json'));
    assert.deepEqual(sweep.points.map((p: { status: string }) => p.status), ['completed', 'completed']);
    assert.deepEqual(sweep.axes, { 'train.optimizer.learning_rate': [0.01, 0.003] });
    const runs = readdirSync(dir!).filter((f) => f !== 'sweep.json').sort();
    assert.deepEqual(runs, sweep.points.map((p: { run: string }) => p.run).sort());
    assert.ok(!readFileSync(join(dir!, runs[0]!, 'experiment.yaml'), 'utf8').includes('sweep'), 'a point does not sweep again');
    const { table } = await compareRuns([dir!], { out: join(runsDir, 'cmp'), warn: () => {} });
    assert.deepEqual(table.params, ['train.optimizer.learning_rate']);
  });

  it('--parallel 2 runs the points in child processes', async () => {
    const runsDir = tempDir();
    const dir = await runSweep(writeRunFixture(), { ...quiet, runsDir, sets: ['train.epochs=1'], axes: { 'train.optimizer.learning_rate': [0.01, 0.003] }, parallel: 2 });
    const sweep = json(join(dir!, 'sweep.json'));
    assert.deepEqual(sweep.points.map((p: { status: string }) => p.status), ['completed', 'completed'], JSON.stringify(sweep.points));
    for (const point of sweep.points) assert.equal(json(join(dir!, point.run, 'run.json')).backend.threads, 1, 'each point gets its share of 2 threads');
  });

  it('SIGINT during the second point, then resume: only the missing point runs', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), 'run', file, '--runs-dir', runsDir, '--set', 'train.epochs=30', '--sweep', 'train.optimizer.learning_rate=0.01,0.003', '--threads', '1'], { stdio: ['ignore', 'pipe', 'pipe'], env: sourceEnv() });
    let seen = '';
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      if (/\[2\/2\][\s\S]*Epoch 2\/30/.test(seen) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? -1)));
    assert.equal(code, 130, seen.slice(-500));
    const [sweepId] = readdirSync(runsDir);
    const dir = join(runsDir, sweepId!);
    const before = json(join(dir, 'sweep.json'));
    assert.deepEqual(before.points.map((p: { status: string }) => p.status), ['completed', 'interrupted']);
    const firstMetrics = join(dir, before.points[0].run, 'metrics.json');
    const firstWritten = statSync(firstMetrics).mtimeMs;
    await resumeSweep(dir, quiet);
    const after = json(join(dir, 'sweep.json'));
    assert.deepEqual(after.points.map((p: { status: string }) => p.status), ['completed', 'completed']);
    assert.equal(statSync(firstMetrics).mtimeMs, firstWritten, 'the completed point was not run again');
    assert.equal(after.points[1].run, before.points[1].run, 'the interrupted point resumed in its own folder');
    assert.equal(json(join(dir, after.points[1].run, 'metrics.json')).history.length, 30);
    assert.equal(readdirSync(dir).filter((f) => f !== 'sweep.json').length, 2);
  });
});
