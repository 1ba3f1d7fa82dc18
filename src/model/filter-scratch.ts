/**
 * How tfexp's filter-gradient kernel (src/backend/simd/conv2d-backprop-filter.ts) splits a
 * batch over its threads, and how many threads its pool runs: what the memory estimate
 * (./memory.ts) needs of the backend, here without loading it (`tfexp validate` loads no
 * backend). Imports nothing.
 */

/**
 * Most bytes of partial filter gradients (dw itself included) a call splitting the images
 * may use: (groups - 1) of them are scratch, which otherwise grows with the thread count
 * times the filter size. 64 MiB is a fixed cap, well under the wasm heap's 2-4 GiB and
 * above every baseline layer's (groups x filter) on the threads tfexp uses (the largest
 * filter, 3x3x256x256 floats = 2.25 MiB, still gets 28 groups); bigger filters get fewer
 * groups, and the threads of a group share its output channels.
 */
export const SCRATCH_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * How many groups of images conv2dBackpropFilter splits a batch into, each with its own
 * partial dw: min(threads, batch, max(1, floor(budgetBytes / filter bytes))), and 1 (no
 * image split, no scratch) on one thread or with fewer images than threads (as before the
 * cap). Pure, for tests.
 */
export function imageGroups(threads: number, batch: number, filterFloats: number, budgetBytes = SCRATCH_BUDGET_BYTES): number {
  if (threads <= 1 || batch < threads) return 1;
  return Math.min(threads, batch, Math.max(1, Math.floor(budgetBytes / (4 * Math.max(1, filterFloats)))));
}

let threadsOfPool: () => number = () => 1;

/**
 * Threads of the running SIMD kernel pool (src/backend/simd/pool.ts reports them when it is
 * loaded), 1 when none runs: the memory estimate's default.
 */
export function simdThreadsInUse(): number {
  return threadsOfPool();
}

/** Called by the SIMD pool's module: how to read its thread count. */
export function reportSimdThreads(threads: () => number): void {
  threadsOfPool = threads;
}
