/**
 * Tensors of the wasm backend on 64-byte boundaries (src/backend/aligned-heap.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { alignWasmAllocations, TENSOR_ALIGNMENT } from '../../src/backend/aligned-heap.js';
import type { WasmAllocator } from '../../src/backend/crash.js';
import { selectBackend } from '../../src/backend/select.js';

/**
 * A stand-in for the Emscripten module: a bump allocator with 8-byte blocks (the first on a
 * 64-byte boundary, the next ones off it), recording frees. Like Emscripten's, its `_malloc` and
 * `_free` are stubs that replace themselves with the real functions on their first call.
 */
function fakeModule(): WasmAllocator & { freed: number[]; blocks: Map<number, number> } {
  let top = 1024;
  const blocks = new Map<number, number>();
  const freed: number[] = [];
  const malloc = (bytes: number): number => {
    const block = top;
    blocks.set(block, bytes);
    top += Math.ceil(bytes / 8) * 8 + 8;
    return block;
  };
  const free = (pointer: number): void => void freed.push(pointer);
  const module: WasmAllocator & { freed: number[]; blocks: Map<number, number> } = {
    blocks,
    freed,
    _malloc(bytes: number): number {
      module._malloc = malloc;
      return malloc(bytes);
    },
    _free(pointer: number): void {
      module._free = free;
      free(pointer);
    },
  };
  return module;
}

describe('alignWasmAllocations', () => {
  it('returns 64-byte-aligned addresses inside the block, and frees the block each came from', () => {
    const module = fakeModule();
    alignWasmAllocations(module); // its stubs not called before: the wrappers must survive them
    module.freed.length = 0;
    const given: [number, number][] = [];
    for (const bytes of [0, 4, 100, 4096, 12, 1]) {
      const address = module._malloc(bytes);
      assert.equal(address % TENSOR_ALIGNMENT, 0, `${bytes} bytes at ${address}`);
      const block = [...module.blocks.keys()].at(-1)!;
      assert.ok(address >= block && address + bytes <= block + module.blocks.get(block)!, `${bytes} bytes at ${address} lie in the block at ${block}`);
      given.push([address, block]);
    }
    for (const [address] of given) module._free(address);
    assert.deepEqual(module.freed, given.map(([, block]) => block));
    // An address this _malloc did not give (allocated by C++) is freed as it is.
    module._free(777);
    assert.equal(module.freed.at(-1), 777);
  });

  it('a second call changes nothing (no double slack, no double translation)', () => {
    const module = fakeModule();
    alignWasmAllocations(module);
    alignWasmAllocations(module);
    module.freed.length = 0;
    const address = module._malloc(100);
    const block = [...module.blocks.keys()].at(-1)!;
    assert.equal(module.blocks.get(block), 100 + TENSOR_ALIGNMENT - 8);
    module._free(address);
    assert.deepEqual(module.freed, [block]);
  });

  it('on the real wasm backend: tensors start on 64-byte boundaries, and freeing them keeps the heap from growing', async () => {
    await selectBackend({ request: 'wasm', threads: 2 });
    const backend = tf.backend() as unknown as { getMemoryOffset(dataId: object): number; wasm: WasmAllocator };
    const tensors = [1, 3, 5, 7, 64, 1000].map((n) => tf.ones([n]));
    for (const t of tensors) assert.equal(backend.getMemoryOffset(t.dataId) % TENSOR_ALIGNMENT, 0, `a tensor of ${t.size} floats`);
    tf.dispose(tensors);
    const heap = () => backend.wasm.wasmMemory!.buffer.byteLength;
    const before = heap();
    // 2,000 tensors of 1 MB made and freed one after another: freed blocks are reused.
    for (let i = 0; i < 2000; i++) {
      tf.tidy(() => {
        tf.ones([250_000]).add(1);
      });
    }
    assert.equal(heap(), before);
    const sum = tf.tidy(() => tf.ones([1000, 1000]).sum());
    assert.equal((await sum.data())[0], 1e6);
    sum.dispose();
    await tf.setBackend('cpu');
  });
});
