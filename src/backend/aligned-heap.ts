/**
 * Tensors of tfjs-backend-wasm on 64-byte (cache-line) boundaries.
 *
 * The Emscripten malloc of tfjs-backend-wasm 4.22 returns blocks aligned to 8 bytes only, so
 * about half of the tensors start 8 bytes off a 16-byte boundary. Every 16-byte SIMD load and
 * store of tfexp's kernels (src/backend/simd) on such a tensor is then unaligned, and one in four
 * crosses a cache line. Measured on the baseline's filter gradients (one thread, 32 images, Node
 * 24, relaxed SIMD, 2026-12-03): 9-33% slower with x and dy 8, 24, 40 or 56 bytes off a 64-byte
 * boundary than on it; at 16, 32 or 48 bytes off, the same within noise.
 */
import type { WasmAllocator } from './crash.js';

/** What Emscripten's malloc guarantees (bytes): a block needs this much less slack to be realigned. */
const MALLOC_ALIGNMENT = 8;

/** Bytes tensors are aligned to: a cache line on x86-64 and arm64. */
export const TENSOR_ALIGNMENT = 64;

const ALIGNED = Symbol('tfexp.alignedMalloc');

/**
 * Makes `module._malloc` return `alignment`-byte-aligned addresses (it asks for alignment - 8
 * bytes more and returns the first aligned address in the block) and `module._free` free the
 * block such an address came from. tfjs-backend-wasm allocates and frees every tensor from
 * JavaScript (BackendWasm.move, disposeData; its C++ never frees a tensor), so both ends pass
 * through here. An address this `_malloc` did not give (allocated before, or by C++ for a few
 * kernels' outputs) is freed as it is. A second call does nothing.
 * @param alignment a power of two, at least 8 (bytes).
 */
export function alignWasmAllocations(module: WasmAllocator, alignment: number = TENSOR_ALIGNMENT): void {
  const marked = module as unknown as Record<symbol, boolean>;
  if (marked[ALIGNED]) return;
  // Emscripten's `_malloc` and `_free` are stubs that replace themselves with the real exports on
  // their first call, which would also replace the wrappers below: resolve them first.
  module._free(module._malloc(8));
  const malloc = module._malloc.bind(module);
  const free = module._free.bind(module);
  /** Aligned address -> the block malloc gave, for the blocks that did not start aligned. */
  const blocks = new Map<number, number>();
  module._malloc = (bytes: number) => {
    // `>>> 0`: malloc's result is a signed int32, negative above 2 GiB (as tfjs-backend-wasm reads it).
    const block = malloc(bytes + alignment - MALLOC_ALIGNMENT) >>> 0;
    const aligned = Math.ceil(block / alignment) * alignment;
    if (aligned !== block) blocks.set(aligned, block);
    return aligned;
  };
  module._free = (pointer: number) => {
    const address = pointer >>> 0;
    const block = blocks.get(address);
    if (block === undefined) return free(pointer);
    blocks.delete(address);
    free(block);
  };
  marked[ALIGNED] = true;
}
