/** What resume accepts: a killed run (stale), more epochs; what it refuses: a changed experiment, a live run. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as message from '../../src/log/message.js';
import { fingerprint, fingerprintChanges } from '../../src/runs/fingerprint.js';
import { liveStatus, STALE_AFTER_SECONDS } from '../../src/runs/liveness.js';
import { loadExperiment } from '../../src/config/index.js';
import { UsageError } from '../../src/errors.js';
import { resumeRun, runExperiment } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';
import { interruptingAt } from './interrupting.js';
import { tfexp } from './spawn.js';

const quiet = { quiet: true, backend: 'cpu' as const, write: () => {} };
const json = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const numbers = (history: Record<string, number>[]) => history.map(({ seconds: _s, ...rest }) => rest);

describe('liveness', () => {
  const now = Date.parse('2026-12-01T12:00:00Z');
  const ago = (s: number) => new Date(now - s * 1000).toISOString();

  it('a running run is stale when its process is gone (this host) or its heartbeat is old (another host)', () => {
    const mine = { status: 'running', host: 'here', pid: 42, heartbeat_at: ago(1) };
    assert.equal(liveStatus(mine, now, 'here', () => true), 'running');
    assert.equal(liveStatus(mine, now, 'here', () => false), 'stale');
    const theirs = { ...mine, host: 'there' };
    assert.equal(liveStatus(theirs, now, 'here', () => false), 'running');
    assert.equal(liveStatus({ ...theirs, heartbeat_at: ago(STALE_AFTER_SECONDS + 1) }, now, 'here', () => true), 'stale');
    assert.equal(liveStatus({ status: 'completed', host: 'here', pid: 42 }, now, 'here', () => false), 'completed');
    assert.equal(liveStatus({ status: 'running' }, now, 'here', () => false), 'running', 'runs from before heartbeats keep their status');
  });
});

describe('checkpoint fingerprint', () => {
  it('names exactly the settings that changed, and ignores epochs and callbacks', () => {
    const file = writeRunFixture();
    const base = fingerprint(loadExperiment(file).experiment);
    assert.deepEqual(fingerprintChanges(base, fingerprint(loadExperiment(file, ['train.epochs=9', 'train.early_stopping={patience: 2}']).experiment)), []);
    const changed = fingerprint(loadExperiment(file, ['model.layers.0.filters=8', 'train.optimizer={type: rmsprop}']).experiment);
    const paths = fingerprintChanges(base, changed).map((c) => c.path);
    assert.ok(paths.includes('model.layers.0.filters') && paths.includes('train.optimizer.type'), paths.join(', '));
    assert.ok(!paths.some((p) => p.startsWith('train.epochs')));
  });
});

describe('tfexp resume', () => {
  it('after kill -9: the run shows as stale, resume accepts it and ends where the straight run ends, to the last digit', async () => {
    const file = writeRunFixture();
    const straight = await runExperiment(file, { ...quiet, runsDir: tempDir() });
    const runsDir = tempDir();
    let seen = '';
    const { child, done } = tfexp(['run', file, '--runs-dir', runsDir, '--backend', 'cpu'], (text) => {
      seen += text;
      if (/Epoch 3\/3/.test(seen) && !child.killed) child.kill('SIGKILL');
    });
    await done;
    const dir = join(runsDir, readdirSync(runsDir)[0]!);
    const run = json(join(dir, 'run.json'));
    assert.equal(run.status, 'running', 'a killed process cannot say anything');
    assert.equal(run.host, hostname());
    assert.equal(liveStatus(run), 'stale');
    const resumed = await resumeRun(dir, quiet);
    assert.equal(resumed.info.status, 'completed');
    assert.deepEqual(numbers(resumed.metrics.history), numbers(straight.metrics.history));
    assert.deepEqual(resumed.metrics.test, straight.metrics.test);
  });

  it('Ctrl-C says what stopping keeps: nothing in epoch 1 (resume starts over), the finished epochs later', async () => {
    const file = writeRunFixture();
    for (const [marker, finished] of [['Epoch 1/3', 0], ['Epoch 2/3', 1]] as const) {
      let out = '';
      let sent = false;
      let dir = '';
      const options = {
        backend: 'cpu' as const,
        runsDir: tempDir(),
        live: false,
        onRunDir: (d: string) => void (dir = d),
        write: (text: string) => {
          out += text;
          if (sent || !text.includes(marker)) return;
          sent = true;
          setImmediate(() => process.emit('SIGINT', 'SIGINT'));
        },
      };
      await assert.rejects(runExperiment(file, options), (error: unknown) => {
        assert.equal((error as Error).message, message.runInterrupted(finished, dir));
        return true;
      });
      assert.ok(out.includes(message.stoppingAfterBatch('SIGINT', message.keptOnStop(finished))), out);
    }
  });

  it('refuses an experiment.yaml changed since the checkpoint (exit 2, the settings that differ); allows more epochs', async () => {
    const file = writeRunFixture();
    const runsDir = tempDir();
    let dir = '';
    await assert.rejects(runExperiment(file, interruptingAt('Epoch 2/3', { backend: 'cpu', runsDir, onRunDir: (d) => void (dir = d) })), /interrupted/);
    const yamlPath = join(dir, 'experiment.yaml');
    const original = readFileSync(yamlPath, 'utf8');
    writeFileSync(yamlPath, original.replace('filters: 4', 'filters: 6'));
    await assert.rejects(resumeRun(dir, quiet), (error: unknown) => {
      assert.ok(error instanceof UsageError, String(error));
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /model\.layers\.0\.filters: 4 -> 6/);
      assert.ok(error.message.includes('npx tfexp run'), error.message);
      return true;
    });
    writeFileSync(yamlPath, original.replace(/epochs: 3/, 'epochs: 4'));
    let out = '';
    const resumed = await resumeRun(dir, { backend: 'cpu', quiet: true, write: (t) => void (out += t) });
    assert.ok(out.includes(message.continuingToEpochs(4, 3)), out);
    assert.deepEqual(resumed.metrics.history.map((r) => r.epoch), [1, 2, 3, 4]);
    assert.equal(resumed.info.epochs_planned, 4);
  });

  it('a failed run whose first checkpoint was never written starts again from epoch 1', async () => {
    const file = writeRunFixture();
    const { dir } = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['train.epochs=2'] });
    const run = json(join(dir, 'run.json'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...run, status: 'failed', epochs_completed: 1 }));
    rmSync(join(dir, 'checkpoint'), { recursive: true });
    const resumed = await resumeRun(dir, quiet);
    assert.equal(resumed.info.status, 'completed');
    assert.deepEqual(resumed.metrics.history.map((r) => r.epoch), [1, 2]);
  });

  it('refuses a run whose process is alive', async () => {
    const file = writeRunFixture();
    const { dir } = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['train.epochs=1'] });
    const run = json(join(dir, 'run.json'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...run, status: 'running', host: hostname(), pid: process.pid }));
    await assert.rejects(resumeRun(dir, quiet), (error: unknown) => error instanceof UsageError && /is still running \(process \d+/.test(error.message));
  });
});
