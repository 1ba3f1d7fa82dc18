/** Review findings on run/resume/bench: bad input is exit 2 before anything runs; checkpoints survive a crash mid-swap. */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { planExperiment } from '../../src/model/index.js';
import { RunStore } from '../../src/runs/store.js';
import { runExperiment } from '../../src/train/run.js';
import { runCli, tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };

describe('checked before training', () => {
  it('an early_stopping monitor the run will not log is a validate error (exit 2), with the metrics it will log', () => {
    const file = writeRunFixture('  early_stopping: {monitor: val_acuracy}');
    assert.throws(
      () => planExperiment(loadExperiment(file)),
      (e: unknown) => e instanceof ConfigError && e.problems[0]!.message === message.monitorNotAvailable('train.early_stopping', 'val_acuracy', 'val_accuracy', ['loss', 'accuracy', 'val_loss', 'val_accuracy']),
    );
    assert.throws(() => planExperiment(loadExperiment(file, ['data.validation_split=0', 'train.early_stopping.monitor=val_loss'])), /does not log|Available/);
  });

  it('--threads 0 is refused before a run directory is made', async () => {
    const runsDir = tempDir();
    const { code, stderr } = await runCli(['run', writeRunFixture(), '--runs-dir', runsDir, '--threads', '0', '--quiet']);
    assert.equal(code, 2);
    assert.equal(stderr.trim(), message.badThreads(0, false));
    assert.deepEqual(readdirSync(runsDir), []);
  });

  it('resume of a folder that is not a run, or of a completed run, is exit 2 with a clear message', async () => {
    const notRun = tempDir();
    assert.deepEqual(await runCli(['resume', notRun]), { code: 2, stdout: '', stderr: `${message.notARunDir(notRun)}\n` });
    const { dir } = await runExperiment(writeRunFixture(), { ...quiet, runsDir: tempDir(), sets: ['train.epochs=1'] });
    const done = await runCli(['resume', dir]);
    assert.equal(done.code, 2);
    assert.equal(done.stderr, `${message.runAlreadyCompleted(dir, 1)}\n`);
  });

  it('bench refuses --steps 0, --warmup -1 and --batch-size 0', async () => {
    for (const [flag, value, min] of [['--steps', 0, 1], ['--warmup', -1, 0], ['--batch-size', 0, 1]] as const) {
      const { code, stderr } = await runCli(['bench', writeRunFixture(), flag, String(value)]);
      assert.equal(code, 2, flag);
      assert.equal(stderr, `${message.badCount(flag, value, min)}\n`);
    }
  });
});

describe('checkpoints', () => {
  it('a crash between the two renames of a checkpoint swap still leaves one to resume from', async () => {
    const { dir } = await runExperiment(writeRunFixture(), { ...quiet, runsDir: tempDir(), sets: ['train.epochs=2'] });
    renameSync(join(dir, 'checkpoint'), join(dir, 'checkpoint.old'));
    mkdirSync(join(dir, 'checkpoint.new'));
    const store = new RunStore(dir);
    assert.equal(store.hasCheckpoint(), true);
  });
});
