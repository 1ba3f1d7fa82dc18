/** Sweeps that fail early (missing data, a mistyped --sweep path) and points that fail without stopping the sweep. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import * as message from '../../src/log/message.js';
import { runSweep, SweepFailed } from '../../src/sweep/run.js';
import { BASELINE, runCli, tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

/** Runs `fn` with environment variables set (undefined: unset), then restores them. */
async function withEnv<T>(vars: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
}

describe('a sweep whose dataset is missing', () => {
  it('creates nothing and exits 2 with the data error tfexp run gives, before the first point', async () => {
    // mnist in none of the searched folders, and its download refused at once.
    const env = { TFEXP_DATA_DIR: undefined, XDG_CACHE_HOME: tempDir(), TFEXP_DATASET_BASE_URL: 'http://127.0.0.1:1' };
    const runsDir = tempDir();
    const args = ['run', BASELINE, '--runs-dir', runsDir, '--quiet', '--backend', 'wasm', '--threads', '1'];
    const single = await withEnv(env, () => runCli(args));
    const sweep = await withEnv(env, () => runCli([...args, '--sweep', 'train.optimizer.learning_rate=0.001,0.0003']));
    assert.equal(single.code, 2, single.stderr);
    assert.match(single.stderr, /dataset "mnist" was not found, and downloading it failed/);
    assert.equal(sweep.code, 2, sweep.stderr);
    assert.equal(sweep.stderr, single.stderr, 'the same data error as a single run');
    assert.deepEqual(readdirSync(runsDir), [], 'no sweep folder, no run folder');
    assert.ok(!sweep.stdout.includes('[1/2]'), 'no point started');
  });
});

describe('--sweep paths', () => {
  it('a Keras name (lr) names --sweep and suggests the whole path', async () => {
    const runsDir = tempDir();
    const { code, stderr } = await runCli(['run', writeRunFixture(), '--sweep', 'train.lr=0.1,0.01', '--runs-dir', runsDir, '--dry-run']);
    assert.equal(code, 2);
    assert.match(stderr, /^--sweep train\.lr=0\.1,0\.01: the schema has no "lr" under "train"; did you mean --sweep train\.optimizer\.learning_rate=\.\.\.\?/);
    assert.ok(!stderr.includes('--set'), stderr);
    assert.deepEqual(readdirSync(runsDir), []);
  });

  it('a near miss, a setting one level deeper, and keys that are no settings', async () => {
    const file = writeRunFixture();
    const err = async (arg: string) => (await runCli(['run', file, '--sweep', arg, '--dry-run'])).stderr;
    assert.match(await err('train.batchsize=8,16'), /did you mean --sweep train\.batch_size=\.\.\.\?/);
    assert.match(await err('train.learning_rate=0.1'), /did you mean --sweep train\.optimizer\.learning_rate=\.\.\.\?/);
    assert.match(await err('batch_size=8'), /the schema has no "batch_size" at the top level; did you mean --sweep train\.batch_size=\.\.\.\?/);
    assert.match(await err('train.zzzz=1'), /the schema has no "zzzz" under "train"\. Known keys: optimizer, loss, /);
    assert.equal(await err('seeds=1,2'), `${message.sweepNotAxis('seeds=1,2', 'seeds')}\n`);
  });

  it("a file's sweep: key and --set get the same whole-path suggestion", async () => {
    const file = writeRunFixture();
    writeFileSync(file, `${readFileSync(file, 'utf8')}sweep:\n  train.lr: [0.1, 0.01]\n`);
    const inFile = await runCli(['validate', file]);
    assert.equal(inFile.code, 2);
    assert.match(inFile.stderr, /:\d+:\d+: sweep: the schema has no "lr" under "train"; did you mean "train\.optimizer\.learning_rate"\?/);
    const set = await runCli(['validate', writeRunFixture(), '--set', 'train.lr=0.1']);
    assert.match(set.stderr, /^--set train\.lr=0\.1: the schema has no "lr" under "train"; did you mean "train\.optimizer\.learning_rate"\?/);
  });
});

describe('a sweep whose backend cannot be used', () => {
  it('creates nothing and exits 2 with the backend error, before the first point', async () => {
    const runsDir = tempDir();
    const args = ['run', writeRunFixture(), '--runs-dir', runsDir, '--quiet', '--sweep', 'train.optimizer.learning_rate=0.01,0.001'];
    const { code, stderr } = await withEnv({ TFEXP_BACKEND: undefined, TFEXP_THREADS: '0' }, () => runCli(args));
    assert.equal(code, 2, stderr);
    assert.equal(stderr.trim(), message.badThreads('0', true));
    assert.deepEqual(readdirSync(runsDir), [], 'no sweep folder');
  });
});

describe('a point that fails', () => {
  it('is recorded and the sweep goes on with the next point', async () => {
    const file = writeRunFixture();
    // Present (so the data check passes) but not an IDX file: the point fails when it loads its data.
    writeFileSync(join(dirname(file), 'data/broken'), 'not an IDX file');
    const said: string[] = [];
    const runsDir = tempDir();
    // Every point runs; then the sweep ends with exit 1, naming the failed point.
    const failure = await runSweep(file, {
      quiet: true,
      backend: 'wasm',
      threads: 2,
      write: (t) => void said.push(t),
      runsDir,
      sets: ['train.epochs=1'],
      // Paths given on the command line are relative to the current folder: absolute here.
      axes: { 'data.train_images': [join(dirname(file), 'data/broken'), join(dirname(file), 'data/train-images')] },
    }).then(
      () => assert.fail('a sweep with a failed point ends in an error'),
      (error: unknown) => error,
    );
    assert.ok(failure instanceof SweepFailed, String(failure));
    assert.equal(failure.exitCode, 1);
    const dir = failure.dir;
    assert.equal(failure.message, message.sweepFailedPoints(dir, [1], 2));
    const sweep = json(join(dir, 'sweep.json'));
    assert.deepEqual(sweep.points.map((p: { status: string }) => p.status), ['failed', 'completed']);
    assert.match(sweep.points[0].reason, /data\/broken/);
    assert.equal(sweep.points[0].run, null, 'it failed before its run folder was made');
    const text = said.join('');
    assert.ok(text.includes(message.sweepPointFailed(1, sweep.points[0].reason)), text);
  });
});
