/**
 * Backend crashes told in one line (src/backend/crash.ts), with constructed errors
 * shaped like the real ones: V8's WebAssembly traps (on the main thread, or serialised
 * from a worker: a plain Error named RuntimeError), failed memory growth, and the
 * RangeError a guarded `_malloc` throws.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  backendCrashKind, explainBackendCrash, guardBackendCrashes, guardWasmAllocations, trackTrainingPosition, trainingPosition, WasmOutOfMemory,
  type WasmAllocator,
} from '../../src/backend/crash.js';
import { selectBackend } from '../../src/backend/select.js';
import { loadExperiment } from '../../src/config/index.js';
import { WASM_HEAP_MAX_BYTES } from '../../src/model/checks/memory.js';
import { largestBatchWithin } from '../../src/model/memory.js';
import { planModel } from '../../src/model/plan.js';
import { BASELINE } from '../helpers.js';

const where = { epoch: 1, batch: 3 };

/** An error as a worker thread's trap reaches the main thread: serialised, named RuntimeError, not instanceof it. */
function fromWorker(text: string): Error {
  return Object.assign(new Error(text), { name: 'RuntimeError' });
}

/** The first line of Emscripten's minified module, as Node prints it for an uncaught exception. */
const MINIFIED = `function GROWABLE_HEAP_I8(){if(wasmMemory.buffer!=buffer){updateGlobalBufferAndViews(wasmMemory.buffer)}return HEAP8}${'x'.repeat(54_000)}`;

describe('explainBackendCrash', () => {
  it('tells a wasm trap in one line: where, the batch size, and no stack', () => {
    const line = explainBackendCrash(new WebAssembly.RuntimeError('memory access out of bounds'), where, 'wasm');
    assert.equal(
      line,
      'the WebAssembly backend ran out of memory (memory access out of bounds) at epoch 1, batch 3; use a smaller train.batch_size (--set train.batch_size=N) or a smaller model',
    );
  });

  it('recognises every trap a failed allocation leads to, from the main thread or a worker', () => {
    for (const text of ['memory access out of bounds', 'table index is out of bounds', 'unreachable', 'Aborted(OOM). Build with -sASSERTIONS for more info.']) {
      for (const error of [new WebAssembly.RuntimeError(text), fromWorker(text)]) {
        const line = explainBackendCrash(error, where, 'wasm');
        assert.ok(line?.startsWith('the WebAssembly backend ran out of memory ('), `${text}: ${line}`);
        assert.ok(!line!.includes('\n'));
      }
    }
  });

  it('recognises failed memory growth and allocation, on any backend', () => {
    assert.match(explainBackendCrash(new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded'), null, 'wasm') ?? '', /^the WebAssembly backend ran out of memory \(WebAssembly\.Memory\.grow\(\): Maximum memory size exceeded\); /);
    assert.match(explainBackendCrash(new RangeError('WebAssembly.Memory.grow(): Out of memory'), where, 'wasm') ?? '', /ran out of memory/);
    assert.match(explainBackendCrash(new RangeError('Array buffer allocation failed'), where, 'cpu') ?? '', /^the cpu backend ran out of memory \(Array buffer allocation failed\) at epoch 1, batch 3/);
    assert.match(explainBackendCrash(new Error('OOM when allocating tensor with shape[64,512,512]'), where, 'tensorflow') ?? '', /^the tensorflow backend ran out of memory/);
  });

  it('returns null for other errors', () => {
    const others: unknown[] = [
      new TypeError("Cannot read properties of undefined (reading 'shape')"),
      new RangeError('Invalid array length'),
      new Error('Error when checking input: expected conv2d_input to have 4 dimension(s)'),
      new WebAssembly.RuntimeError('divide by zero'),
      fromWorker('integer overflow'),
      'boom',
      undefined,
      null,
      42,
      { message: 'memory access out of bounds' }, // not named RuntimeError: not a trap
    ];
    for (const error of others) assert.equal(explainBackendCrash(error, where, 'wasm'), null, String(error));
  });

  it('never repeats a minified source or a stack', () => {
    const error = fromWorker(`memory access out of bounds\n${MINIFIED}\n    at wasm://wasm/001a96ee:wasm-function[647]:0x63225`);
    const line = explainBackendCrash(error, where, 'wasm')!;
    assert.ok(line.length < 300, line);
    assert.ok(!line.includes('GROWABLE_HEAP') && !line.includes('wasm-function'));
    const long = explainBackendCrash(new RangeError(`Out of memory: ${MINIFIED}`), where, 'wasm')!;
    assert.ok(long.length < 400, long);
  });

  it('with the model: the estimate, the limit, and the batch size that fits', () => {
    const loaded = loadExperiment(BASELINE);
    const plan = planModel(loaded);
    const optimizer = loaded.experiment.train.optimizer;
    const fits = largestBatchWithin(plan, optimizer, Math.floor(WASM_HEAP_MAX_BYTES * 0.8));
    const over = explainBackendCrash(fromWorker('table index is out of bounds'), where, 'wasm', { plan, batchSize: 60000, optimizer });
    assert.equal(
      over,
      `the WebAssembly backend ran out of memory (table index is out of bounds) at epoch 1, batch 3 (batch size 60000); the estimate for this model is 70.03 GB of at most 3.20 GB: use --set train.batch_size=${fits} or a smaller model`,
    );
    // Within the limit: the estimate says so; halve the batch, and report it if that crashes too.
    const within = explainBackendCrash(new WebAssembly.RuntimeError('unreachable'), where, 'wasm', { plan, batchSize: 64, optimizer });
    assert.match(within ?? '', /\(batch size 64\); the estimate for this model is 100\.98 MB, within the 3\.20 GB it can hold: use --set train\.batch_size=32 or a smaller model, and report it if a smaller batch crashes too$/);
    // A backend without a known limit: the estimate only.
    const cpu = explainBackendCrash(new RangeError('Array buffer allocation failed'), where, 'cpu', { plan, batchSize: 64, optimizer });
    assert.match(cpu ?? '', /the estimate for this model is 100\.98 MB: use --set train\.batch_size=32 or a smaller model/);
  });
});

describe('trackTrainingPosition', () => {
  it('keeps the last position until cleared', () => {
    trackTrainingPosition({ epoch: 2, batch: 7 });
    assert.deepEqual(trainingPosition(), { epoch: 2, batch: 7 });
    trackTrainingPosition(null);
    assert.equal(trainingPosition(), null);
  });
});

describe('guardWasmAllocations', () => {
  /** A stand-in for the Emscripten module: `_malloc` is a stub that replaces itself on first call, as Emscripten's does. */
  function fakeModule(heapBytes: number, result: (bytes: number) => number): WasmAllocator & { calls: number[] } {
    const calls: number[] = [];
    const real = (bytes: number) => {
      calls.push(bytes);
      return result(bytes);
    };
    const module = {
      calls,
      wasmMemory: { buffer: { byteLength: heapBytes } } as unknown as WebAssembly.Memory,
      _free: () => {},
      _malloc(bytes: number): number {
        module._malloc = real;
        return real(bytes);
      },
    };
    return module;
  }

  it('throws instead of returning 0, before any kernel writes at address 0', () => {
    const module = fakeModule(3.5 * 2 ** 30, (bytes) => (bytes > 2 ** 30 ? 0 : 1024));
    guardWasmAllocations(module);
    assert.equal(module._malloc(100), 1024);
    assert.throws(() => module._malloc(1.5 * 2 ** 30), (error: unknown) => {
      assert.ok(error instanceof WasmOutOfMemory && error instanceof RangeError);
      assert.equal(error.message, 'WebAssembly heap out of memory: cannot allocate 1.50 GB, with 3.50 GB of its 4.00 GB heap in use');
      assert.deepEqual(backendCrashKind(error), { kind: 'out-of-memory', detail: 'cannot allocate 1.50 GB, with 3.50 GB of its 4.00 GB heap in use' });
      assert.equal(
        explainBackendCrash(error, where, 'wasm'),
        'the WebAssembly backend ran out of memory (cannot allocate 1.50 GB, with 3.50 GB of its 4.00 GB heap in use) at epoch 1, batch 3; use a smaller train.batch_size (--set train.batch_size=N) or a smaller model',
      );
      return true;
    });
  });

  it('refuses a request of 4 GiB or more before calling malloc (a 32-bit size would wrap around)', () => {
    const module = fakeModule(2 ** 24, () => 1024);
    guardWasmAllocations(module);
    const before = module.calls.length;
    assert.throws(() => module._malloc(6e9), WasmOutOfMemory);
    assert.equal(module.calls.length, before);
    guardWasmAllocations(module); // idempotent
    assert.throws(() => module._malloc(6e9), WasmOutOfMemory);
  });

  it('on the real wasm backend: a tensor too big fails cleanly and the backend keeps working', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    guardWasmAllocations((tf.backend() as unknown as { wasm: WasmAllocator }).wasm);
    const tensors = tf.memory().numTensors;
    // Tile makes its 4.8 GB output on the heap (tf.zeros would fill a JavaScript array first).
    assert.throws(() => tf.tidy(() => tf.tile(tf.ones([1]), [1_200_000_000])), WasmOutOfMemory);
    assert.equal(tf.memory().numTensors, tensors);
    const sum = tf.tidy(() => tf.ones([1000, 1000]).sum());
    assert.equal((await sum.data())[0], 1e6);
    sum.dispose();
    await tf.setBackend('cpu');
  });
});

describe('guardBackendCrashes', () => {
  function fakeProcess() {
    const emitter = new EventEmitter();
    const written: string[] = [];
    const exits: number[] = [];
    return { emitter, written, exits, io: { write: (t: string) => void written.push(t), exit: (c: number) => void exits.push(c), process: emitter as unknown as NodeJS.Process } };
  }

  it('a worker trap becomes one line and exit 1, before the Emscripten listener rethrows it', () => {
    const { emitter, written, exits, io } = fakeProcess();
    const order: string[] = [];
    emitter.on('uncaughtException', () => order.push('emscripten'));
    const recorded: unknown[] = [];
    const dispose = guardBackendCrashes((error) => {
      recorded.push(error);
      return explainBackendCrash(error, where, 'wasm')!;
    }, io);
    const trap = fromWorker('memory access out of bounds');
    emitter.listeners('uncaughtException')[0]!(trap);
    assert.deepEqual(recorded, [trap]);
    assert.deepEqual(written, ['the WebAssembly backend ran out of memory (memory access out of bounds) at epoch 1, batch 3; use a smaller train.batch_size (--set train.batch_size=N) or a smaller model\n']);
    assert.deepEqual(exits, [1]);
    assert.deepEqual(order, []); // the guard runs first (the real exit stops the others)
    dispose();
    assert.equal(emitter.listenerCount('uncaughtException'), 1);
  });

  it('leaves other uncaught exceptions alone', () => {
    const { emitter, written, exits, io } = fakeProcess();
    guardBackendCrashes(() => 'never', io);
    emitter.listeners('uncaughtException')[0]!(new TypeError('x is not a function'));
    assert.deepEqual(written, []);
    assert.deepEqual(exits, []);
  });

  it('still prints a line when recording the failure throws', () => {
    const { emitter, written, exits, io } = fakeProcess();
    guardBackendCrashes(() => {
      throw new Error('disk full');
    }, io);
    emitter.listeners('uncaughtException')[0]!(fromWorker('unreachable'));
    assert.deepEqual(written, ['the backend crashed: unreachable\n']);
    assert.deepEqual(exits, [1]);
  });
});
