/** Conv2D input gradient (stride 1) on tfexp's SIMD kernels (conv2d.c). */
import type { ConvGeometry } from './conv2d-backprop-filter.js';
import { split, type SimdPool } from './pool.js';

/** Output channels per register tile in the kernel (and per packed filter block). */
const TILE = 8;

/**
 * Floats of scratch conv2dBackpropInput needs: the packed flipped filter
 * [ceil(inChannels / 8), filterHeight * filterWidth, outChannels, 8], then outChannels zeros.
 */
export function backpropInputScratch(info: ConvGeometry): number {
  return Math.ceil(info.inChannels / TILE) * TILE * info.filterHeight * info.filterWidth * info.outChannels + info.outChannels;
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
  const packed = scratch;
  const zeros = scratch + 4 * (backpropInputScratch(info) - info.outChannels);
  pool.run('pack_flipped_filter', [[w, packed, kh, kw, info.inChannels, info.outChannels, zeros]]);
  const pixels = info.batchSize * info.inHeight * info.inWidth;
  const tiles = Math.ceil(pixels / 4);
  const parts = split(tiles, pool.threads).map(([begin, end]) => [
    dy, packed, dx, zeros, info.outHeight, info.outWidth, info.outChannels, info.inHeight, info.inWidth, info.inChannels,
    kh, kw, 1, 1, kh - 1 - padInfo.top, kw - 1 - padInfo.left, begin * 4, Math.min(end * 4, pixels),
  ]);
  pool.run('conv2d_packed', parts);
}
