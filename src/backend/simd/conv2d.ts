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

/** Floats of scratch conv2dForward needs: the packed filter [ceil(co / 8), kh * kw, ci, 8]. */
export function forwardScratch(info: ConvGeometry): number {
  return Math.ceil(info.outChannels / TILE) * TILE * info.filterHeight * info.filterWidth * info.inChannels;
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
  run(pool, x, scratch, y, info.batchSize, [info.inHeight, info.inWidth, info.inChannels], [info.outHeight, info.outWidth, info.outChannels],
    [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left], bias, ACTIVATIONS[activation]);
}

/**
 * Floats of scratch conv2dBackpropInput needs: the packed flipped filter
 * [ceil(inChannels / 8), filterHeight * filterWidth, outChannels, 8].
 */
export function backpropInputScratch(info: ConvGeometry): number {
  return Math.ceil(info.inChannels / TILE) * TILE * info.filterHeight * info.filterWidth * info.outChannels;
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
  run(pool, dy, scratch, dx, info.batchSize, [info.outHeight, info.outWidth, info.outChannels], [info.inHeight, info.inWidth, info.inChannels],
    [kh, kw, 1, 1, kh - 1 - padInfo.top, kw - 1 - padInfo.left], 0, ACTIVATIONS.linear);
}

/**
 * conv2d_packed over all output pixels, its 4-pixel tiles split over the pool's threads by
 * cost (conv2d_split: border tiles have fewer taps).
 * window: [filterHeight, filterWidth, strideHeight, strideWidth, padTop, padLeft].
 */
function run(
  pool: SimdPool, input: number, packed: number, output: number, batch: number,
  inShape: [number, number, number], outShape: [number, number, number], window: number[], bias: number, activation: number,
): void {
  const [filterHeight, filterWidth, ...strideAndPad] = window;
  const geometry = [batch, inShape[0], inShape[1], outShape[0], outShape[1], filterHeight!, filterWidth!, ...strideAndPad];
  const threads = pool.threads;
  const bounds = Array.from({ length: threads + 1 }, (_, part) => pool.call('conv2d_split', [...geometry, part, threads]));
  const parts = bounds
    .slice(0, -1)
    .map((begin, i) => [begin, bounds[i + 1]!] as const)
    .filter(([begin, end]) => begin < end)
    .map(([begin, end]) => [input, packed, output, batch, ...inShape, ...outShape, ...window, begin, end, bias, activation]);
  pool.run('conv2d_packed', parts);
}
