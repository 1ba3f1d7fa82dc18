/**
 * Conv2D filter gradient on tfexp's SIMD kernel (conv2d_backprop_filter.c): how a
 * call is split over threads and blocked for cache.
 */
import { split, type SimdPool } from './pool.js';

/** Geometry of a 2-D convolution, NHWC (tfjs's Conv2DInfo has these fields). */
export interface ConvGeometry {
  readonly batchSize: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly inChannels: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly outChannels: number;
  readonly filterHeight: number;
  readonly filterWidth: number;
  readonly strideHeight: number;
  readonly strideWidth: number;
  readonly dilationHeight: number;
  readonly dilationWidth: number;
  readonly padInfo: { readonly top: number; readonly left: number };
}

/**
 * Bytes of x and dy one thread streams per block of images: the block is re-read
 * once per 4 x 8 tile of dw, so it should stay in L2 (128 KiB measured best or
 * equal among 64 KiB..1 MiB on the baseline's layers, 1 MiB L2 per core).
 */
const BLOCK_BYTES = 128 * 1024;

/** Output channels per register tile in the kernel. */
const TILE_CO = 8;

/**
 * dw [filterHeight, filterWidth, inChannels, outChannels] = the gradient of a
 * convolution's loss with respect to its filter, from x [batch, inHeight, inWidth,
 * inChannels] and dy [batch, outHeight, outWidth, outChannels], all float32 at the
 * given heap byte offsets. dw is overwritten. Work is split over the pool's threads
 * by output channels (whole 8-channel tiles), or by filter taps when there are fewer
 * tiles than threads. `blockBytes` (tests) overrides the cache block size.
 * @throws Error if dilation is not 1 (tfjs has no dilated conv gradients either).
 */
export function conv2dBackpropFilter(pool: SimdPool, x: number, dy: number, dw: number, info: ConvGeometry, blockBytes = BLOCK_BYTES): void {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('conv2d_backprop_filter: dilation must be 1');
  const taps = info.filterHeight * info.filterWidth;
  const bytesPerImage = 4 * (info.inHeight * info.inWidth * info.inChannels + info.outHeight * info.outWidth * info.outChannels);
  const imagesPerBlock = Math.max(1, Math.floor(blockBytes / bytesPerImage));
  const part = (tapBegin: number, tapEnd: number, coBegin: number, coEnd: number) => [
    x, dy, dw, info.batchSize, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
    tapBegin, tapEnd, coBegin, coEnd, imagesPerBlock,
  ];
  const tiles = Math.ceil(info.outChannels / TILE_CO);
  const parts: number[][] = [];
  if (tiles >= pool.threads) {
    for (const [begin, end] of split(tiles, pool.threads)) parts.push(part(0, taps, begin * TILE_CO, Math.min(end * TILE_CO, info.outChannels)));
  } else {
    for (const [begin, end] of split(taps, pool.threads)) parts.push(part(begin, end, 0, info.outChannels));
  }
  pool.run('conv2d_backprop_filter', parts);
}
