/**
 * Conv2D filter gradient on tfexp's SIMD kernel (conv2d_backprop_filter.c): how a
 * call is split over threads and blocked for cache.
 */
import { imageGroups, SCRATCH_BUDGET_BYTES } from '../../model/filter-scratch.js';
import { split, type SimdPool } from './pool.js';

export { imageGroups, SCRATCH_BUDGET_BYTES };

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
 * Floats of scratch conv2dBackpropFilter needs: a partial filter gradient for each image
 * group but the first (imageGroups; none on one thread or for fewer images than threads),
 * at most SCRATCH_BUDGET_BYTES (or `budgetBytes`, tests) in all with dw.
 */
export function backpropFilterScratch(pool: SimdPool, info: ConvGeometry, budgetBytes = SCRATCH_BUDGET_BYTES): number {
  return (groupsOf(pool, info, budgetBytes) - 1) * filterSize(info);
}

/**
 * dw [filterHeight, filterWidth, inChannels, outChannels] = the gradient of a
 * convolution's loss with respect to its filter, from x [batch, inHeight, inWidth,
 * inChannels] and dy [batch, outHeight, outWidth, outChannels], all float32 at the
 * given heap byte offsets. dw is overwritten; `scratch` holds backpropFilterScratch(pool,
 * info, budgetBytes) floats (any content). With at least as many images as threads, the
 * images are split into imageGroups groups (contiguous memory, read once), each into its
 * own partial gradient (the first group's in dw, the others' in scratch), which are then
 * added in group order; a group's threads (threads / groups, when the scratch budget caps
 * the groups) split its output channels. Else threads split the output channels (whole
 * 8-channel tiles), or the filter taps when there are fewer tiles than threads.
 * `blockBytes` and `budgetBytes` (tests) override the cache block size and scratch budget.
 * @throws Error if dilation is not 1 (tfjs has no dilated conv gradients either).
 */
export function conv2dBackpropFilter(pool: SimdPool, x: number, dy: number, dw: number, scratch: number, info: ConvGeometry, blockBytes = BLOCK_BYTES, budgetBytes = SCRATCH_BUDGET_BYTES): void {
  if (info.dilationHeight !== 1 || info.dilationWidth !== 1) throw new Error('conv2d_backprop_filter: dilation must be 1');
  const taps = info.filterHeight * info.filterWidth;
  const xImage = info.inHeight * info.inWidth * info.inChannels;
  const dyImage = info.outHeight * info.outWidth * info.outChannels;
  const imagesPerBlock = Math.max(1, Math.floor(blockBytes / (4 * (xImage + dyImage))));
  const part = (b0: number, b1: number, out: number, tapBegin: number, tapEnd: number, coBegin: number, coEnd: number) => [
    x + 4 * b0 * xImage, dy + 4 * b0 * dyImage, out, b1 - b0, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth, info.outChannels,
    info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left,
    tapBegin, tapEnd, coBegin, coEnd, imagesPerBlock,
  ];
  const batch = info.batchSize;
  const co = info.outChannels;
  const tiles = Math.ceil(co / TILE_CO);
  const groups = groupsOf(pool, info, budgetBytes);
  if (groups > 1) {
    const size = filterSize(info);
    const tileShares = split(tiles, Math.floor(pool.threads / groups));
    pool.run('conv2d_backprop_filter', split(batch, groups).flatMap(([b0, b1], i) => tileShares.map(([begin, end]) =>
      part(b0, b1, i === 0 ? dw : scratch + 4 * (i - 1) * size, 0, taps, begin * TILE_CO, Math.min(end * TILE_CO, co)))));
    const chunks = split(Math.ceil(size / 4), pool.threads);
    pool.run('add_partials', chunks.map(([begin, end]) => [dw, scratch, groups - 1, size, 4 * begin, Math.min(4 * end, size)]));
    return;
  }
  const parts = tiles >= pool.threads
    ? split(tiles, pool.threads).map(([begin, end]) => part(0, batch, dw, 0, taps, begin * TILE_CO, Math.min(end * TILE_CO, co)))
    : split(taps, pool.threads).map(([begin, end]) => part(0, batch, dw, begin, end, 0, co));
  pool.run('conv2d_backprop_filter', parts);
}

function groupsOf(pool: SimdPool, info: ConvGeometry, budgetBytes: number): number {
  return imageGroups(pool.threads, info.batchSize, filterSize(info), budgetBytes);
}

function filterSize(info: ConvGeometry): number {
  return info.filterHeight * info.filterWidth * info.inChannels * info.outChannels;
}
