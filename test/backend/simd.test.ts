/**
 * tfexp's SIMD kernel module and its thread pool, outside tfjs: the kernel runs on
 * a WebAssembly.Memory of the test's own (shared with 1-3 threads, or unshared),
 * against a plain loop of the textbook formula. Tolerance 1e-5 relative (float32
 * sums in a different order). The built modules are checked against their C
 * sources when clang is installed.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backpropFilterScratch, conv2dBackpropFilter, imageGroups, SCRATCH_BUDGET_BYTES, type ConvGeometry } from '../../src/backend/simd/conv2d-backprop-filter.js';
import { ACTIVATIONS, backpropInputScratch, conv2dBackpropInput, conv2dForward, forwardScratch } from '../../src/backend/simd/conv2d.js';
import { maxPoolGrad, type PoolGeometry } from '../../src/backend/simd/max-pool-grad.js';
import { reluBiasGrad, reluBiasGradScratch, sumLeadingAxes } from '../../src/backend/simd/reduce.js';
import { kernelVariant, relaxedSimdSupported, SimdPool, simdPool, SPIN_MS, spinMs, split, startSimdPool, type KernelVariant } from '../../src/backend/simd/pool.js';
import { assertClose as assertWithin } from './close.js';

const PAGES = 256; // 16 MiB

/** Floats of guard around each array, and their value. */
const GUARD = 16;
const CANARY = 12345.5;

/**
 * A heap with bump allocation of float32 arrays, each between guard regions, so a
 * test can check that a kernel wrote nothing outside its outputs.
 */
class Heap {
  readonly memory: WebAssembly.Memory;
  private next = 1024; // keep address 0 unused, as a C heap does
  private readonly arrays: { view: Float32Array; copy: Float32Array | null; guards: Float32Array[] }[] = [];
  constructor(shared: boolean) {
    this.memory = new WebAssembly.Memory({ initial: PAGES, maximum: PAGES, shared });
  }
  /** An input (filled by `fill`, must stay unchanged) or, without `fill`, an output (NaN: the kernel must overwrite every element). */
  floats(length: number, fill?: (i: number) => number): { address: number; view: Float32Array } {
    const guard = () => {
      const view = new Float32Array(this.memory.buffer, this.next, GUARD).fill(CANARY);
      this.next += GUARD * 4;
      return view;
    };
    const before = guard();
    const address = this.next;
    this.next += Math.ceil((length * 4) / 64) * 64;
    const view = new Float32Array(this.memory.buffer, address, length);
    if (fill) for (let i = 0; i < length; i++) view[i] = fill(i);
    else view.fill(Number.NaN);
    this.arrays.push({ view, copy: fill ? view.slice() : null, guards: [before, guard()] });
    return { address, view };
  }
  /** Asserts that no guard region and no input changed. */
  assertUntouched(): void {
    for (const [i, { view, copy, guards }] of this.arrays.entries()) {
      for (const g of guards) assert.ok(g.every((v) => v === CANARY), `guard of array ${i} was written`);
      if (copy) assert.ok(view.every((v, j) => Object.is(v, copy[j])), `input array ${i} was written`);
    }
  }
}

/** Deterministic values in [-1, 1). */
function random(seed: number): (i: number) => number {
  return (i) => (Math.sin(seed * 1000 + i * 12.9898) * 43758.5453) % 1;
}

function geometry(batch: number, h: number, w: number, ci: number, kh: number, kw: number, co: number, stride: number, pad: 'same' | 'valid'): ConvGeometry {
  const outHeight = pad === 'same' ? Math.ceil(h / stride) : Math.ceil((h - kh + 1) / stride);
  const outWidth = pad === 'same' ? Math.ceil(w / stride) : Math.ceil((w - kw + 1) / stride);
  // TensorFlow's SAME padding: the total is split with the extra row/column at the bottom/right.
  const top = pad === 'same' ? Math.floor(Math.max(0, (outHeight - 1) * stride + kh - h) / 2) : 0;
  const left = pad === 'same' ? Math.floor(Math.max(0, (outWidth - 1) * stride + kw - w) / 2) : 0;
  return {
    batchSize: batch, inHeight: h, inWidth: w, inChannels: ci, outHeight, outWidth, outChannels: co,
    filterHeight: kh, filterWidth: kw, strideHeight: stride, strideWidth: stride, dilationHeight: 1, dilationWidth: 1,
    padInfo: { top, left },
  };
}

/**
 * Calls `visit` for every (output pixel, filter tap) pair of the convolution whose tap lands
 * inside the image (zero padding): b, oh, ow, kh, kw, and the input pixel ih, iw.
 */
function forEachTap(g: ConvGeometry, visit: (b: number, oh: number, ow: number, kh: number, kw: number, ih: number, iw: number) => void): void {
  for (let b = 0; b < g.batchSize; b++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++)
        for (let kh = 0; kh < g.filterHeight; kh++)
          for (let kw = 0; kw < g.filterWidth; kw++) {
            const ih = oh * g.strideHeight - g.padInfo.top + kh;
            const iw = ow * g.strideWidth - g.padInfo.left + kw;
            if (ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth) visit(b, oh, ow, kh, kw, ih, iw);
          }
}

/** Flat offsets of x [b, ih, iw, 0], dy/y [b, oh, ow, 0] and w [kh, kw, 0, 0]. */
const xAt = (g: ConvGeometry, b: number, ih: number, iw: number) => ((b * g.inHeight + ih) * g.inWidth + iw) * g.inChannels;
const yAt = (g: ConvGeometry, b: number, oh: number, ow: number) => ((b * g.outHeight + oh) * g.outWidth + ow) * g.outChannels;
const wAt = (g: ConvGeometry, kh: number, kw: number) => (kh * g.filterWidth + kw) * g.inChannels * g.outChannels;

/** dw by the definition, in float64. */
function reference(x: Float32Array, dy: Float32Array, g: ConvGeometry): Float64Array {
  const dw = new Float64Array(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
  forEachTap(g, (b, oh, ow, kh, kw, ih, iw) => {
    for (let ci = 0; ci < g.inChannels; ci++)
      for (let co = 0; co < g.outChannels; co++)
        dw[wAt(g, kh, kw) + ci * g.outChannels + co]! += x[xAt(g, b, ih, iw) + ci]! * dy[yAt(g, b, oh, ow) + co]!;
  });
  return dw;
}

/** Kernel output against the definition: within 1e-5 of the largest |expected| (at least 1); a NaN fails. */
const assertClose = (actual: Float32Array, expected: Float32Array | Float64Array, what: string) => assertWithin(actual, expected, what, 1e-5);

const pools: SimdPool[] = [];
/** Both kernel builds where this Node runs relaxed SIMD (22 and later), else the plain one. */
const VARIANTS: KernelVariant[] = relaxedSimdSupported() ? ['plain', 'relaxed'] : ['plain'];
after(() => pools.forEach((p) => p.close()));

// Enough tiles (4-pixel groups) for 2 and 3 threads to share them through a counter (conv2d.ts
// SHARED_TILES_PER_THREAD): 768 and 432 tiles. The other cases split their tiles in advance.
const SHARED_FORWARD = '16x16 images, 12 of them (768 tiles: threads take chunks as they go), 4 -> 8';
const SHARED_INPUT = '12x12 images, 12 of them (432 tiles: threads take chunks as they go), 8 -> 8';

/** The names of the kernels `pool` runs from now on, in order. */
function kernelsRun(pool: SimdPool): string[] {
  const names: string[] = [];
  const run = pool.run.bind(pool);
  pool.run = (kernel, parts) => {
    names.push(kernel);
    run(kernel, parts);
  };
  return names;
}

/**
 * One test of `name` per memory setting: shared with 1-3 threads, and unshared (the
 * single-threaded tfjs build). `body` gets a fresh heap and a pool on it (closed after this
 * file); afterwards no guard region or input may have changed.
 */
function inEverySetting(name: string, variant: KernelVariant, body: (heap: Heap, pool: SimdPool) => void): void {
  for (const [shared, threads] of [[true, 1], [true, 2], [true, 3], [false, 1]] as const) {
    it(`${name}, ${shared ? `${threads} thread(s)` : 'unshared memory'}`, async () => {
      const heap = new Heap(shared);
      const pool = await SimdPool.start(heap.memory, threads, variant);
      pools.push(pool);
      assert.equal(pool.threads, threads);
      body(heap, pool);
      heap.assertUntouched();
    });
  }
}

for (const variant of VARIANTS) {
describe(`conv2d_backprop_filter (${variant} SIMD kernels) equals the definition`, () => {
  const cases: [string, ConvGeometry][] = [
    ['28x28, 1 -> 8 (first layer)', geometry(3, 28, 28, 1, 3, 3, 8, 1, 'same')],
    ['1 -> 40 (a 1 x 32 tile, then a 1 x 8 one)', geometry(2, 9, 9, 1, 3, 3, 40, 1, 'same')],
    ['input-channel tails with 1 x 32 tiles: 5 -> 72', geometry(2, 6, 6, 5, 3, 3, 72, 1, 'same')],
    ['tiles and tails: 6 -> 17', geometry(2, 9, 9, 6, 3, 3, 17, 1, 'same')],
    ['stride 2, valid, 9 -> 16', geometry(2, 9, 9, 9, 3, 3, 16, 2, 'valid')],
    ['stride 2, same (uneven padding), 4 -> 8', geometry(2, 8, 8, 4, 3, 3, 8, 2, 'same')],
    ['stride 3, 5x2 filter, 5 -> 24', geometry(2, 11, 7, 5, 5, 2, 24, 3, 'same')],
    ['filter larger than the image, 4 -> 8', geometry(1, 2, 2, 4, 5, 5, 8, 1, 'same')],
    ['1 output channel', geometry(2, 6, 6, 8, 3, 3, 1, 1, 'valid')],
    ['7 images (uneven shares over threads), 8 -> 16', geometry(7, 6, 6, 8, 3, 3, 16, 1, 'same')],
    ['3x3 images, 16 of them (in one block, images innermost), 8 -> 16', geometry(16, 3, 3, 8, 3, 3, 16, 1, 'same')],
    ['3x3 images, 16 of them (in one block, images innermost), channel tails: 5 -> 17', geometry(16, 3, 3, 5, 3, 3, 17, 1, 'same')],
  ];
  for (const [name, g] of cases) {
    for (const blockBytes of [1, 1 << 20]) {
      inEverySetting(`${name}, ${blockBytes === 1 ? 'one image per block' : 'one block'}`, variant, (heap, pool) => {
        const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(1));
        const dy = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels, random(2));
        const dw = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
        const scratch = heap.floats(backpropFilterScratch(pool, g)); // NaN-filled: partial sums must overwrite it
        conv2dBackpropFilter(pool, x.address, dy.address, dw.address, scratch.address, g, blockBytes);
        assertClose(dw.view, reference(x.view, dy.view, g), name);
      });
    }
  }

  it('with the scratch budget capping the image groups (4 threads, room for 2 filters): 2 groups of 2 threads each', async () => {
    const g = geometry(7, 6, 6, 8, 3, 3, 24, 1, 'same');
    const filterBytes = 4 * 3 * 3 * 8 * 24;
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 4, variant);
    pools.push(pool);
    assert.equal(imageGroups(4, 7, filterBytes / 4, 2 * filterBytes), 2);
    const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(1));
    const dy = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels, random(2));
    const dw = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
    const scratch = heap.floats(backpropFilterScratch(pool, g, 2 * filterBytes));
    assert.equal(scratch.view.length, filterBytes / 4);
    conv2dBackpropFilter(pool, x.address, dy.address, dw.address, scratch.address, g, 1 << 20, 2 * filterBytes);
    assertClose(dw.view, reference(x.view, dy.view, g), 'capped groups');
    heap.assertUntouched();
  });

  it('rejects dilation', () => {
    const heap = new Heap(false);
    const g = { ...geometry(1, 5, 5, 1, 3, 3, 1, 1, 'same'), dilationHeight: 2 };
    assert.throws(() => conv2dBackpropFilter(SimdPool.single(heap.memory, variant), 0, 0, 0, 0, g), /dilation must be 1/);
  });
});

describe(`conv2d_packed as the forward convolution (${variant} SIMD kernels) equals the definition`, () => {
  /** relu(bias + x * w) by the definition, in float64: only taps inside the image. */
  function forwardReference(x: Float32Array, w: Float32Array, bias: Float32Array, g: ConvGeometry): Float64Array {
    const y = new Float64Array(g.batchSize * g.outHeight * g.outWidth * g.outChannels);
    for (let i = 0; i < y.length; i++) y[i] = bias[i % g.outChannels]!;
    forEachTap(g, (b, oh, ow, kh, kw, ih, iw) => {
      for (let ci = 0; ci < g.inChannels; ci++)
        for (let co = 0; co < g.outChannels; co++)
          y[yAt(g, b, oh, ow) + co]! += x[xAt(g, b, ih, iw) + ci]! * w[wAt(g, kh, kw) + ci * g.outChannels + co]!;
    });
    return y.map((v) => Math.max(0, v));
  }
  // The kernel skips taps outside the image by grouping pixels with the same valid taps
  // (border rows and columns, the inside); these cases give classes of every size mod 4.
  const cases: [string, ConvGeometry][] = [
    ['3x3 same on 3x3 images (border classes only but one), 8 -> 16', geometry(5, 3, 3, 8, 3, 3, 16, 1, 'same')],
    ['5x5 filter larger than the 3x3 image, 4 -> 9', geometry(3, 3, 3, 4, 5, 5, 9, 1, 'same')],
    ['1x1 images, 3x3 filter (only the centre tap), 6 -> 8', geometry(7, 1, 1, 6, 3, 3, 8, 1, 'same')],
    ['stride 2, same (padding only below and right), 6 -> 13', geometry(3, 8, 6, 6, 3, 3, 13, 2, 'same')],
    ['stride 2, same (padding on every side), 6 -> 13', geometry(3, 9, 7, 6, 3, 3, 13, 2, 'same')],
    ['stride 3, 5x2 filter, 5 -> 24', geometry(2, 11, 7, 5, 5, 2, 24, 3, 'same')],
    ['valid (one class), 8 -> 7', geometry(3, 6, 6, 8, 3, 3, 7, 1, 'valid')],
    ['an empty batch (no tiles: nothing to run)', geometry(0, 5, 5, 4, 3, 3, 8, 1, 'same')],
    [SHARED_FORWARD, geometry(12, 16, 16, 4, 3, 3, 8, 1, 'same')],
  ];
  for (const [name, g] of cases) {
    inEverySetting(`${name}, bias + relu`, variant, (heap, pool) => {
      const kernels = kernelsRun(pool);
      const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(8));
      const w = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, random(9));
      const bias = heap.floats(g.outChannels, random(10));
      const y = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels); // NaN: every pixel must be written
      const scratch = heap.floats(forwardScratch(g));
      conv2dForward(pool, x.address, w.address, bias.address, 'relu', y.address, scratch.address, g);
      assertClose(y.view, forwardReference(x.view, w.view, bias.view, g), name);
      assert.deepEqual(kernels, ['pack_filter', name === SHARED_FORWARD && pool.threads > 1 ? 'conv2d_shared' : 'conv2d_packed']);
    });
  }

  it('threads share a large convolution through the counter: 20 calls in a row, every pixel right each time (3 threads)', async () => {
    // 4,096 tiles: chunks of 64 to 682 tiles, so every thread takes some while the others run.
    const g = geometry(16, 32, 32, 8, 3, 3, 8, 1, 'same');
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 3, variant);
    pools.push(pool);
    const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(12));
    const w = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, random(13));
    const bias = heap.floats(g.outChannels, random(14));
    const y = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels);
    const scratch = heap.floats(forwardScratch(g));
    const expected = forwardReference(x.view, w.view, bias.view, g);
    const kernels = kernelsRun(pool);
    for (let call = 0; call < 20; call++) {
      y.view.fill(Number.NaN);
      conv2dForward(pool, x.address, w.address, bias.address, 'relu', y.address, scratch.address, g);
      assertClose(y.view, expected, `call ${call}`);
    }
    assert.equal(kernels.filter((k) => k === 'conv2d_shared').length, 20);
    heap.assertUntouched();
  });

  it('conv2d_shared starts at the counter: with it at k, one caller computes tiles k.. only', () => {
    // Valid padding: one class, so tile t is pixels 4t..4t+3 in (image, row, column) order.
    const g = geometry(2, 6, 6, 4, 3, 3, 8, 1, 'valid');
    const heap = new Heap(false);
    const pool = SimdPool.single(heap.memory, variant);
    const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(15));
    const w = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, random(16));
    const bias = heap.floats(g.outChannels, random(17));
    const y = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels);
    const scratch = heap.floats(forwardScratch(g));
    const pixels = g.batchSize * g.outHeight * g.outWidth;
    const tiles = pixels / 4;
    const [k, taps] = [3, g.filterHeight * g.filterWidth];
    pool.run('pack_filter', [[w.address, scratch.address, taps, g.inChannels, g.outChannels]]);
    const counter = scratch.address + 4 * (scratch.view.length - 4);
    new Int32Array(heap.memory.buffer, counter, 1)[0] = k;
    pool.run('conv2d_shared', [[x.address, scratch.address, y.address, g.batchSize, g.inHeight, g.inWidth, g.inChannels, g.outHeight, g.outWidth, g.outChannels,
      g.filterHeight, g.filterWidth, 1, 1, 0, 0, tiles, counter, 1, bias.address, ACTIVATIONS.relu]]);
    const expected = forwardReference(x.view, w.view, bias.view, g);
    const split = 4 * k * g.outChannels;
    assert.ok(y.view.subarray(0, split).every(Number.isNaN), 'tiles before the counter are left alone');
    assertClose(y.view.subarray(split), expected.subarray(split), 'tiles from the counter on');
    assert.equal(new Int32Array(heap.memory.buffer, counter, 1)[0], tiles, 'the counter ends at the tile count');
  });
});

describe(`conv2d_packed as the input gradient (${variant} SIMD kernels) equals the definition`, () => {
  /** dx by the definition, in float64. */
  function inputReference(dy: Float32Array, w: Float32Array, g: ConvGeometry): Float64Array {
    const dx = new Float64Array(g.batchSize * g.inHeight * g.inWidth * g.inChannels);
    forEachTap(g, (b, oh, ow, kh, kw, ih, iw) => {
      for (let ci = 0; ci < g.inChannels; ci++)
        for (let co = 0; co < g.outChannels; co++)
          dx[xAt(g, b, ih, iw) + ci]! += dy[yAt(g, b, oh, ow) + co]! * w[wAt(g, kh, kw) + ci * g.outChannels + co]!;
    });
    return dx;
  }
  const cases: [string, ConvGeometry][] = [
    ['3x3 same, 32 -> 32', geometry(2, 7, 7, 32, 3, 3, 32, 1, 'same')],
    ['3x3 same, 13 -> 6 (channel tails, 2 output tiles)', geometry(2, 5, 6, 13, 3, 3, 6, 1, 'same')],
    ['3x3 valid, 8 -> 16', geometry(3, 6, 6, 8, 3, 3, 16, 1, 'valid')],
    ['2x2 same (padding only below and right), 4 -> 5', geometry(1, 5, 5, 4, 2, 2, 5, 1, 'same')],
    ['5x3 same, 7 -> 9, 1x3 image', geometry(3, 1, 3, 7, 5, 3, 9, 1, 'same')],
    [SHARED_INPUT, geometry(12, 12, 12, 8, 3, 3, 8, 1, 'same')],
  ];
  for (const [name, g] of cases) {
    inEverySetting(name, variant, (heap, pool) => {
      const kernels = kernelsRun(pool);
      const dy = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels, random(6));
      const w = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels, random(7));
      const dx = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels);
      const scratch = heap.floats(backpropInputScratch(g)); // NaN-filled: the packed filter must overwrite what it reads
      conv2dBackpropInput(pool, dy.address, w.address, dx.address, scratch.address, g);
      assertClose(dx.view, inputReference(dy.view, w.view, g), name);
      assert.deepEqual(kernels, ['pack_flipped_filter', name === SHARED_INPUT && pool.threads > 1 ? 'conv2d_shared' : 'conv2d_packed']);
    });
  }

  it('rejects strides other than 1', () => {
    const heap = new Heap(false);
    assert.throws(() => conv2dBackpropInput(SimdPool.single(heap.memory, variant), 0, 0, 0, 0, geometry(1, 6, 6, 1, 3, 3, 1, 2, 'same')), /strides and dilations must be 1/);
  });
});
}

describe('sum_leading_axes (SIMD kernel) equals the definition', () => {
  for (const [rows, cols] of [[1, 1], [1000, 5], [700, 16], [300, 37], [50176, 32], [9, 256]] as const) {
    for (const threads of [1, 2, 3]) {
      it(`[${rows}, ${cols}] summed over rows, ${threads} thread(s)`, async () => {
        const heap = new Heap(true);
        const pool = await SimdPool.start(heap.memory, threads);
        pools.push(pool);
        const x = heap.floats(rows * cols, random(3));
        const out = heap.floats(cols);
        sumLeadingAxes(pool, x.address, out.address, rows, cols);
        const expected = new Float64Array(cols);
        for (let i = 0; i < rows * cols; i++) expected[i % cols]! += x.view[i]!;
        assertClose(out.view, expected, 'sum');
        heap.assertUntouched();
      });
    }
  }
});

describe('relu_bias_grad (SIMD kernel) equals the definition', () => {
  // y as a ReLU's output: zeros, positives, and a NaN (step(NaN) is NaN, as tfjs's Step); dy with zeros of both signs and infinities.
  const yValue = (i: number) => [0, 0.5, 0, 2, random(8)(i) + 1, Number.NaN, 0, 3][i % 8]!;
  const dyValue = (i: number) => (i % 11 === 0 ? -0 : i % 13 === 0 ? Infinity : random(9)(i));
  for (const [rows, cols] of [[1, 1], [1000, 5], [700, 16], [300, 37], [12544, 32], [9, 256]] as const) {
    for (const threads of [1, 2, 3]) {
      it(`[${rows}, ${cols}], ${threads} thread(s)`, async () => {
        const heap = new Heap(true);
        const pool = await SimdPool.start(heap.memory, threads);
        pools.push(pool);
        const dy = heap.floats(rows * cols, dyValue);
        const y = heap.floats(rows * cols, yValue);
        const dz = heap.floats(rows * cols);
        const db = heap.floats(cols);
        const scratch = heap.floats(reluBiasGradScratch(pool, cols));
        reluBiasGrad(pool, dy.address, y.address, dz.address, db.address, scratch.address, rows, cols);
        // dz is exact: dy * 1, dy * 0 (infinity * 0 is NaN, -0 * 1 is -0) or NaN.
        for (let i = 0; i < rows * cols; i++) {
          const v = y.view[i]!;
          const expected = Math.fround(dy.view[i]! * (v > 0 ? 1 : Number.isNaN(v) ? Number.NaN : 0));
          assert.ok(Object.is(dz.view[i], expected), `dz[${i}] = ${dz.view[i]}, expected ${expected}`);
        }
        const expected = new Float64Array(cols);
        for (let i = 0; i < rows * cols; i++) expected[i % cols]! += dz.view[i]!;
        // Columns with a NaN or infinite dz sum to exactly that; the others within the tolerance.
        const finite = [...expected.keys()].filter((c) => Number.isFinite(expected[c]));
        for (const c of expected.keys()) if (!finite.includes(c)) assert.ok(Object.is(db.view[c], expected[c]), `db[${c}] = ${db.view[c]}, expected ${expected[c]}`);
        assertClose(Float32Array.from(finite, (c) => db.view[c]!), Float64Array.from(finite, (c) => expected[c]!), 'db');
        heap.assertUntouched();
      });
    }
  }
});

describe('max_pool_grad (SIMD kernel) equals the definition', () => {
  /** dx by the definition: each dy value to the first strict maximum of its window. */
  function poolReference(x: Float32Array, dy: Float32Array, g: PoolGeometry): Float32Array {
    const dx = new Float32Array(x.length);
    for (let b = 0; b < g.batchSize; b++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let c = 0; c < g.inChannels; c++) {
            let best = -Infinity;
            let where = -1;
            for (let fh = 0; fh < g.filterHeight; fh++)
              for (let fw = 0; fw < g.filterWidth; fw++) {
                const h = oh * g.strideHeight - g.padInfo.top + fh;
                const w = ow * g.strideWidth - g.padInfo.left + fw;
                if (h < 0 || h >= g.inHeight || w < 0 || w >= g.inWidth) continue;
                const at = ((b * g.inHeight + h) * g.inWidth + w) * g.inChannels + c;
                if (x[at]! > best) [best, where] = [x[at]!, at];
              }
            if (where >= 0) dx[where]! += dy[((b * g.outHeight + oh) * g.outWidth + ow) * g.inChannels + c]!;
          }
    return dx;
  }
  const cases: [string, PoolGeometry][] = [
    ['2x2 stride 2 valid, 32 channels', { ...geometry(3, 8, 8, 32, 2, 2, 32, 2, 'valid') }],
    ['3x3 stride 1 same, 6 channels', { ...geometry(2, 7, 7, 6, 3, 3, 6, 1, 'same') }],
    ['3x3 stride 2 same, 5 channels', { ...geometry(2, 8, 8, 5, 3, 3, 5, 2, 'same') }],
  ];
  for (const [name, g] of cases) {
    for (const threads of [1, 2]) {
      it(`${name}, ties (ReLU zeros), -inf and NaN, ${threads} thread(s)`, async () => {
        const heap = new Heap(true);
        const pool = await SimdPool.start(heap.memory, threads);
        pools.push(pool);
        const noise = random(4);
        const special = [0, 0, 0, -Infinity, Number.NaN];
        const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, (i) => (i % 7 < 5 ? special[i % 7]! : noise(i)));
        const dy = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.inChannels, random(5));
        const dx = heap.floats(x.view.length);
        maxPoolGrad(pool, x.address, dy.address, dx.address, g);
        assertClose(dx.view, poolReference(x.view, dy.view, g), name);
        heap.assertUntouched();
      });
    }
  }
});

describe('the pool', () => {
  it('throws when a part traps (calling thread or worker), then runs the next job', async () => {
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 2);
    pools.push(pool);
    const x = heap.floats(64, random(8));
    const out = heap.floats(8);
    const beyond = PAGES * 65536; // one past the heap: any access traps
    const ok = [x.address, out.address, 8, 8, 0, 4];
    assert.throws(() => pool.run('sum_leading_axes', [[beyond, out.address, 8, 8, 0, 4], [x.address, out.address, 8, 8, 4, 8]]), WebAssembly.RuntimeError);
    assert.throws(() => pool.run('sum_leading_axes', [ok, [beyond, out.address, 8, 8, 4, 8]]), /failed in a worker thread/);
    pool.run('sum_leading_axes', [ok, [x.address, out.address, 8, 8, 4, 8]]);
    for (let c = 0; c < 8; c++) assert.ok(Math.abs(out.view[c]! - [0, 1, 2, 3, 4, 5, 6, 7].reduce((t, r) => t + x.view[r * 8 + c]!, 0)) < 1e-5);
  });

  it(`hands a job to a worker that is still spinning (back to back) or asleep (past SPIN_MS, ${SPIN_MS} ms)`, async () => {
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 2);
    pools.push(pool);
    const x = heap.floats(64, random(11));
    const out = heap.floats(8);
    const expected = [0, 1, 2, 3, 4, 5, 6, 7].map((c) => [0, 1, 2, 3, 4, 5, 6, 7].reduce((t, r) => t + x.view[r * 8 + c]!, 0));
    for (const pauseMs of [0, 0, 0, 5 * SPIN_MS, 0, 5 * SPIN_MS]) {
      if (pauseMs > 0) await sleep(pauseMs);
      out.view.fill(Number.NaN);
      // The worker's part (columns 4-7) is done before run() returns.
      pool.run('sum_leading_axes', [[x.address, out.address, 8, 8, 0, 4], [x.address, out.address, 8, 8, 4, 8]]);
      for (let c = 0; c < 8; c++) assert.ok(Math.abs(out.view[c]! - expected[c]!) < 1e-5, `column ${c} after a ${pauseMs} ms pause`);
    }
  });

  it('runs a job once when a late notify wakes its sleeping worker (the job counter says a job is new, not a wake-up)', async () => {
    // Under load the calling thread can be descheduled between Atomics.add and Atomics.notify;
    // its notify then reaches a worker that has already run the job and gone to sleep. The
    // worker once took that wake-up for a job: it ran its part again and counted it done twice.
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 2);
    pools.push(pool);
    const out = heap.floats(8, () => 0);
    const partial = heap.floats(8, () => 1);
    pool.run('add_partials', [[out.address, partial.address, 1, 8, 0, 4], [out.address, partial.address, 1, 8, 4, 8]]);
    assert.deepEqual([...out.view], [1, 1, 1, 1, 1, 1, 1, 1]);
    const control = (pool as unknown as { control: Int32Array }).control;
    const done = Atomics.load(control, 1);
    // The late notify, once the worker sleeps on the counter (past its spin).
    let woken = 0;
    for (let tries = 0; tries < 200 && woken === 0; tries++) {
      await sleep(5 * SPIN_MS);
      woken = Atomics.notify(control, 0);
    }
    assert.equal(woken, 1, 'the worker never slept on the job counter');
    // A worker that took the wake-up for a job counts itself done again and notifies: wait up to 1 s for that.
    Atomics.wait(control, 1, done, 1000);
    assert.equal(Atomics.load(control, 1), done, 'the worker counted a job it was not given');
    assert.deepEqual([...out.view], [1, 1, 1, 1, 1, 1, 1, 1], 'the worker ran its part again');
  });

  it('spins only when its threads fit on the cores the process may use', () => {
    assert.equal(spinMs(2, 2), SPIN_MS);
    assert.equal(spinMs(1, 16), SPIN_MS);
    assert.equal(spinMs(3, 2), 0);
  });

  it('refuses work after close(), and more parts than threads', async () => {
    const heap = new Heap(true);
    const pool = await SimdPool.start(heap.memory, 2);
    assert.throws(() => pool.run('sum_leading_axes', [[], [], []]), /3 parts for 2 threads/);
    pool.close();
    assert.throws(() => pool.run('sum_leading_axes', [[0, 0, 0, 0, 0, 0]]), /used after close/);
  });

  it('simdPool gives the started pool, and a working single-thread one once that is closed', async () => {
    const heap = { wasmMemory: new Heap(true).memory };
    const started = await startSimdPool(heap, 2);
    assert.equal(simdPool(heap), started);
    started.close();
    const replacement = simdPool(heap);
    assert.notEqual(replacement, started);
    assert.ok(replacement.usable);
    assert.equal(replacement.threads, 1);
    replacement.close();
  });

  it('of two overlapping starts, the later one wins and the earlier closes its pool', async () => {
    const heap = { wasmMemory: new Heap(true).memory };
    const first = startSimdPool(heap, 2);
    const second = startSimdPool(heap, 2);
    await assert.rejects(first, /a later start/);
    const pool = await second;
    assert.equal(simdPool(heap), pool);
    pool.close();
  });

  it('has no workers on unshared memory', async () => {
    assert.equal((await SimdPool.start(new Heap(false).memory, 4)).threads, 1);
  });
});

describe('kernel builds', () => {
  it('relaxed SIMD is found exactly where V8 runs it by default (Node 22 and later)', () => {
    assert.equal(relaxedSimdSupported(), Number(process.versions.node.split('.')[0]) >= 22);
  });

  it('TFEXP_SIMD picks one; unset, the relaxed build where it runs; a bad value or relaxed without support is a clear error', () => {
    const saved = process.env.TFEXP_SIMD;
    try {
      delete process.env.TFEXP_SIMD;
      assert.equal(kernelVariant(), relaxedSimdSupported() ? 'relaxed' : 'plain');
      process.env.TFEXP_SIMD = 'plain';
      assert.equal(kernelVariant(), 'plain');
      process.env.TFEXP_SIMD = 'fma';
      assert.throws(() => kernelVariant(), /TFEXP_SIMD=fma: give plain .* or relaxed/);
      process.env.TFEXP_SIMD = 'relaxed';
      if (relaxedSimdSupported()) assert.equal(kernelVariant(), 'relaxed');
      else assert.throws(() => kernelVariant(), /does not run WebAssembly relaxed SIMD \(Node 22 and later do\)/);
    } finally {
      if (saved === undefined) delete process.env.TFEXP_SIMD;
      else process.env.TFEXP_SIMD = saved;
    }
  });

  it('the relaxed build fuses the multiply-add: other last bits than the plain one, both within tolerance', { skip: !relaxedSimdSupported() && 'this Node has no relaxed SIMD (22 and later do)' }, async () => {
    const g = geometry(2, 9, 9, 6, 3, 3, 17, 1, 'same');
    const results: Float32Array[] = [];
    for (const variant of ['plain', 'relaxed'] as const) {
      const heap = new Heap(false);
      const pool = await SimdPool.start(heap.memory, 1, variant);
      assert.equal(pool.variant, variant);
      const x = heap.floats(g.batchSize * g.inHeight * g.inWidth * g.inChannels, random(1));
      const dy = heap.floats(g.batchSize * g.outHeight * g.outWidth * g.outChannels, random(2));
      const dw = heap.floats(g.filterHeight * g.filterWidth * g.inChannels * g.outChannels);
      const scratch = heap.floats(backpropFilterScratch(pool, g));
      conv2dBackpropFilter(pool, x.address, dy.address, dw.address, scratch.address, g, 1 << 20);
      assertClose(dw.view, reference(x.view, dy.view, g), variant);
      results.push(Float32Array.from(dw.view));
    }
    const differing = results[0]!.filter((v, i) => v !== results[1]![i]).length;
    assert.ok(differing > 0, 'one rounding instead of two changes some results');
  });
});

describe('imageGroups (how many partial filter gradients conv2d_backprop_filter makes)', () => {
  it('one per thread for small filters, none on one thread or with fewer images than threads', () => {
    assert.equal(imageGroups(4, 64, 3 * 3 * 32 * 64), 4);
    assert.equal(imageGroups(1, 64, 3 * 3 * 32 * 64), 1);
    assert.equal(imageGroups(4, 3, 3 * 3 * 32 * 64), 1);
    assert.equal(imageGroups(4, 4, 3 * 3 * 32 * 64), 4);
  });

  it('capped by the 64 MiB budget for a big filter and many threads, whatever the thread count', () => {
    const filter = 3 * 3 * 512 * 512; // 9 MiB
    assert.equal(SCRATCH_BUDGET_BYTES, 64 * 1024 * 1024);
    assert.equal(imageGroups(64, 256, filter), 7); // floor(64 / 9)
    assert.equal(imageGroups(1024, 4096, filter), 7);
    assert.ok((imageGroups(64, 256, filter) - 1) * filter * 4 <= SCRATCH_BUDGET_BYTES);
    assert.equal(imageGroups(64, 256, 32 * 1024 * 1024), 1); // one filter over the budget: no image split
    assert.equal(imageGroups(8, 256, filter, 2 * 4 * filter), 2); // a budget of two filters (tests)
  });
});

describe('split', () => {
  it('covers 0..count in near-equal, non-empty parts', () => {
    assert.deepEqual(split(4, 2), [[0, 2], [2, 4]]);
    assert.deepEqual(split(5, 2), [[0, 2], [2, 5]]);
    assert.deepEqual(split(9, 4), [[0, 2], [2, 4], [4, 6], [6, 9]]);
    assert.deepEqual(split(1, 3), [[0, 1]]);
  });
});

describe('built modules', () => {
  const dir = new URL('../../src/backend/simd/', import.meta.url).pathname;
  // Another clang version gives other (equally valid) bytes: clang 14 builds the plain modules, clang 19 the relaxed ones.
  const tools = ['clang-14', 'wasm-ld-14', 'llvm-objdump-14', 'clang-19', 'wasm-ld-19', 'llvm-objdump-19'];
  const missing = tools.filter((tool) => {
    try {
      execFileSync(tool, ['--version'], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
  const skip = missing.length > 0 && `${missing.join(', ')} not installed (apt-get install clang-14 lld-14 llvm-14 clang-19 lld-19 llvm-19)`;
  it('match their C sources (rebuilt with build.sh: clang 14, and clang 19 for relaxed SIMD)', { skip }, () => {
    const copy = mkdtempSync(join(tmpdir(), 'tfexp-simd-'));
    try {
      cpSync(dir, copy, { recursive: true });
      execFileSync('sh', [join(copy, 'build.sh')], { stdio: 'pipe' });
      for (const file of ['kernels.wasm', 'kernels-unshared.wasm', 'kernels-relaxed.wasm', 'kernels-relaxed-unshared.wasm']) {
        assert.ok(readFileSync(join(copy, file)).equals(readFileSync(join(dir, file))), `${file} is stale: run npm run build:kernels`);
      }
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });
});
