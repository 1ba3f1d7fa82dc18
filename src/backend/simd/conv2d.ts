/**
 * Convolutions on tfexp's SIMD kernels (conv2d.c): the forward pass (Conv2D,
 * FusedConv2D with bias and relu/relu6) and the input gradient at stride 1.
 */
import type { ConvGeometry } from './conv2d-backprop-filter.js';
import type { SimdPool } from './pool.js';

/** Output channels per register tile in the kernel (and per packed filter block). */
const TILE = 8;

/** Activations the kernel applies in its store (codes of conv2d.c). */
export const ACTIVATIONS = { linear: 0, relu: 1, relu6: 2 } as const;
export type Activation = keyof typeof ACTIVATIONS;

/** Scratch floats after the packed filter: the threads' shared tile counter (int32), padded to 16 bytes. */
const COUNTER_FLOATS = 4;

/** Floats of scratch conv2dForward needs: the packed filter [ceil(co / 8), kh * kw, ci, 8], then a tile counter. */
export function forwardScratch(info: ConvGeometry): number {
  return packedSize(info.outChannels, info.inChannels, info) + COUNTER_FLOATS;
}

/** Heap byte offset of the tile counter in a scratch of `floats` floats at `scratch`: its last COUNTER_FLOATS. */
function counterAt(scratch: number, floats: number): number {
  return scratch + 4 * (floats - COUNTER_FLOATS);
}

/** Floats of a packed filter with `outer` channels in 8-lane blocks and `inner` channels per tap. */
function packedSize(outer: number, inner: number, info: ConvGeometry): number {
  return Math.ceil(outer / TILE) * TILE * info.filterHeight * info.filterWidth * inner;
}

/**
 * y [batch, outHeight, outWidth, outChannels] (overwritten) = x [batch, inHeight,
 * inWidth, inChannels] convolved with w [filterHeight, filterWidth, inChannels,
 * outChannels] (strides and padding of `info`, zeros outside the image), + bias
 * [outChannels] when `bias` is not 0, then `activation`. All float32 at heap byte
 * offsets; `scratch` holds forwardScratch(info) floats (any content). Threads split
 * y's pixels.
 * @throws Error for dilation other than 1.
 */
export function conv2dForward(
  pool: SimdPool, x: number, w: number, bias: number, activation: Activation, y: number, scratch: number, info: ConvGeometry,
): void {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('conv2d_packed: dilation must be 1');
  const taps = info.filterHeight * info.filterWidth;
  pool.run('pack_filter', [[w, scratch, taps, info.inChannels, info.outChannels]]);
  run(pool, x, scratch, counterAt(scratch, forwardScratch(info)), y, info.batchSize, [info.inHeight, info.inWidth, info.inChannels], [info.outHeight, info.outWidth, info.outChannels],
    [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left], bias, ACTIVATIONS[activation]);
}

/**
 * Floats of scratch conv2dBackpropInput needs: the packed flipped filter
 * [ceil(inChannels / 8), filterHeight * filterWidth, outChannels, 8], then a tile counter.
 */
export function backpropInputScratch(info: ConvGeometry): number {
  return packedSize(info.inChannels, info.outChannels, info) + COUNTER_FLOATS;
}

/**
 * dx [batch, inHeight, inWidth, inChannels] (overwritten) = the gradient of a stride-1
 * convolution's loss with respect to its input, from dy [batch, outHeight, outWidth,
 * outChannels] and the filter w [filterHeight, filterWidth, inChannels, outChannels]:
 * a convolution of dy with w flipped in space and with channels swapped, "full" padding
 * (filter size - 1 - the forward padding). All float32 at heap byte offsets; `scratch`
 * holds backpropInputScratch(info) floats (any content). Threads split dx's pixels.
 * @throws Error for strides or dilations other than 1.
 */
export function conv2dBackpropInput(pool: SimdPool, dy: number, w: number, dx: number, scratch: number, info: ConvGeometry): void {
  const { filterHeight: kh, filterWidth: kw, padInfo } = info;
  if (info.strideHeight !== 1 || info.strideWidth !== 1 || info.dilationHeight !== 1 || info.dilationWidth !== 1) {
    throw new Error('conv2d_backprop_input: strides and dilations must be 1');
  }
  pool.run('pack_flipped_filter', [[w, scratch, kh, kw, info.inChannels, info.outChannels]]);
  run(pool, dy, scratch, counterAt(scratch, backpropInputScratch(info)), dx, info.batchSize, [info.outHeight, info.outWidth, info.outChannels], [info.inHeight, info.inWidth, info.inChannels],
    [kh, kw, 1, 1, kh - 1 - padInfo.top, kw - 1 - padInfo.left], 0, ACTIVATIONS.linear);
}

/**
 * Tiles per thread from which threads share a convolution's tiles through a counter
 * (conv2d_shared) rather than take fixed shares: twice conv2d.c's MIN_TILES, so there are at
 * least two chunks per thread to balance with. Fewer tiles (the baseline's 3x3 layers on 2
 * threads, or a 7x7 layer on 16) are split by cost in advance.
 */
const SHARED_TILES_PER_THREAD = 128;

/**
 * conv2d_packed over all output pixels. With many tiles for the pool's threads, the threads
 * take chunks of tiles as they go (conv2d_shared, through the int32 at `counter`), so a
 * thread that starts late or runs slower (its core shared, its cache cold) takes fewer:
 * measured on the baseline at batch 64 with 2 threads, the 14x14 and 7x7 layers ran 10-15%
 * faster than with fixed shares. Otherwise the tiles are split in advance by cost
 * (conv2d_split: border tiles have fewer taps). Either way each output pixel is computed
 * the same way, so the result does not depend on the split.
 * window: [filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft].
 */
function run(
  pool: SimdPool, input: number, packed: number, counter: number, output: number, batch: number,
  inShape: [number, number, number], outShape: [number, number, number], window: number[], bias: number, activation: number,
): void {
  const [filterHeight, filterWidth, ...strideAndPad] = window;
  const geometry = [batch, inShape[0], inShape[1], outShape[0], outShape[1], filterHeight!, filterWidth!, ...strideAndPad];
  const threads = pool.threads;
  const tiles = pool.call('conv2d_split', [...geometry, 1, 1]);
  const conv = [input, packed, output, batch, ...inShape, ...outShape, ...window];
  if (threads > 1 && tiles >= SHARED_TILES_PER_THREAD * threads) {
    new Int32Array(pool.memory.buffer, counter, 1)[0] = 0; // published to the workers by run()'s Atomics.add
    const args = [...conv, tiles, counter, threads, bias, activation];
    pool.run('conv2d_shared', Array.from({ length: threads }, () => args));
    return;
  }
  const bounds = Array.from({ length: threads + 1 }, (_, part) => (part === threads ? tiles : pool.call('conv2d_split', [...geometry, part, threads])));
  const parts = bounds
    .slice(0, -1)
    .map((begin, i) => [begin, bounds[i + 1]!] as const)
    .filter(([begin, end]) => begin < end)
    .map(([begin, end]) => [...conv, begin, end, bias, activation]);
  pool.run('conv2d_packed', parts);
}
