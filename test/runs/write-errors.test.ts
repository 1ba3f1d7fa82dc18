/**
 * Write errors in a run directory (issue 12, part 6): a full disk, a read-only file system or a
 * denied permission while saving a checkpoint, metrics.json or the model is one WriteError (exit 1)
 * that names the file, the cause, what the run kept and the resume command; no partial
 * temporaries stay behind and the previous checkpoint still loads.
 * First with an injected failing file system, then on a real 128 KiB tmpfs (needs root and mount).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { TfexpError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { setFileSystem, writeFileAtomic } from '../../src/runs/atomic.js';
import { RunStore, type CheckpointState, type Metrics } from '../../src/runs/store.js';
import { WriteError } from '../../src/runs/write-error.js';
import { tempDir } from '../helpers.js';

/** An fs error as Node raises it. */
function errnoError(code: string, syscall: string, path: string): NodeJS.ErrnoException {
  const text: Record<string, string> = {
    ENOSPC: 'no space left on device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'read-only file system',
    EACCES: 'permission denied',
    EIO: 'i/o error',
  };
  return Object.assign(new Error(`${code}: ${text[code] ?? 'error'}, ${syscall}`), { code, syscall, path, errno: -1 });
}

/**
 * A writeFileSync that fails with `code` for paths matching `when`, after writing half of the data
 * (as a real full disk does), and counts its failures.
 */
function failingWriter(code: string, when: (path: string) => boolean) {
  const state = { failures: 0 };
  setFileSystem({
    writeFileSync: (path, data) => {
      if (!when(path)) return writeFileSync(path, data);
      state.failures += 1;
      writeFileSync(path, typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
      throw errnoError(code, 'write', path);
    },
  });
  return state;
}

/** Every file and folder under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      out.push(relative(dir, path) + (entry.isDirectory() ? '/' : ''));
      if (entry.isDirectory()) walk(path);
    }
  };
  walk(dir);
  return out.sort();
}

/** No `*.tmp`, `checkpoint.new/` or `model.new/` anywhere under `dir`. */
function assertNoPartials(dir: string): void {
  const partial = listTree(dir).filter((p) => /\.tmp$/.test(p) || /(^|\/)(checkpoint|model)\.new\//.test(p));
  assert.deepEqual(partial, [], 'partial temporaries are removed');
}

const metricsOf = (epochs: number): Metrics => ({
  history: Array.from({ length: epochs }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 1) })),
  test: null,
  best: null,
});

const stateOf = (epoch: number) => ({ epoch, step: epoch * 4, learning_rate: 0.01, callbacks: [] }) as unknown as CheckpointState;

/** A compiled model with optimizer slots (one Adam step done); `units` sets its size. */
async function trainedModel(units = 4): Promise<tf.LayersModel> {
  const model = tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [units] })] });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  await step(model);
  return model;
}

/** One training step: the weights change. */
async function step(model: tf.LayersModel): Promise<void> {
  const units = (model.inputs[0]!.shape[1] as number) ?? 4;
  const x = tf.randomNormal([8, units], 0, 1, 'float32', 1);
  const y = tf.randomNormal([8, units], 0, 1, 'float32', 2);
  await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
  tf.dispose([x, y]);
}

const weightsOf = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

/** A run directory with run.json (5 epochs planned), experiment.yaml and metrics.json of `epochs` epochs. */
function runDir(root: string, epochs: number): RunStore {
  const dir = join(root, 'run');
  mkdirSync(dir, { recursive: true });
  const store = new RunStore(dir);
  writeFileSync(join(dir, 'run.json'), JSON.stringify({ id: 'run', status: 'running', epochs_planned: 5, epochs_completed: epochs }));
  writeFileSync(join(dir, 'experiment.yaml'), 'name: t\n');
  store.writeMetrics(metricsOf(epochs));
  return store;
}

/** The error `promise` rejects with, which must be a WriteError. */
async function writeErrorOf(promise: Promise<unknown> | (() => unknown)): Promise<WriteError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    assert.ok(error instanceof WriteError, `a WriteError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a WriteError');
}

/** Loads the store's checkpoint into a fresh model of the same shape; returns its state and weights. */
async function loadInto(store: RunStore, units = 4) {
  const fresh = tf.sequential({ layers: [tf.layers.dense({ units, inputShape: [units] })] });
  fresh.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
  const state = await store.loadCheckpoint(fresh);
  const weights = weightsOf(fresh);
  fresh.dispose();
  return { state, weights };
}

describe('write errors with an injected file system', () => {
  afterEach(() => setFileSystem());

  it('ENOSPC in the middle of saveCheckpoint: one clear error, no checkpoint.new/, the previous checkpoint loads', async () => {
    const store = runDir(tempDir(), 3);
    const model = await trainedModel();
    await store.saveCheckpoint(model, stateOf(2));
    const saved = weightsOf(model);
    await step(model);
    assert.notDeepEqual(weightsOf(model), saved, 'the weights moved on after the checkpoint');
    // weights.bin and model.json of the new checkpoint are written; optimizer.bin fails half-way.
    const writer = failingWriter('ENOSPC', (path) => path.includes('checkpoint.new') && path.includes('optimizer.bin'));
    const error = await writeErrorOf(store.saveCheckpoint(model, stateOf(3)));
    assert.equal(writer.failures, 1, 'the failure came from the injected writer');
    assert.ok(error instanceof TfexpError && error.exitCode === 1, 'exit 1: the run had started');
    assert.equal(error.code, 'ENOSPC');
    assert.equal(error.kind, 'disk-full');
    assert.equal(error.file, join(store.dir, 'checkpoint.new', 'optimizer.bin'), 'names the file, not its temporary');
    const text = error.message;
    assert.ok(text.startsWith(`cannot write ${join(store.dir, 'checkpoint.new', 'optimizer.bin')} (the checkpoint of epoch 3): the disk is full`), text);
    assert.match(text, /Kept: epochs 1-3 in metrics\.json and the checkpoint of epoch 2 in checkpoint\/; the partial checkpoint\.new\/ was removed\./);
    assert.ok(text.endsWith(`Free some space on that disk, then continue from epoch 3 with: npx tfexp resume ${store.dir}`), text);
    assert.doesNotMatch(text, /\.tmp/, 'never names a temporary');
    assertNoPartials(store.dir);
    assert.deepEqual(readdirSync(store.dir).sort(), ['checkpoint', 'experiment.yaml', 'metrics.json', 'run.json']);
    setFileSystem();
    const loaded = await loadInto(store);
    assert.equal(loaded.state.epoch, 2);
    assert.deepEqual(loaded.weights, saved, 'checkpoint/ still holds epoch 2, whole');
    // Once there is space again, the next checkpoint is saved as usual.
    await store.saveCheckpoint(model, stateOf(3));
    assert.equal((await loadInto(store)).state.epoch, 3);
    model.dispose();
  });

  it('ENOSPC while swapping checkpoint.new/ in: checkpoint/ is put back whole', async () => {
    const store = runDir(tempDir(), 2);
    const model = await trainedModel();
    await store.saveCheckpoint(model, stateOf(2));
    const saved = weightsOf(model);
    await step(model);
    let renames = 0;
    setFileSystem({
      renameSync: (from, to) => {
        if (from === join(store.dir, 'checkpoint.new') && to === join(store.dir, 'checkpoint')) {
          renames += 1;
          throw Object.assign(errnoError('ENOSPC', 'rename', from), { dest: to });
        }
        return renameSync(from, to);
      },
    });
    const error = await writeErrorOf(store.saveCheckpoint(model, stateOf(3)));
    assert.equal(renames, 1);
    assert.equal(error.file, join(store.dir, 'checkpoint'));
    assert.match(error.message, /the checkpoint of epoch 2 in checkpoint\/; the partial checkpoint\.new\/ was removed/);
    assertNoPartials(store.dir);
    assert.deepEqual(readdirSync(store.dir).sort(), ['checkpoint', 'experiment.yaml', 'metrics.json', 'run.json']);
    setFileSystem();
    assert.deepEqual((await loadInto(store)).weights, saved);
    model.dispose();
  });

  it('ENOSPC in writeMetrics: metrics.json keeps its epochs, no *.tmp is left', async () => {
    const store = runDir(tempDir(), 3);
    const model = await trainedModel();
    await store.saveCheckpoint(model, stateOf(3));
    model.dispose();
    const before = readFileSync(join(store.dir, 'metrics.json'), 'utf8');
    const writer = failingWriter('ENOSPC', (path) => path.includes('metrics.json'));
    const error = await writeErrorOf(() => store.writeMetrics(metricsOf(4)));
    assert.equal(writer.failures, 1);
    assert.equal(error.file, join(store.dir, 'metrics.json'));
    assert.equal(
      error.message,
      `cannot write ${join(store.dir, 'metrics.json')}: the disk is full (ENOSPC: no space left on device). ` +
        `Kept: epochs 1-3 in metrics.json and the checkpoint of epoch 3 in checkpoint/. ` +
        `Free some space on that disk, then continue from epoch 4 with: npx tfexp resume ${store.dir}`,
    );
    assert.equal(readFileSync(join(store.dir, 'metrics.json'), 'utf8'), before, 'metrics.json is untouched');
    assertNoPartials(store.dir);
  });

  it('saveModel: model.new/ is removed, model/ is never half-written, the message says what is left to do', async () => {
    const store = runDir(tempDir(), 5);
    const model = await trainedModel();
    await store.saveCheckpoint(model, stateOf(5));
    failingWriter('EDQUOT', (path) => path.includes('model.json'));
    const error = await writeErrorOf(store.saveModel(model));
    assert.equal(error.file, join(store.dir, 'model.new', 'model.json'));
    assert.match(error.message, /\(the trained model\): the disk is full for your user: its quota is used up \(EDQUOT: disk quota exceeded\)/);
    assert.match(error.message, /the partial model\.new\/ was removed\. Free some space \(or have your disk quota raised\), then finish it \(test evaluation and model\/\) with: npx tfexp resume /);
    assertNoPartials(store.dir);
    assert.deepEqual(readdirSync(store.dir).sort(), ['checkpoint', 'experiment.yaml', 'metrics.json', 'run.json'], 'no model/ at all');
    setFileSystem();
    await store.saveModel(model);
    assert.deepEqual(readdirSync(join(store.dir, 'model')).sort(), ['model.json', 'weights.bin']);
    model.dispose();
  });

  it('read-only and permission errors say so, with their own fix', async () => {
    const store = runDir(tempDir(), 1);
    failingWriter('EROFS', () => true);
    const readOnly = await writeErrorOf(() => store.writeRun({} as never));
    assert.equal(readOnly.kind, 'read-only');
    assert.match(readOnly.message, /: the file system is read-only \(EROFS\)\. Kept: epoch 1 in metrics\.json and no checkpoint yet\. Make that file system writable/);
    assert.match(readOnly.message, /then start it again from epoch 1 with: npx tfexp resume /);
    assert.doesNotMatch(readOnly.message, /disk is full/);
    failingWriter('EACCES', () => true);
    const denied = await writeErrorOf(() => store.writeReport('<html>'));
    assert.equal(denied.kind, 'permission');
    assert.match(denied.message, new RegExp(`^cannot write ${join(store.dir, 'report.html')}: permission denied \\(EACCES\\)\\. .* Give your user write access to ${store.dir} \\(e\\.g\\. chmod -R u\\+w ${store.dir}\\)`));
    assertNoPartials(store.dir);
  });

  it('before training starts (no run.json yet) it says to run again, not to resume', async () => {
    const dir = join(tempDir(), 'fresh');
    mkdirSync(dir);
    failingWriter('ENOSPC', () => true);
    const error = await writeErrorOf(() => new RunStore(dir).writeExperiment('name: t\n'));
    assert.match(error.message, /Kept: no readable metrics\.json and no checkpoint yet\. Free some space on that disk, then delete .* and run the experiment again/);
    assert.doesNotMatch(error.message, /tfexp resume/);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a failure that is not a write error passes through, and checkpoint.new/ is still removed', async () => {
    const store = runDir(tempDir(), 1);
    const model = await trainedModel();
    const bug = new TypeError('not a file-system problem');
    setFileSystem({
      writeFileSync: () => {
        throw bug;
      },
    });
    await assert.rejects(store.saveCheckpoint(model, stateOf(1)), (error) => error === bug);
    assertNoPartials(store.dir);
    assert.equal(store.writeFailure(bug), undefined);
    model.dispose();
  });

  it('writeFailure describes a write error from elsewhere in the run (plots/) with the run context', async () => {
    const store = runDir(tempDir(), 2);
    failingWriter('ENOSPC', () => true);
    let raw: unknown;
    try {
      writeFileAtomic(join(store.plotsDir, 'training.svg'), '<svg/>');
    } catch (error) {
      raw = error;
    }
    assert.ok(raw instanceof WriteError);
    assert.equal(raw.message, message.writeFailed(join(store.plotsDir, 'training.svg'), 'the disk is full (ENOSPC: no space left on device)'));
    const described = store.writeFailure(raw);
    assert.ok(described instanceof WriteError);
    assert.match(described.message, /training\.svg: the disk is full .* Kept: epochs 1-2 in metrics\.json and no checkpoint yet\. .*npx tfexp resume /);
    // A raw fs error (from code that writes without writeFileAtomic) names its path, not a temporary.
    const fromFs = store.writeFailure(errnoError('ENOSPC', 'write', join(store.dir, 'metrics.json.123-0123abcd.tmp')));
    assert.equal(fromFs?.file, join(store.dir, 'metrics.json'));
    assertNoPartials(store.dir);
  });
});

/** Writes 1 KiB chunks to `file` until the disk is full. */
function fillDisk(file: string): void {
  const chunk = Buffer.alloc(1024, 1);
  for (;;) {
    try {
      appendFileSync(file, chunk);
    } catch (error) {
      assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
      return;
    }
  }
}

describe('write errors on a real full disk (a 128 KiB tmpfs)', () => {
  let mountPoint = '';
  let skip: string | false = false;

  before(() => {
    mountPoint = mkdtempSync(join(tmpdir(), 'tfexp-tmpfs-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128k', 'tmpfs', mountPoint], { stdio: 'pipe' });
    } catch (error) {
      skip = `cannot mount a tmpfs here (needs root and a mount-capable container): ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    }
  });

  after(() => {
    if (!skip) execFileSync('umount', [mountPoint]);
    rmdirSync(mountPoint);
  });

  it('a checkpoint that does not fit: ENOSPC named, checkpoint.new/ removed, epoch 2 loads, saving works once space is freed', async (t) => {
    if (skip) return t.skip(skip);
    assert.equal(statSync(mountPoint).isDirectory(), true);
    const store = runDir(mountPoint, 3);
    const units = 32; // weights.bin 4.2 KB, optimizer state about twice that: a checkpoint takes several 4 KiB pages
    const model = await trainedModel(units);
    const reserve = join(mountPoint, 'reserve');
    writeFileSync(reserve, Buffer.alloc(3 * 4096, 1)); // room for part of the next checkpoint, not all of it
    await store.saveCheckpoint(model, stateOf(2));
    const saved = weightsOf(model);
    await step(model);
    const filler = join(mountPoint, 'filler');
    fillDisk(filler);
    rmSync(reserve);
    const error = await writeErrorOf(store.saveCheckpoint(model, stateOf(3)));
    assert.equal(error.code, 'ENOSPC');
    assert.ok(error.file.startsWith(join(store.dir, 'checkpoint.new') + '/'), error.file);
    assert.match(error.message, /\(the checkpoint of epoch 3\): the disk is full \(ENOSPC: no space left on device\)\. Kept: epochs 1-3 in metrics\.json and the checkpoint of epoch 2 in checkpoint\/; the partial checkpoint\.new\/ was removed\./);
    assert.match(error.message, new RegExp(`continue from epoch 3 with: npx tfexp resume ${store.dir}$`));
    assertNoPartials(mountPoint);
    const loaded = await loadInto(store, units);
    assert.equal(loaded.state.epoch, 2);
    assert.deepEqual(loaded.weights, saved);
    // The disk is still full: metrics.json cannot be rewritten either, and keeps its epochs.
    fillDisk(filler);
    const before = readFileSync(join(store.dir, 'metrics.json'), 'utf8');
    const metricsError = await writeErrorOf(() => store.writeMetrics(metricsOf(4)));
    assert.equal(metricsError.file, join(store.dir, 'metrics.json'));
    assert.match(metricsError.message, /the disk is full/);
    assert.equal(readFileSync(join(store.dir, 'metrics.json'), 'utf8'), before);
    assertNoPartials(mountPoint);
    // Space freed: the same checkpoint and metrics are written.
    rmSync(filler);
    store.writeMetrics(metricsOf(4));
    await store.saveCheckpoint(model, stateOf(3));
    assert.equal((await loadInto(store, units)).state.epoch, 3);
    model.dispose();
  });
});
