/**
 * Conv2D kernels for wasm: the forward pass and both gradients.
 * - Conv2D / FusedConv2D (bias, linear/relu/relu6): tfexp's SIMD direct convolution
 *   on a packed filter, which skips the taps outside the image (XNNPACK multiplies them
 *   by zeros): the baseline's seven such layers, batch 64, 2 threads, take 44-48 ms where
 *   the same kernel with zero taps took 51 ms and XNNPACK 68-71 ms (2026-12-02); XNNPACK
 *   (the package's kernel) for fewer than 4 input channels, dilation, NCHW or other
 *   activations.
 * - Conv2DBackpropFilter (the package has none): tfexp's SIMD kernel,
 *   dW[kh, kw, ci, co] = sum over b, oh, ow of x[b, oh*s - pad_top + kh, ow*s - pad_left + kw, ci] * dy[b, oh, ow, co],
 *   a 4 x 8 register tile of dW per pass over a cache-sized block of images, threads
 *   each taking a share of the images (the baseline's seven 3x3 layers, batch 64, 2
 *   threads: 48-50 ms against the fallback's 128-130, 2026-12-02). Fallback: a forward
 *   XNNPACK convolution with the batch as channels,
 *   conv(x^T [ci, H, W, B], dy^T [oh, ow, B, co], dilation = s), sliced to [kh, kw] and transposed.
 * - Conv2DBackpropInput at stride 1: a forward convolution of dy with the filter
 *   flipped in space and with its channels swapped ("full" padding), on the SIMD
 *   kernel (the same seven layers: 46-49 ms against 80 ms as one XNNPACK convolution)
 *   or, as fallback, one XNNPACK
 *   convolution (the package's own kernel is more than 10x slower); other strides
 *   keep the package's kernel.
 */
import { backpropFilterScratch, conv2dBackpropFilter as simdBackpropFilter } from '../simd/conv2d-backprop-filter.js';
import {
  ACTIVATIONS, backpropInputScratch, conv2dBackpropInput as simdBackpropInput, conv2dForward as simdConv2d, forwardScratch, type Activation,
} from '../simd/conv2d.js';
import { address, checkShape, convInfo, dispose, kernel, makeOutputs, pool, withOutputs, type ConvInfo, type KernelFn, type TensorInfo, type WasmBackend } from './common.js';

/**
 * Input channels from which the SIMD forward convolution is used; below, XNNPACK's is
 * faster (a first layer on grayscale: 1.2 ms vs 2.6 ms for 64 x 28 x 28 x 1 -> 32).
 */
const SIMD_FORWARD_MIN_CHANNELS = 4;

/**
 * Forward Conv2D (fused: false) or FusedConv2D (fused: true): inputs x [B, H, W, ci],
 * filter [kh, kw, ci, co], optional bias [co]; output [B, oh, ow, co], float32.
 */
export function convolution(fallback: KernelFn, fused: boolean): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias, preluActivationWeights } = inputs as Record<'x' | 'filter' | 'bias' | 'preluActivationWeights', TensorInfo | null | undefined>;
    const activation = (fused ? attrs.activation : 'linear') as string;
    const dilations = (attrs.dilations ?? 1) as number | [number, number];
    const usable =
      attrs.dataFormat !== 'NCHW' && x!.dtype === 'float32' && filter!.dtype === 'float32' && x!.shape[3]! >= SIMD_FORWARD_MIN_CHANNELS &&
      (dilations === 1 || (Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1)) &&
      activation in ACTIVATIONS && preluActivationWeights == null &&
      (bias == null || (bias.dtype === 'float32' && bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]));
    const simd = usable ? pool(backend) : undefined;
    if (simd === undefined) return fallback(args);
    const info = convInfo(x!.shape, filter!.shape, attrs);
    const [out, scratch] = makeOutputs(backend, [info.outShape, [forwardScratch(info)]]) as [TensorInfo, TensorInfo];
    const biasAt = bias == null ? 0 : address(backend, bias);
    return withOutputs(backend, out, [scratch], () =>
      simdConv2d(simd, address(backend, x!), address(backend, filter!), biasAt, activation as Activation, address(backend, out), address(backend, scratch), info),
    );
  };
}

/** dW for Conv2D: inputs x [B, H, W, ci] and dy [B, oh, ow, co]; output [kh, kw, ci, co], float32. */
export const conv2DBackpropFilter: KernelFn = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
  checkShape('Conv2DBackpropFilter dy', dy, info.outShape);
  const simd = pool(backend);
  if (simd === undefined) return conv2DBackpropFilterByConv(backend, x, dy, info);
  const [out, scratch] = makeOutputs(backend, [attrs.filterShape as number[], [Math.max(1, backpropFilterScratch(simd, info))]]) as [TensorInfo, TensorInfo];
  return withOutputs(backend, out, [scratch], () =>
    simdBackpropFilter(simd, address(backend, x), address(backend, dy), address(backend, out), address(backend, scratch), info),
  );
};

/** The fallback of conv2DBackpropFilter: one XNNPACK forward convolution (see the header). */
function conv2DBackpropFilterByConv(backend: WasmBackend, x: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
  const p = info.padInfo;
  const xt = transpose(backend, x, [3, 1, 2, 0]);
  const dyt = transpose(backend, dy, [1, 2, 0, 3]);
  const full = conv2d(backend, xt, dyt, [info.strideHeight, info.strideWidth], [[0, 0], [p.top, p.bottom], [p.left, p.right], [0, 0]]);
  const exact = full.shape[1] === info.filterHeight && full.shape[2] === info.filterWidth;
  const cut = exact
    ? full
    : kernel('Slice')({ inputs: { x: full }, backend, attrs: { begin: [0, 0, 0, 0], size: [full.shape[0], info.filterHeight, info.filterWidth, full.shape[3]] } });
  const out = transpose(backend, cut, [1, 2, 0, 3]);
  dispose(backend, xt, dyt, full, ...(exact ? [] : [cut]));
  return out;
}

/**
 * dx for Conv2D: inputs dy [B, oh, ow, co] and filter [kh, kw, ci, co]; output
 * inputShape, float32.
 */
export function conv2DBackpropInput(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
    checkShape('Conv2DBackpropInput dy', dy, info.outShape);
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return fallback(args);
    const simd = pool(backend);
    if (simd === undefined) {
      const p = info.padInfo;
      const fits = p.top < info.filterHeight && p.bottom < info.filterHeight && p.left < info.filterWidth && p.right < info.filterWidth;
      return fits ? conv2DBackpropInputByConv(backend, dy, filter, info) : fallback(args);
    }
    const [out, scratch] = makeOutputs(backend, [attrs.inputShape as number[], [backpropInputScratch(info)]]) as [TensorInfo, TensorInfo];
    return withOutputs(backend, out, [scratch], () =>
      simdBackpropInput(simd, address(backend, dy), address(backend, filter), address(backend, out), address(backend, scratch), info),
    );
  };
}

/** The stride-1 fallback of conv2DBackpropInput: one XNNPACK convolution of dy with the flipped, channel-swapped filter. */
function conv2DBackpropInputByConv(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const p = info.padInfo;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const flipped = flippedTransposedFilter(backend, filter);
  const out = conv2d(backend, dy, flipped, [1, 1], [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]]);
  dispose(backend, flipped);
  return out;
}

/**
 * The filter W [kh, kw, ci, co] flipped in space with channels swapped:
 * W'[i, j, o, c] = W[kh-1-i, kw-1-j, c, o] (one pass over the weights).
 */
function flippedTransposedFilter(backend: WasmBackend, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const out = backend.makeOutput([kh, kw, co, ci], 'float32');
  const src = backend.typedArrayFromHeap(filter);
  const dst = backend.typedArrayFromHeap(out);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      const from = ((kh - 1 - i) * kw + (kw - 1 - j)) * ci * co;
      const to = (i * kw + j) * co * ci;
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) dst[to + o * ci + c] = src[from + c * co + o]!;
      }
    }
  }
  return out;
}

function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return kernel('Transpose')({ inputs: { x }, backend, attrs: { perm } });
}

/** The package's forward NHWC convolution with explicit padding [[0, 0], [top, bottom], [left, right], [0, 0]]. */
function conv2d(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, dilations: [number, number], pad: number[][]): TensorInfo {
  return packageConv2D({
    inputs: { x, filter },
    backend,
    attrs: { strides: [1, 1], dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  });
}

/** The package's Conv2D, saved by registerWasmTrainingKernels before it is replaced. */
let packageConv2D: KernelFn = (args) => kernel('Conv2D')(args);

export function setPackageConv2D(fn: KernelFn): void {
  packageConv2D = fn;
}
