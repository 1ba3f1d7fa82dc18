/**
 * The WASM backend (XNNPACK, SIMD), multi-threaded in Node.
 *
 * tfjs-backend-wasm 4.22 runs single-threaded under Node, for three reasons,
 * each worked around here and nowhere else:
 * 1. The flag WASM_HAS_MULTITHREAD_SUPPORT is hard-coded to false under Node
 *    (tfjs issue #3830), so the package never loads its threaded binary.
 *    We instantiate the threaded module (`wasm-out/tfjs-backend-wasm-threaded-simd.js`)
 *    ourselves and register it as the `wasm` backend (the package's kernels
 *    are registered per backend name, so they apply unchanged).
 * 2. The package hands Emscripten `blob:` URLs for the pthread worker script
 *    and main script, which Node's Worker refuses. We write the worker script
 *    to a real file (the package ships it as a string) and give the workers
 *    the package's own threaded module file as their main script.
 * 3. XNNPACK's thread pool is sized to the logical core count / 2 (tfjs
 *    assumes hyper-threading) and `setThreadsCount` does not raise it, so on
 *    a 2-core machine it would be 1. While the pool is created we present
 *    2 x threads logical cores to Emscripten (`os.cpus`), then restore it.
 */
import * as tf from '@tensorflow/tfjs';
import * as tfWasm from '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { cacheRoot } from '../data/locate.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { kernelVariant, startSimdPool, type KernelVariant } from './simd/pool.js';

const require = createRequire(import.meta.url);

/** Priority tfjs gives the wasm backend (tfjs-backend-wasm base.ts). */
const WASM_PRIORITY = 2;

/** What the threaded WASM module needs from Emscripten (the subset tfjs-backend-wasm uses). */
interface EmscriptenModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  tfjs?: Record<string, (...args: number[]) => number>;
  PThread?: { pthreads: Record<string, { unref(): void }> };
}

let module: EmscriptenModule | undefined;
let simdStartError: string | null = null;
let threadsInUse = 0;
let threadsRequested = 0;
let kernelsInUse: KernelVariant = 'plain';

/** Folder of the package's Emscripten outputs. */
function wasmOutDir(): string {
  return join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out');
}

/**
 * Writes the pthread worker script (shipped as a string in `*.worker.js`) to a
 * real file in the user's cache (`$XDG_CACHE_HOME/tfexp/wasm/<version>/`, not a
 * shared temp folder), atomically, and returns its path. An existing file is
 * used only if its content is exactly the script; otherwise it is rewritten.
 * The package escapes newlines the same way before making its blob.
 */
function workerScript(dir: string): string {
  const { wasmWorkerContents } = require(join(dir, 'tfjs-backend-wasm-threaded-simd.worker.js')) as { wasmWorkerContents: string };
  const script = wasmWorkerContents.replace(/\n/g, '\\n');
  const target = join(dirname(cacheRoot()), 'wasm', tfWasm.version_wasm, 'tfjs-backend-wasm-threaded-simd.worker.cjs');
  if (!existsSync(target) || readFileSync(target, 'utf8') !== script) writeFileAtomic(target, script);
  return target;
}

/**
 * Makes `wasm` the multi-threaded backend and activates it.
 * @param threads XNNPACK thread-pool size (>= 1). Default: the number of logical cores.
 * @returns the thread count XNNPACK reports.
 * @throws Error when the module cannot be instantiated (the caller falls back).
 */
export async function useThreadedWasm(threads: number = os.cpus().length, kernels: KernelVariant = kernelVariant()): Promise<number> {
  simdStartError = null;
  if (module !== undefined && threadsRequested === threads && (await tf.setBackend('wasm'))) {
    // The same backend; the other kernel build, if asked (tfexp bench --simd plain,relaxed).
    if (kernelsInUse !== kernels) await startKernels(kernels);
    return threadsInUse;
  }
  // Emscripten reads the core count while the module and the thread pool start (asynchronously).
  await withLogicalCores(2 * threads, async () => {
    module ??= await instantiate();
    const threaded = module;
    tf.removeBackend('wasm');
    tfWasm.setThreadsCount(threads);
    tf.registerBackend('wasm', () => new tfWasm.BackendWasm(threaded as never), WASM_PRIORITY);
    if (!(await tf.setBackend('wasm'))) throw new Error('the threaded wasm backend failed to initialise');
  });
  threadsRequested = threads;
  threadsInUse = tfWasm.getThreadsCount();
  await startKernels(kernels);
  // Emscripten unrefs idle workers but not the running pool threads, which would keep Node
  // from exiting; the pool only works while the main thread calls into WASM anyway.
  for (const worker of Object.values(module!.PThread?.pthreads ?? {})) worker.unref();
  return threadsInUse;
}

/**
 * tfexp's SIMD kernels (the given build) on as many threads as XNNPACK; if their workers cannot
 * start, the kernels run on the calling thread (simdPool) and the error is kept for doctor.
 */
async function startKernels(kernels: KernelVariant): Promise<void> {
  kernelsInUse = kernels;
  await startSimdPool(module as never, threadsInUse, kernels).catch((error: Error) => (simdStartError = error.message));
}

/** The SIMD kernel build the threaded backend runs ('plain' before it starts). */
export function kernelsOfThreadedWasm(): KernelVariant {
  return kernelsInUse;
}

/** Instantiates the package's threaded SIMD module with file paths Node accepts. */
async function instantiate(): Promise<EmscriptenModule> {
  const dir = wasmOutDir();
  const factory = require(join(dir, 'tfjs-backend-wasm-threaded-simd.js')) as (config: object) => Promise<EmscriptenModule>;
  const worker = workerScript(dir);
  const loaded = await factory({
    locateFile: (path: string) => (path.endsWith('.worker.js') ? worker : join(dir, path)),
    mainScriptUrlOrBlob: join(dir, 'tfjs-backend-wasm-threaded-simd.js'),
  });
  // The bridge tfjs-backend-wasm's init() builds (backend_wasm.ts), which BackendWasm expects.
  loaded.tfjs = {
    init: loaded.cwrap('init', null, []),
    initWithThreadsCount: loaded.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: loaded.cwrap('get_threads_count', 'number', []),
    registerTensor: loaded.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: loaded.cwrap('dispose_data', null, ['number']),
    dispose: loaded.cwrap('dispose', null, []),
  };
  return loaded;
}

/** Runs `fn` while Node reports `count` logical cores (see point 3 above), restoring it after. */
async function withLogicalCores<T>(count: number, fn: () => Promise<T>): Promise<T> {
  const real = os.cpus;
  const first = real()[0]!;
  (os as { cpus: () => os.CpuInfo[] }).cpus = () => Array.from({ length: count }, () => first);
  try {
    return await fn();
  } finally {
    (os as { cpus: () => os.CpuInfo[] }).cpus = real;
  }
}

/** Why tfexp's SIMD kernel threads did not start with the threaded backend; null if they did (or it is not in use). */
export function simdThreadsError(): string | null {
  return simdStartError;
}
