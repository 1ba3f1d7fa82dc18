/**
 * tfexp's own SIMD kernels (C in this folder, built to WebAssembly by build.sh),
 * run on the tfjs-backend-wasm heap by a small pool of threads.
 *
 * The kernel module imports the backend's WebAssembly.Memory, so kernels read and
 * write tensors in place (a tensor's address is its heap view's byteOffset): no
 * copies. With the threaded tfjs build the memory is shared and `threads - 1`
 * worker threads each hold an instance of the module on it; a job is split into
 * parts, the calling thread runs part 0, the workers the rest, and the call
 * returns when all are done (Atomics.wait; tfjs kernels are synchronous). With the
 * single-threaded tfjs build the memory is not shared and every job runs on the
 * calling thread.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** Exported functions of kernels.wasm; each takes only int32 arguments. */
export const KERNEL_NAMES = ['conv2d_backprop_filter', 'conv2d_packed', 'pack_filter', 'pack_flipped_filter', 'sum_leading_axes', 'max_pool_grad', 'rmsprop_update'] as const;
export type KernelName = (typeof KERNEL_NAMES)[number];

/** Most int32 arguments one kernel call takes. */
const ARG_WIDTH = 32;

type Kernel = (...args: number[]) => void;

function kernelModule(shared: boolean): WebAssembly.Module {
  const file = shared ? 'kernels.wasm' : 'kernels-unshared.wasm';
  return new WebAssembly.Module(readFileSync(new URL(file, import.meta.url)));
}

function isShared(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

export class SimdPool {
  /** Threads a job can be split over (the calling thread included). */
  readonly threads: number;
  private readonly kernels: Record<KernelName, Kernel>;
  private readonly workers: Worker[] = [];
  /** [0] job counter, [1] workers done, [2] kernel index, [3] argument count, [4] a worker failed, [5] parts. */
  private readonly control = new Int32Array(new SharedArrayBuffer(8 * 4));
  private readonly args: Int32Array;

  /**
   * @param memory the tfjs-backend-wasm heap.
   * @param threads threads per job, >= 1 (1 when the memory is not shared).
   * @throws WebAssembly.LinkError / CompileError if the module cannot use this memory.
   */
  constructor(readonly memory: WebAssembly.Memory, threads: number) {
    const shared = isShared(memory);
    this.threads = shared ? Math.max(1, threads) : 1;
    const module = kernelModule(shared);
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    this.kernels = Object.fromEntries(KERNEL_NAMES.map((name) => [name, instance.exports[name] as Kernel])) as Record<KernelName, Kernel>;
    this.args = new Int32Array(new SharedArrayBuffer(this.threads * ARG_WIDTH * 4));
    for (let index = 1; index < this.threads; index++) {
      const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
        workerData: { module, memory, control: this.control.buffer, args: this.args.buffer, index, width: ARG_WIDTH, names: KERNEL_NAMES },
      });
      worker.unref();
      this.workers.push(worker);
    }
  }

  /**
   * Runs `kernel` once per entry of `parts` (its int32 arguments), in parallel,
   * and returns when every part is done. parts.length must be <= threads; parts
   * must write disjoint memory.
   * @throws Error if a part failed in a worker (a WebAssembly trap).
   */
  run(kernel: KernelName, parts: readonly (readonly number[])[]): void {
    if (parts.length > this.threads) throw new Error(`${parts.length} parts for ${this.threads} threads`);
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
      if (others > 0) for (let done = Atomics.load(ctl, 1); done < this.threads - 1; done = Atomics.load(ctl, 1)) Atomics.wait(ctl, 1, done);
    }
    if (others > 0 && ctl[4] !== 0) throw new Error(`SIMD kernel ${kernel} failed in a worker thread`);
  }

  /** Stops the worker threads (jobs must not be running). */
  close(): void {
    for (const worker of this.workers) void worker.terminate();
    this.workers.length = 0;
  }
}

let configuredThreads = 1;
let pool: SimdPool | undefined;

/**
 * Sets how many threads later jobs are split over (the threaded wasm backend
 * passes its XNNPACK pool size, so both use the same cores, one after the other).
 */
export function setSimdThreads(threads: number): void {
  configuredThreads = threads;
}

/** The wasm backend's heap: exported by the single-threaded build, created in JS by the threaded one. */
interface EmscriptenHeap {
  wasmMemory?: WebAssembly.Memory;
  asm?: { memory?: WebAssembly.Memory };
}

/**
 * The pool for a tfjs-backend-wasm instance (`backend.wasm` is its Emscripten
 * module), created on first use and again when the heap or thread count changes.
 * @throws Error if the module exposes no heap, or the kernel module cannot use it.
 */
export function simdPool(emscripten: EmscriptenHeap): SimdPool {
  const memory = emscripten.wasmMemory ?? emscripten.asm?.memory;
  if (memory === undefined) throw new Error('the wasm backend exposes no WebAssembly.Memory');
  if (pool === undefined || pool.memory !== memory || pool.threads !== (isShared(memory) ? configuredThreads : 1)) {
    pool?.close();
    pool = new SimdPool(memory, configuredThreads);
  }
  return pool;
}

/** [begin, end) ranges splitting 0..count into at most `ways` non-empty, near-equal parts. */
export function split(count: number, ways: number): [number, number][] {
  const n = Math.max(1, Math.min(ways, count));
  return Array.from({ length: n }, (_, i) => [Math.floor((i * count) / n), Math.floor(((i + 1) * count) / n)] as [number, number]);
}
