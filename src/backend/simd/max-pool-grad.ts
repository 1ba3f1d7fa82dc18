/** MaxPool gradient on tfexp's SIMD kernel (max_pool_grad.c). */
import type { ConvGeometry } from './conv2d-backprop-filter.js';
import { split, type SimdPool } from './pool.js';

/** Geometry of a 2-D pooling, NHWC (tfjs's Conv2DInfo from computePool2DInfo has these fields). */
export type PoolGeometry = Pick<
  ConvGeometry,
  'batchSize' | 'inHeight' | 'inWidth' | 'inChannels' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth' | 'strideHeight' | 'strideWidth' | 'padInfo'
>;

/**
 * dx [batch, inHeight, inWidth, channels] (overwritten) from x (same shape) and
 * dy [batch, outHeight, outWidth, channels], float32 at heap byte offsets: each dy
 * value goes to the first maximum of its window (tfjs-backend-cpu's rule).
 * Threads split the batch.
 */
export function maxPoolGrad(pool: SimdPool, x: number, dy: number, dx: number, info: PoolGeometry): void {
  const parts = split(info.batchSize, pool.threads).map(([begin, end]) => [
    x, dy, dx, info.inHeight, info.inWidth, info.inChannels, info.outHeight, info.outWidth,
    info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth, info.padInfo.top, info.padInfo.left, begin, end,
  ]);
  pool.run('max_pool_grad', parts);
}
