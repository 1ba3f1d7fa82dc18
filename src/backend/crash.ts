/**
 * Backend crashes told in one line.
 *
 * When the wasm backend's heap cannot grow (it is at most 4 GiB), `malloc` returns 0 and
 * tfjs-backend-wasm writes the tensor at address 0; the next kernel then traps with a
 * WebAssembly RuntimeError (`memory access out of bounds`, `table index is out of bounds`,
 * `unreachable`), on the main thread or in one of its worker threads. A worker's error
 * reaches the main thread as an uncaught exception, which the Emscripten module
 * rethrows from its own `uncaughtException` listener: Node then prints the 54 KB line
 * of minified JavaScript it was thrown from and exits with code 7. Growing memory can
 * also fail outright (RangeError `WebAssembly.Memory.grow(): Maximum memory size
 * exceeded`, `Out of memory`, `Array buffer allocation failed`).
 *
 * Worse, the write at address 0 can hang a worker thread instead: the baseline at batch
 * size 1900 hung for 15 minutes, and a 1.6 GB Relu output past the 4 GiB hung inside Relu.
 *
 * `guardWasmAllocations` makes the module's `malloc` throw a RangeError instead of
 * returning 0, before any kernel writes: the step fails cleanly, the backend stays usable.
 * `explainBackendCrash` recognises that error and the traps above and says what
 * happened, where, and what to change (from the memory estimate, src/model/memory.ts);
 * `trackTrainingPosition` records where training is; `guardBackendCrashes` turns a
 * worker's crash into the same line instead of the minified source.
 */
import type { OptimizerConfig } from '../config/index.js';
import * as message from '../log/message.js';
import { WASM_HEAP_MAX_BYTES, WASM_MEMORY_LIMIT } from '../model/checks/memory.js';
import { estimateTrainingMemory, largestBatchWithin } from '../model/memory.js';
import type { ModelPlan } from '../model/plan.js';
import { readableBytes } from '../model/summary.js';

/** Where training was: epoch and batch, both from 1. */
export interface TrainingPosition {
  readonly epoch: number;
  readonly batch: number;
}

/** What the crash line needs to give the estimate and a batch size that fits. */
export interface CrashContext {
  readonly plan: ModelPlan;
  /** Samples per step (the batch size, or the training set's size when smaller). */
  readonly batchSize: number;
  readonly optimizer: OptimizerConfig;
  /** The backend's memory; default: the wasm limit for `wasm`, none for the others. */
  readonly limitBytes?: number;
}

/** WebAssembly traps that follow a failed allocation (V8's wording). */
const WASM_TRAPS = [
  'memory access out of bounds',
  'table index is out of bounds',
  'unreachable',
  'null function or function signature mismatch',
  'indirect call to null',
  'operation does not support unaligned accesses',
  'Aborted(', // Emscripten's abort(): the module stops for good
];

/** Failed allocations: V8's WebAssembly.Memory.grow and ArrayBuffer errors, Emscripten's abort, TensorFlow's OOM. */
const OUT_OF_MEMORY = [
  /WebAssembly\.Memory(\.grow)?\(\): /,
  /Maximum memory size exceeded/i,
  /\bOut of memory\b/i,
  /Array buffer allocation failed/i,
  /^Aborted\(OOM\)/,
  /Cannot enlarge memory/i,
  /OOM when allocating tensor/,
];

/** The error's name and message, from an Error, a worker's serialised error, or a thrown string. */
function nameAndMessage(error: unknown): { name: string; text: string } | null {
  if (typeof error === 'string') return { name: '', text: error };
  if (typeof error !== 'object' || error === null) return null;
  const { name, message: text } = error as { name?: unknown; message?: unknown };
  if (typeof text !== 'string') return null;
  return { name: typeof name === 'string' ? name : '', text };
}

/**
 * What kind of crash `error` is: a WebAssembly trap, a failed allocation, or neither.
 * Recognised by name and message, not `instanceof`: a worker's error arrives serialised.
 */
export function backendCrashKind(error: unknown): { kind: 'trap' | 'out-of-memory'; detail: string } | null {
  if (error instanceof WasmOutOfMemory) return { kind: 'out-of-memory', detail: error.detail };
  const e = nameAndMessage(error);
  if (e === null) return null;
  const first = e.text.split('\n')[0]!.trim();
  const detail = first.length > 120 ? `${first.slice(0, 117)}...` : first;
  const trap = e.name === 'RuntimeError' || (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError);
  if (trap && WASM_TRAPS.some((t) => first.startsWith(t))) return { kind: 'trap', detail };
  if ((trap || e.name === 'RangeError' || e.name === 'Error' || e.name === '') && OUT_OF_MEMORY.some((re) => re.test(first))) {
    return { kind: 'out-of-memory', detail };
  }
  return null;
}

/**
 * One line for a backend crash, or null when `error` is not one.
 * @param where the epoch and batch it happened in (trackTrainingPosition), or null when not training.
 * @param backend the backend's name (`wasm`, `cpu`, `tensorflow`, `webgpu`).
 * @param context the model, step size and optimizer, to add the estimate and a batch size that fits.
 */
export function explainBackendCrash(error: unknown, where: TrainingPosition | null, backend: string, context?: CrashContext): string | null {
  const crash = backendCrashKind(error);
  if (crash === null) return null;
  let estimate: { total: string; limit: string | null; over: boolean; fits: number } | undefined;
  if (context !== undefined) {
    const limit = context.limitBytes ?? (backend === 'wasm' ? WASM_MEMORY_LIMIT.bytes : undefined);
    const e = estimateTrainingMemory(context.plan, context.batchSize, context.optimizer);
    const over = limit !== undefined && e.total > limit;
    estimate = {
      total: readableBytes(e.total),
      limit: limit === undefined ? null : readableBytes(limit),
      over,
      fits: limit === undefined ? Math.max(1, Math.floor(context.batchSize / 2)) : largestBatchWithin(context.plan, context.optimizer, limit, context.batchSize),
    };
  }
  return message.backendOutOfMemory({
    backend,
    detail: crash.detail,
    where,
    ...(context !== undefined ? { batchSize: context.batchSize } : {}),
    ...(estimate !== undefined ? { estimate } : {}),
  });
}

let position: TrainingPosition | null = null;

/**
 * Records where training is (the loop: before each batch), or null outside training.
 * The position stays after an error, so the code that catches it can say where it happened.
 */
export function trackTrainingPosition(where: TrainingPosition | null): void {
  position = where;
}

/** The last position trackTrainingPosition recorded. */
export function trainingPosition(): TrainingPosition | null {
  return position;
}

/**
 * Until the returned function is called, an uncaught exception that is a backend crash
 * (a wasm worker's trap) ends the process with exit code 1 after `onCrash` has recorded
 * it and its line is written to stderr, before the Emscripten module's own listener can
 * rethrow it (which prints its minified source and exits with code 7). Other uncaught
 * exceptions are left to the listeners after this one.
 * @param onCrash records the failure (e.g. run.json) and returns the line to print.
 */
export function guardBackendCrashes(
  onCrash: (error: unknown) => string,
  io: { write: (text: string) => void; exit: (code: number) => void; process: Pick<NodeJS.Process, 'prependListener' | 'removeListener'> } = {
    write: (text) => void process.stderr.write(text),
    exit: (code) => process.exit(code),
    process,
  },
): () => void {
  const listener = (error: unknown) => {
    if (backendCrashKind(error) === null) return;
    let line: string;
    try {
      line = onCrash(error);
    } catch {
      line = `the backend crashed: ${backendCrashKind(error)!.detail}`;
    }
    io.write(`${line}\n`);
    io.exit(1);
  };
  io.process.prependListener('uncaughtException', listener);
  return () => void io.process.removeListener('uncaughtException', listener);
}

/** The part of the Emscripten module of tfjs-backend-wasm that allocates tensors (BackendWasm.write calls `_malloc`). */
export interface WasmAllocator {
  _malloc(bytes: number): number;
  _free(pointer: number): void;
  wasmMemory?: WebAssembly.Memory;
}

/** The error `_malloc` throws once guarded: recognised by explainBackendCrash as running out of memory. */
export class WasmOutOfMemory extends RangeError {
  constructor(
    readonly bytes: number,
    readonly heapBytes: number | null,
  ) {
    const heap = heapBytes === null ? '' : `, with ${readableBytes(heapBytes)} of its ${readableBytes(WASM_HEAP_MAX_BYTES)} heap in use`;
    const detail = `cannot allocate ${readableBytes(bytes)}${heap}`;
    super(`WebAssembly heap out of memory: ${detail}`);
    this.name = 'RangeError';
    this.detail = detail;
  }

  /** What could not be allocated, for the crash line. */
  readonly detail: string;
}

const GUARDED = Symbol('tfexp.guardedMalloc');

/**
 * Makes `module._malloc` throw WasmOutOfMemory where it would return 0 (the heap cannot
 * grow) or wrap around (a request of 4 GiB or more, which a 32-bit size cannot hold),
 * so no kernel writes at address 0. Call once the module is instantiated (twice is harmless).
 */
export function guardWasmAllocations(module: WasmAllocator, maxBytes: number = WASM_HEAP_MAX_BYTES): void {
  if ((module as unknown as Record<symbol, boolean>)[GUARDED]) return;
  // Emscripten's `_malloc` is a stub that replaces itself with the real export on first call: resolve it first.
  module._free(module._malloc(8));
  const malloc = module._malloc.bind(module);
  const heap = () => module.wasmMemory?.buffer.byteLength ?? null;
  module._malloc = (bytes: number) => {
    if (bytes >= maxBytes) throw new WasmOutOfMemory(bytes, heap());
    const pointer = malloc(bytes);
    if (pointer === 0 && bytes > 0) throw new WasmOutOfMemory(bytes, heap());
    return pointer;
  };
  (module as unknown as Record<symbol, boolean>)[GUARDED] = true;
}
