/** Backend selection: order, recorded reasons, explicit requests, environment, thread counts. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { physicalCores } from '../../src/backend/cores.js';
import { loadNative } from '../../src/backend/native.js';
import { resolveRequest, selectBackend } from '../../src/backend/select.js';
import { BackendError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';

/** An importer under which no native package is installed. */
const noNative = (specifier: string) => {
  const error = Object.assign(new Error(`Cannot find package '${specifier}' imported from x`), { code: 'ERR_MODULE_NOT_FOUND' });
  return Promise.reject(error);
};

/** An importer whose native packages are installed but whose binding fails, as without libtensorflow. */
const brokenBinding = () =>
  Promise.reject(new Error('The specified module could not be found.\n/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'));

describe('loadNative', () => {
  it('tells a missing package from a broken binding', async () => {
    assert.deepEqual(await loadNative('@tensorflow/tfjs-node', noNative), { ok: false, installed: false, reason: 'not installed' });
    assert.deepEqual(await loadNative('@tensorflow/tfjs-node', brokenBinding), {
      ok: false,
      installed: true,
      reason: 'installed, but its native binding failed to load: The specified module could not be found.',
    });
  });

  it('reports the real state of this machine (no native package installs here without internet)', async () => {
    const result = await loadNative('@tensorflow/tfjs-node-gpu');
    if (result.ok) return; // a machine where it installed
    assert.match(result.reason, /not installed|native binding failed/);
  });
});

describe('selectBackend', () => {
  it('auto skips the native backends with their reasons and picks multi-threaded wasm, never cpu', async () => {
    const choice = await selectBackend({ request: 'auto', threads: 2, importer: brokenBinding });
    assert.equal(choice.name, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(choice.reason, 'fastest available');
    assert.deepEqual(choice.skipped.map((s) => s.backend), ['tensorflow (@tensorflow/tfjs-node-gpu)', 'tensorflow (@tensorflow/tfjs-node)', 'webgpu']);
    assert.ok(choice.skipped.slice(0, 2).every((s) => s.reason.startsWith('installed, but its native binding failed to load')));
    assert.match(choice.skipped[2]!.reason, /^installed, but dawn\.node failed to load: The specified module could not be found\.$/);
    assert.equal(choice.threads, 2);
  });

  it('an explicit request for an absent native backend is an error that says how to install it', async () => {
    await assert.rejects(selectBackend({ request: 'tensorflow', importer: noNative }), (error: unknown) => {
      assert.ok(error instanceof BackendError);
      assert.equal(error.exitCode, 2);
      assert.match(error.message, /backend "tensorflow" cannot be used here: tensorflow \(@tensorflow\/tfjs-node-gpu\): not installed/);
      assert.ok(error.message.includes(message.INSTALL_NODE_GPU));
      return true;
    });
  });

  it('cpu when asked, without the last-resort warning', async () => {
    const choice = await selectBackend({ request: 'cpu' });
    assert.equal(choice.name, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.deepEqual(choice.warnings, []);
  });
});

describe('resolveRequest', () => {
  it('takes options first, then TFEXP_BACKEND / TFEXP_THREADS, then auto and the physical core count', () => {
    assert.deepEqual(resolveRequest({ request: 'cpu', threads: 3 }, { TFEXP_BACKEND: 'wasm', TFEXP_THREADS: '1' }), { request: 'cpu', threads: 3 });
    assert.deepEqual(resolveRequest({}, { TFEXP_BACKEND: 'wasm', TFEXP_THREADS: '1' }), { request: 'wasm', threads: 1 });
    assert.deepEqual(resolveRequest({}, {}), { request: 'auto', threads: physicalCores() });
  });

  it('rejects unknown backends and bad thread counts', () => {
    assert.throws(() => resolveRequest({}, { TFEXP_BACKEND: 'vulkan' }), /backend "vulkan" cannot be used here: unknown backend\. Use one of: auto, tensorflow, webgpu, wasm, cpu\./);
    assert.throws(() => resolveRequest({ threads: 0 }, {}), (e: unknown) => e instanceof BackendError && e.message === message.badThreads(0, false));
  });
});

describe('physicalCores', () => {
  it('counts each hyper-threaded core once', () => {
    const block = (core: number) => `processor\t: x\nphysical id\t: 0\ncore id\t\t: ${core}\n`;
    assert.equal(physicalCores([block(0), block(1), block(0), block(1)].join('\n')), 2);
    // No cap of its own: 16 cores (32 hyper-threads) give 16; a CPU affinity of 4 gives 4.
    const sixteen = Array.from({ length: 32 }, (_, i) => block(i % 16)).join('\n');
    assert.equal(physicalCores(sixteen, 32), 16);
    assert.equal(physicalCores(sixteen, 4), 4);
  });

  it('falls back to the logical count when /proc/cpuinfo has no core ids', () => {
    assert.ok(physicalCores('processor\t: 0\nmodel name\t: VM\n') >= 1);
  });
});
