/**
 * DepthwiseConv2dNativeBackpropInput/Filter for wasm (the package has neither), as
 * direct loops after tfjs-backend-cpu: these layers are cheap, so correctness matters
 * more than speed.
 */
import { convInfo, type ConvInfo, type KernelFn, type TensorInfo } from './common.js';

/**
 * Visits every (output position, filter tap) pair of a depthwise convolution whose input
 * position is inside the image, with the flat offsets of the input pixel, the output pixel
 * and the filter tap (channel 0 of each); the caller loops over channels.
 */
function forEachDepthwiseTap(info: ConvInfo, visit: (xBase: number, dyBase: number, wBase: number) => void): void {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, dilationHeight, dilationWidth, filterHeight, filterWidth } = info;
  for (let b = 0; b < batchSize; b++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let fh = 0; fh < filterHeight; fh++) {
        const h = oh * strideHeight - info.padInfo.top + fh * dilationHeight;
        if (h < 0 || h >= inHeight) continue;
        for (let ow = 0; ow < outWidth; ow++) {
          for (let fw = 0; fw < filterWidth; fw++) {
            const w = ow * strideWidth - info.padInfo.left + fw * dilationWidth;
            if (w < 0 || w >= inWidth) continue;
            visit(((b * inHeight + h) * inWidth + w) * inChannels, ((b * outHeight + oh) * outWidth + ow) * outChannels, (fh * filterWidth + fw) * outChannels);
          }
        }
      }
    }
  }
}

/**
 * Depthwise convolution backprop by direct loops, with tfjs-backend-cpu's index algebra
 * (DepthwiseConv2dNativeBackpropInput/Filter). Filter [kh, kw, ci, m]; dy [B, oh, ow, ci * m];
 * output channel d feeds from input channel floor(d / m).
 */
export const depthwiseBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs, true);
  const out = backend.makeOutput(attrs.filterShape as number[], 'float32');
  const dw = backend.typedArrayFromHeap(out).fill(0);
  const xv = backend.typedArrayFromHeap(x);
  const dyv = backend.typedArrayFromHeap(dy);
  const m = info.outChannels / info.inChannels;
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    for (let d = 0; d < info.outChannels; d++) dw[wBase + d] = dw[wBase + d]! + xv[xBase + Math.floor(d / m)]! * dyv[dyBase + d]!;
  });
  return out;
};

export const depthwiseBackpropInput: KernelFn = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = convInfo(attrs.inputShape as number[], filter.shape, attrs, true);
  const out = backend.makeOutput(attrs.inputShape as number[], 'float32');
  const dx = backend.typedArrayFromHeap(out).fill(0);
  const dyv = backend.typedArrayFromHeap(dy);
  const wv = backend.typedArrayFromHeap(filter);
  const m = info.outChannels / info.inChannels;
  forEachDepthwiseTap(info, (xBase, dyBase, wBase) => {
    for (let d = 0; d < info.outChannels; d++) {
      const i = xBase + Math.floor(d / m);
      dx[i] = dx[i]! + dyv[dyBase + d]! * wv[wBase + d]!;
    }
  });
  return out;
};
