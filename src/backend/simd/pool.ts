/**
 * tfexp's own SIMD kernels (C in this folder, built to WebAssembly by build.sh),
 * run on the tfjs-backend-wasm heap by a small pool of threads.
 *
 * The kernel module imports the backend's WebAssembly.Memory, so kernels read and
 * write tensors in place (a tensor's address is its heap view's byteOffset): no
 * copies. With the threaded tfjs build the memory is shared and `threads - 1`
 * worker threads each hold an instance of the module on it; a job is split into
 * parts, the calling thread runs part 0, the workers the rest, and the call
 * returns when all are done (a spin of up to SPIN_MS, then Atomics.wait; tfjs kernels
 * are synchronous). Between jobs a worker spins as long, then sleeps. With the
 * single-threaded tfjs build the memory is not shared and every job runs on the
 * calling thread.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { BackendError, InternalError } from '../../errors.js';
import { reportSimdThreads } from '../../model/filter-scratch.js';
import * as message from '../../log/message.js';

/** Exported functions of kernels.wasm; each takes only int32 arguments. */
export const KERNEL_NAMES = ['conv2d_backprop_filter', 'conv2d_packed', 'conv2d_shared', 'conv2d_split', 'pack_filter', 'pack_flipped_filter', 'sum_leading_axes', 'relu_bias_grad', 'add_partials', 'max_pool_grad', 'rmsprop_update'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** Most int32 arguments one kernel call takes. */
const ARG_WIDTH = 32;

/**
 * How long the workers may take to load the module, and one job at most, in ms of
 * running time (a pause of the process, e.g. Ctrl-Z, does not count): beyond,
 * something is broken.
 */
const START_TIMEOUT_MS = 30_000;
const JOB_TIMEOUT_MS = 300_000;

/**
 * How long (ms) a worker spins for the next job, and the calling thread for the workers,
 * before sleeping in Atomics.wait. A training step's jobs come microseconds to a fraction of
 * a millisecond apart, and waking a sleeping thread took 0.1-0.2 ms (median; up to 0.9 ms) on
 * the 2-core VM of the README's figures, for about 60 jobs a step. Spinning up to 1 ms made
 * the baseline's step 2-7% faster there (alternating runs, spinning or not). Like XNNPACK's
 * pthreadpool, which spins before its futex wait. A spinning thread holds its core, so a pool
 * with more threads than the process may run at once does not spin (spinMs).
 */
export const SPIN_MS = 1;

/** SPIN_MS for a pool of `threads` threads, or 0 when they outnumber the cores this process may use. */
export function spinMs(threads: number, cores: number = availableParallelism()): number {
  return threads <= cores ? SPIN_MS : 0;
}

/** Atomics.pause (a CPU hint for spin loops: V8 13.3 and later, so Node 24) where there is one. */
const pause: () => void = (Atomics as { pause?: () => void }).pause?.bind(Atomics) ?? (() => {});

/**
 * A worker did not finish its part in time. Its output memory must not be freed
 * (the worker may still write to it), so callers let it leak.
 */
export class SimdTimeout extends InternalError {}

type Kernel = (...args: number[]) => number | undefined;

/**
 * Which build of the kernels runs (build.sh): 'relaxed' uses WebAssembly relaxed SIMD's
 * f32x4.relaxed_madd (a fused multiply-add: one rounding, results differ from 'plain' in the
 * last bits); 'plain' multiplies then adds, equal to tfjs-backend-wasm's XNNPACK to the bit.
 */
export type KernelVariant = 'plain' | 'relaxed';

/**
 * The smallest module using relaxed SIMD: one function returning
 * f32x4.relaxed_madd(v128.const 0, v128.const 0, v128.const 0) (opcode 0xfd 0x105, the
 * proposal's final encoding). Engines without relaxed SIMD (V8 before 11.4: Node 20) refuse it.
 */
const RELAXED_PROBE = Uint8Array.from([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version 1
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type section: () -> v128
  0x03, 0x02, 0x01, 0x00, // function section: one function of type 0
  0x0a, 0x3d, 0x01, 0x3b, 0x00, // code section: one body of 59 bytes, no locals
  ...[0, 1, 2].flatMap(() => [0xfd, 0x0c, ...new Array<number>(16).fill(0)]), // v128.const 0 (three times)
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

/** True when this engine compiles WebAssembly relaxed SIMD (V8 in Node 22 and later, by default). */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(RELAXED_PROBE);
}

/**
 * The kernel build to run: `TFEXP_SIMD=plain` or `TFEXP_SIMD=relaxed` when set (for comparisons
 * and tests), else 'relaxed' where the engine supports it, else 'plain'.
 * @throws BackendError for another TFEXP_SIMD value, or 'relaxed' on an engine without it.
 */
export function kernelVariant(): KernelVariant {
  const asked = process.env.TFEXP_SIMD;
  if (asked === undefined || asked === '') return relaxedSimdSupported() ? 'relaxed' : 'plain';
  if (asked !== 'plain' && asked !== 'relaxed') throw new BackendError(message.simdVariantUnknown(asked));
  if (asked === 'relaxed' && !relaxedSimdSupported()) throw new BackendError(message.simdRelaxedUnsupported(process.version));
  return asked;
}

/** @throws BackendError for 'relaxed' on an engine without relaxed SIMD. */
function kernelModule(shared: boolean, variant: KernelVariant): WebAssembly.Module {
  if (variant === 'relaxed' && !relaxedSimdSupported()) throw new BackendError(message.simdRelaxedUnsupported(process.version));
  const file = `kernels${variant === 'relaxed' ? '-relaxed' : ''}${shared ? '' : '-unshared'}.wasm`;
  return new WebAssembly.Module(readFileSync(new URL(file, import.meta.url)));
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

export class SimdPool {
  /** Threads a job can be split over (the calling thread included). */
  readonly threads: number;
  /** How long a thread spins before it sleeps (spinMs(threads)). */
  private readonly spinMs: number;
  private readonly kernels: Record<KernelName, Kernel>;
  private readonly workers: Worker[] = [];
  /** [0] job counter, [1] workers done, [2] kernel index, [3] argument count, [4] a worker failed, [5] parts. */
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly args: Int32Array;
  private closed = false;

  /** Whether run() may still be called (false after close(), a timeout, or a worker's exit). */
  get usable(): boolean {
    return !this.closed;
  }

  /**
   * A pool whose workers have all loaded the kernel module.
   * @param memory the tfjs-backend-wasm heap.
   * @param threads threads per job, >= 1 (1 when the memory is not shared: no workers).
   * @throws Error if the module cannot use this memory, or a worker fails to start
   *   within 30 s (the started ones are stopped).
   */
  static async start(memory: WebAssembly.Memory, threads: number, variant: KernelVariant = kernelVariant()): Promise<SimdPool> {
    const pool = new SimdPool(memory, isShared(memory) ? threads : 1, variant);
    try {
      await Promise.all(pool.workers.map((worker) => ready(worker)));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** A pool that runs every job on the calling thread (no workers, nothing to wait for). */
  static single(memory: WebAssembly.Memory, variant: KernelVariant = kernelVariant()): SimdPool {
    return new SimdPool(memory, 1, variant);
  }

  private constructor(
    readonly memory: WebAssembly.Memory,
    threads: number,
    /** The kernel build this pool runs. */
    readonly variant: KernelVariant,
  ) {
    this.threads = Math.max(1, Math.floor(threads));
    this.spinMs = spinMs(this.threads);
    const module = kernelModule(isShared(memory), variant);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.kernels = Object.fromEntries(KERNEL_NAMES.map((name) => [name, instance.exports[name] as Kernel])) as Record<KernelName, Kernel>;
    this.args = new Int32Array(new SharedArrayBuffer(this.threads * ARG_WIDTH * 4));
    try {
      for (let index = 1; index < this.threads; index++) {
        const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
          workerData: { module, memory, control: this.control.buffer, args: this.args.buffer, index, width: ARG_WIDTH, names: KERNEL_NAMES, spinMs: this.spinMs },
        });
        worker.unref();
        // Seen between jobs (the main thread is not blocked then): the pool is not used again.
        worker.on('exit', () => this.close()).on('error', () => this.close());
        this.workers.push(worker);
      }
    } catch (error) {
      this.close();
      throw error;
    }
  }

  /**
   * Calls `kernel` once on the calling thread with `args` (int32) and returns its int32
   * result: for kernels that only compute a number, such as conv2d_split.
   * @throws InternalError if the pool is closed or the kernel returns nothing.
   */
  call(kernel: KernelName, args: readonly number[]): number {
    if (this.closed) throw new InternalError('SIMD kernel pool used after close()');
    const result = this.kernels[kernel](...args);
    if (typeof result !== 'number') throw new InternalError(`SIMD kernel ${kernel} returned no number`);
    return result;
  }

  /**
   * Runs `kernel` once per entry of `parts` (its int32 arguments, at most 32), in
   * parallel, and returns when every part is done. parts.length must be <= threads;
   * parts must write disjoint memory, or share it through atomics (conv2d_shared: every
   * part the same, the threads taking tiles through a counter). A part's trap is reported
   * by the thread that ran it, so with shared work which error a bad input gives varies.
   * @throws Error (a WebAssembly trap) if the calling thread's part failed;
   *   InternalError if a worker's part failed, a worker stopped answering, the pool
   *   is closed, or the parts do not fit.
   */
  run(kernel: KernelName, parts: readonly (readonly number[])[]): void {
    if (this.closed) throw new InternalError('SIMD kernel pool used after close()');
    if (parts.length === 0) return; // nothing to compute (e.g. an empty batch)
    if (parts.length > this.threads || parts.some((part) => part.length > ARG_WIDTH)) {
      throw new InternalError(`SIMD kernel ${kernel}: ${parts.length} parts for ${this.threads} threads, or more than ${ARG_WIDTH} arguments`);
    }
    const ctl = this.control;
    const others = parts.length - 1;
    if (others > 0) {
      for (let i = 1; i < parts.length; i++) this.args.set(parts[i]!, i * ARG_WIDTH);
      ctl[1] = 0;
      ctl[2] = KERNEL_NAMES.indexOf(kernel);
      ctl[3] = parts[0]!.length;
      ctl[4] = 0;
      ctl[5] = parts.length;
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
    }
    try {
      this.kernels[kernel](...parts[0]!);
    } finally {
      // Even if part 0 trapped: the workers must be done before memory is reused.
      if (others > 0) this.waitForWorkers(kernel);
    }
    if (others > 0 && ctl[4] !== 0) throw new InternalError(`SIMD kernel ${kernel} failed in a worker thread`);
  }

  private waitForWorkers(kernel: KernelName): void {
    const ctl = this.control;
    const SLICE_MS = 1000;
    const until = performance.now() + this.spinMs;
    while (Atomics.load(ctl, 1) < this.threads - 1 && performance.now() < until) pause();
    let waited = 0;
    for (let done = Atomics.load(ctl, 1); done < this.threads - 1; done = Atomics.load(ctl, 1)) {
      if (waited >= JOB_TIMEOUT_MS) {
        this.close();
        throw new SimdTimeout(`SIMD kernel ${kernel}: a worker thread did not finish within ${JOB_TIMEOUT_MS / 1000} s`);
      }
      const start = performance.now();
      Atomics.wait(ctl, 1, done, SLICE_MS);
      // A slice that took far longer than asked means the process was paused: not counted.
      const took = performance.now() - start;
      waited += took > 5 * SLICE_MS ? SLICE_MS : took;
    }
  }

  /** Stops the worker threads; later run() calls throw. */
  close(): void {
    this.closed = true;
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}

/** Resolves when the worker has loaded the module; rejects if it fails, exits or takes over 30 s. */
function ready(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`a SIMD worker thread did not start within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    const finish = (error?: Error) => {
      clearTimeout(timer);
      worker.off('message', onMessage).off('error', finish).off('exit', onExit);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (message: { ready?: boolean; error?: string }) => finish(message.ready ? undefined : new Error(`a SIMD worker thread failed to start: ${message.error}`));
    const onExit = (code: number) => finish(new Error(`a SIMD worker thread exited (code ${code}) while starting`));
    worker.on('message', onMessage).on('error', finish).on('exit', onExit);
  });
}

let current: SimdPool | undefined;
/** Counts startSimdPool calls, so a start that an overlapping one overtook closes its own pool. */
let generation = 0;

/**
 * Starts the pool for a tfjs-backend-wasm instance (`emscripten` is its Emscripten
 * module) with `threads` threads, replacing any earlier one; kernels then get it from
 * simdPool(). The threaded wasm backend calls this with its XNNPACK pool size, so
 * both use the same cores, one after the other.
 * @throws Error if the module exposes no heap, the kernel module cannot use it, or a worker fails to start.
 */
export async function startSimdPool(emscripten: EmscriptenHeap, threads: number, variant: KernelVariant = kernelVariant()): Promise<SimdPool> {
  const memory = heapOf(emscripten);
  const mine = ++generation;
  current?.close();
  current = undefined;
  const started = await SimdPool.start(memory, threads, variant);
  if (mine !== generation) {
    started.close();
    throw new Error('a later start of the SIMD kernel pool replaced this one');
  }
  current = started;
  return started;
}

/**
 * The pool for a tfjs-backend-wasm instance: the one startSimdPool started for its
 * heap, or else (none, another heap, or that pool closed after a failure) a
 * single-threaded one, created here synchronously so the SIMD kernels keep working.
 * @throws Error if the module exposes no heap, or the kernel module cannot use it.
 */
export function simdPool(emscripten: EmscriptenHeap): SimdPool {
  const memory = heapOf(emscripten);
  if (current === undefined || current.memory !== memory || !current.usable) {
    const variant = current?.variant;
    current?.close();
    current = SimdPool.single(memory, variant);
  }
  return current;
}

/** Threads of the started SIMD kernel pool (startSimdPool), 1 when none is running (the memory estimate's default). */
export function simdThreadsInUse(): number {
  return current !== undefined && current.usable ? current.threads : 1;
}
reportSimdThreads(simdThreadsInUse);

/** The wasm backend's heap: exported by the single-threaded build, created in JS by the threaded one. */
interface EmscriptenHeap {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

function heapOf(emscripten: EmscriptenHeap): WebAssembly.Memory {
  const memory = emscripten.wasmMemory ?? emscripten.asm?.memory;
  if (memory === undefined) throw new Error('the wasm backend exposes no WebAssembly.Memory');
  return memory;
}

/** [begin, end) ranges splitting 0..count into at most `ways` non-empty, near-equal parts. */
export function split(count: number, ways: number): [number, number][] {
  const n = Math.max(1, Math.min(ways, count));
  return Array.from({ length: n }, (_, i) => [Math.floor((i * count) / n), Math.floor(((i + 1) * count) / n)] as [number, number]);
}
