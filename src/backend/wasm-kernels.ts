/**
 * Training kernels for the WASM backend.
 *
 * tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter and no depthwise
 * backprop kernels, so a Conv2D, DepthwiseConv2D or SeparableConv2D layer
 * cannot train on it; its Conv2DBackpropInput is more than 10x slower than a
 * forward Conv2D of the same size. Here:
 * - Conv2DBackpropFilter is tfexp's own multi-threaded SIMD kernel (simd/):
 *   dW[kh, kw, ci, co] = sum_{b, oh, ow} x[b, oh*s + kh, ow*s + kw, ci] * dy[b, oh, ow, co]
 *   with a 4 x 8 register tile of dW per pass over a cache-sized block of images
 *   (2.3x faster than the formulation below on the baseline's layers, 2 threads).
 *   If that module cannot load, it is a forward convolution with the batch as channels:
 *   conv(x^T [ci, H, W, B], dy^T [oh, ow, B, co], dilation = s) sliced to [kh, kw] and transposed.
 * - Conv2DBackpropInput at stride 1 is a forward convolution of dy with the
 *   filter flipped in space and with in/out channels swapped ("full" padding):
 *   tfexp's SIMD kernel on a packed filter (4 pixels x 8 channels per register
 *   tile, about 1.4x faster than XNNPACK here), or one XNNPACK convolution if the
 *   SIMD module cannot load; other strides keep the package's kernel.
 * - DepthwiseConv2dNativeBackpropInput/Filter are direct loops (these layers
 *   are cheap; correctness matters more than speed), after tfjs-backend-cpu.
 * - MaxPoolGrad, and Sum over leading axes (bias gradients), are SIMD kernels too
 *   (the package's kernels transpose or loop per element); Identity shares its
 *   input's data instead of copying it.
 * - RMSPROP_UPDATE, the one-pass RMSprop step of src/model/rmsprop.ts, is a SIMD
 *   kernel (tfjs's optimizer runs about a dozen element-wise ops per variable).
 * Every kernel is tested numerically against the `cpu` backend, with the SIMD
 * kernels on and off (test/backend/wasm-kernels.test.ts), and each SIMD kernel
 * against its definition (test/backend/simd.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
// The package registers its kernels for `wasm`; the ones below replace or add to them.
import '@tensorflow/tfjs-backend-wasm';
import { conv2dBackpropFilter as simdBackpropFilter } from './simd/conv2d-backprop-filter.js';
import { ACTIVATIONS, backpropInputScratch, conv2dBackpropInput as simdBackpropInput, conv2dForward as simdConv2d, forwardScratch, type Activation } from './simd/conv2d.js';
import { maxPoolGrad as simdMaxPoolGrad } from './simd/max-pool-grad.js';
import { simdPool, type SimdPool } from './simd/pool.js';
import { sumLeadingAxes as simdSumLeadingAxes } from './simd/reduce.js';
import { rmspropUpdate as simdRmspropUpdate } from './simd/optimizers.js';
import { RMSPROP_UPDATE } from '../model/rmsprop.js';

type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

/** The parts of BackendWasm these kernels use. */
interface WasmBackend {
  /** The Emscripten module (its heap is what tfexp's SIMD kernels run on). */
  wasm: Parameters<typeof simdPool>[0];
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Attrs };
type KernelFn = (args: KernelArgs) => TensorInfo;
/** A kernel with several outputs. */
type MultiKernelFn = (args: KernelArgs) => TensorInfo[];

/** A registered wasm kernel's function (looked up at call time, so profilers that wrap kernels see the calls). */
function kernel(name: string): KernelFn {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new Error(`wasm kernel ${name} is not registered`);
  return config.kernelFunc as unknown as KernelFn;
}

function transpose(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return kernel('Transpose')({ inputs: { x }, backend, attrs: { perm } });
}

/** Forward NHWC convolution with explicit padding [[0, 0], [top, bottom], [left, right], [0, 0]]. */
function conv2d(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, dilations: [number, number], pad: number[][]): TensorInfo {
  return kernel('Conv2D')({
    inputs: { x, filter },
    backend,
    attrs: { strides: [1, 1], dilations, pad, dataFormat: 'NHWC', dimRoundingMode: undefined },
  });
}

function dispose(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, dilations: number | [number, number] = 1): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    dilations,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
    false,
    'channelsLast',
  );
}

/** The SIMD kernel pool on this backend's heap; undefined if it cannot start (or is switched off). */
function pool(backend: WasmBackend): SimdPool | undefined {
  if (!simdEnabled) return undefined;
  try {
    return simdPool(backend.wasm);
  } catch {
    simdEnabled = false; // tried once; the fallbacks take over
    return undefined;
  }
}
let simdEnabled = true;

/**
 * Switches tfexp's SIMD kernels on or off (off: each kernel's fallback runs, as when
 * the SIMD module cannot load). For tests and measurements of the fallbacks.
 */
export function useSimdKernels(enabled: boolean): void {
  simdEnabled = enabled;
}

/** Heap byte offset of a tensor's data. */
function address(backend: WasmBackend, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset;
}

/** dW for Conv2D: inputs x [B, H, W, ci] and dy [B, oh, ow, co]; output [kh, kw, ci, co], float32. */
const conv2DBackpropFilter: KernelFn = (args) => {
  const { inputs, backend, attrs } = args;
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const simd = pool(backend);
  if (simd === undefined) return conv2DBackpropFilterByConv(args);
  const out = backend.makeOutput(attrs.filterShape as number[], 'float32');
  simdBackpropFilter(simd, address(backend, x), address(backend, dy), address(backend, out), convInfo(x.shape, out.shape, attrs));
  return out;
};

/** conv2DBackpropFilter as one XNNPACK forward convolution (see the header). */
const conv2DBackpropFilterByConv: KernelFn = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = convInfo(x.shape, attrs.filterShape as number[], attrs);
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
};

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

/**
 * Input channels from which the SIMD forward convolution is used; below, XNNPACK's is
 * faster (a first layer on grayscale: 1.2 ms vs 2.6 ms for 64 x 28 x 28 x 1 -> 32).
 */
const SIMD_FORWARD_MIN_CHANNELS = 4;

/**
 * Forward Conv2D (fused: false) or FusedConv2D (fused: true; bias [co] and a linear,
 * relu or relu6 activation) on the SIMD kernel: about 20% faster than XNNPACK on the
 * baseline's layers. NHWC, float32, dilation 1, >= SIMD_FORWARD_MIN_CHANNELS input
 * channels; anything else (or no SIMD module) runs the package's kernel.
 */
function convolution(fallback: KernelFn, fused: boolean): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x, filter, bias, preluActivationWeights } = inputs as Record<'x' | 'filter' | 'bias' | 'preluActivationWeights', TensorInfo | undefined>;
    const activation = (fused ? attrs.activation : 'linear') as string;
    const dilations = (attrs.dilations ?? 1) as number | [number, number];
    const usable =
      attrs.dataFormat !== 'NCHW' && x!.dtype === 'float32' && x!.shape[3]! >= SIMD_FORWARD_MIN_CHANNELS &&
      (dilations === 1 || (Array.isArray(dilations) && dilations[0] === 1 && dilations[1] === 1)) &&
      activation in ACTIVATIONS && preluActivationWeights === undefined &&
      (bias === undefined || (bias.shape.length === 1 && bias.shape[0] === filter!.shape[3]));
    const simd = usable ? pool(backend) : undefined;
    if (simd === undefined) return fallback(args);
    const info = convInfo(x!.shape, filter!.shape, attrs);
    const out = backend.makeOutput(info.outShape, 'float32');
    const scratch = backend.makeOutput([forwardScratch(info)], 'float32');
    const biasAt = bias === undefined ? 0 : address(backend, bias);
    simdConv2d(simd, address(backend, x!), address(backend, filter!), biasAt, activation as Activation, address(backend, out), address(backend, scratch), info);
    dispose(backend, scratch);
    return out;
  };
}

/**
 * dx for Conv2D: inputs dy [B, oh, ow, co] and filter [kh, kw, ci, co]; output inputShape,
 * float32. Stride 1: the SIMD kernel, else one XNNPACK convolution with the flipped filter;
 * other strides: the package's kernel.
 */
function conv2DBackpropInput(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
    const info = convInfo(attrs.inputShape as number[], filter.shape, attrs);
    if (info.strideHeight !== 1 || info.strideWidth !== 1) return fallback(args);
    const simd = pool(backend);
    if (simd === undefined) {
      const p = info.padInfo;
      const fits = p.top < info.filterHeight && p.bottom < info.filterHeight && p.left < info.filterWidth && p.right < info.filterWidth;
      return fits ? conv2DBackpropInputByConv(backend, dy, filter, info) : fallback(args);
    }
    const out = backend.makeOutput(attrs.inputShape as number[], 'float32');
    const scratch = backend.makeOutput([backpropInputScratch(info)], 'float32');
    simdBackpropInput(simd, address(backend, dy), address(backend, filter), address(backend, out), address(backend, scratch), info);
    dispose(backend, scratch);
    return out;
  };
}

/** conv2DBackpropInput at stride 1 as one XNNPACK forward convolution of dy with the flipped, channel-swapped filter. */
function conv2DBackpropInputByConv(backend: WasmBackend, dy: TensorInfo, filter: TensorInfo, info: ConvInfo): TensorInfo {
  const p = info.padInfo;
  const kh = info.filterHeight;
  const kw = info.filterWidth;
  const flipped = flippedTransposedFilter(backend, filter);
  const out = conv2d(backend, dy, flipped, [1, 1], [[0, 0], [kh - 1 - p.top, kh - 1 - p.bottom], [kw - 1 - p.left, kw - 1 - p.right], [0, 0]]);
  dispose(backend, flipped);
  return out;
}

type DepthwiseInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function depthwiseInfo(xShape: number[], filterShape: number[], attrs: Attrs): DepthwiseInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number], filterShape as [number, number, number, number], attrs.strides as [number, number],
    attrs.dilations as [number, number], attrs.pad as 'same', attrs.dimRoundingMode as undefined, true,
  );
}

/**
 * Visits every (output position, filter tap) pair of a depthwise convolution whose input
 * position is inside the image, with the flat offsets of the input pixel, the output pixel
 * and the filter tap (channel 0 of each); the caller loops over channels.
 */
function forEachDepthwiseTap(info: DepthwiseInfo, visit: (xBase: number, dyBase: number, wBase: number) => void): void {
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
const depthwiseBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: TensorInfo; dy: TensorInfo };
  const info = depthwiseInfo(x.shape, attrs.filterShape as number[], attrs);
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

const depthwiseBackpropInput: KernelFn = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: TensorInfo; filter: TensorInfo };
  const info = depthwiseInfo(attrs.inputShape as number[], filter.shape, attrs);
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

/**
 * dx for MaxPool on the SIMD kernel: inputs dy [B, oh, ow, c] and x [B, H, W, c]; each
 * dy value goes to the first maximum of its window (tfjs-backend-cpu's rule). Without
 * the SIMD module, the package's kernel.
 */
function maxPoolGrad(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { dy, input: x } = inputs as { dy: TensorInfo; input: TensorInfo };
    const simd = pool(backend);
    if (simd === undefined) return fallback(args);
    const info = tf.backend_util.computePool2DInfo(
      x.shape as [number, number, number, number], attrs.filterSize as [number, number], attrs.strides as [number, number],
      1, attrs.pad as 'same', attrs.dimRoundingMode as undefined,
    );
    const out = backend.makeOutput(x.shape, 'float32');
    simdMaxPoolGrad(simd, address(backend, x), address(backend, dy), address(backend, out), info);
    return out;
  };
}

/**
 * Sum over leading axes (a bias gradient: dy summed over [batch, height, width]) on the
 * SIMD kernel, in one pass; the package's kernel transposes dy first. Other reductions,
 * other dtypes, or no SIMD module: the package's kernel.
 */
function sum(fallback: KernelFn): KernelFn {
  return (args) => {
    const { inputs, backend, attrs } = args;
    const { x } = inputs as { x: TensorInfo };
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((a, b) => a - b);
    const leading = axes.length > 0 && axes.length < x.shape.length && axes.every((axis, i) => axis === i);
    const simd = x.dtype === 'float32' && leading ? pool(backend) : undefined;
    if (simd === undefined) return fallback(args);
    const kept = x.shape.slice(axes.length);
    const out = backend.makeOutput(attrs.keepDims === true ? [...axes.map(() => 1), ...kept] : kept, 'float32');
    const cols = tf.util.sizeFromShape(kept);
    simdSumLeadingAxes(simd, address(backend, x), address(backend, out), tf.util.sizeFromShape(x.shape) / cols, cols);
    return out;
  };
}

/**
 * Identity without a copy: the output shares the input's data (reference-counted),
 * as the cpu and webgl backends and this backend's own Reshape do; the package's
 * Identity copies (about 6 ms per baseline training step).
 */
function identity(fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}

/**
 * The fused RMSprop update (src/model/rmsprop.ts): inputs value, gradient, ms, mom
 * (float32, one shape); outputs [value', ms', mom']. SIMD kernel, or the same
 * formulas in float32 (Math.fround after each operation) without it.
 */
const rmspropUpdate: MultiKernelFn = ({ inputs, backend, attrs }) => {
  const { value, gradient, ms, mom } = inputs as Record<'value' | 'gradient' | 'ms' | 'mom', TensorInfo>;
  const hyper = attrs as unknown as { learningRate: number; rho: number; momentum: number; epsilon: number };
  const outputs = [0, 1, 2].map(() => backend.makeOutput(value.shape, 'float32')) as [TensorInfo, TensorInfo, TensorInfo];
  const size = tf.util.sizeFromShape(value.shape);
  const simd = pool(backend);
  if (simd !== undefined) {
    const at = (info: TensorInfo) => address(backend, info);
    simdRmspropUpdate(simd, { w: at(value), g: at(gradient), ms: at(ms), mom: at(mom) }, { w: at(outputs[0]), ms: at(outputs[1]), mom: at(outputs[2]) }, size, hyper);
    return outputs;
  }
  const [w, g, s, m] = [value, gradient, ms, mom].map((info) => backend.typedArrayFromHeap(info)) as Float32Array[];
  const [wOut, sOut, mOut] = outputs.map((info) => backend.typedArrayFromHeap(info)) as Float32Array[];
  const f = Math.fround;
  const [lr, rho, oneMinusRho, momentum, epsilon] = [hyper.learningRate, hyper.rho, 1 - hyper.rho, hyper.momentum, hyper.epsilon].map(f) as number[];
  for (let i = 0; i < size; i++) {
    const gi = g![i]!;
    const si = f(f(s![i]! * rho!) + f(f(gi * gi) * oneMinusRho!));
    const mi = f(f(m![i]! * momentum!) + f(f(gi * lr!) / f(Math.sqrt(f(si + epsilon!)))));
    sOut![i] = si;
    mOut![i] = mi;
    wOut![i] = f(w![i]! - mi);
  }
  return outputs;
};

let registered = false;

/**
 * Registers the kernels above for the `wasm` backend (once per process).
 * Call after importing tfjs-backend-wasm and before training on it.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const replace = (kernelName: string, kernelFunc: KernelFn | MultiKernelFn) => {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    // Keep the package's setup (its cwrap bindings), which the fallback path needs.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: existing?.setupFunc });
  };
  const packageKernel = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc as unknown as KernelFn;
  const packageInput = packageKernel('Conv2DBackpropInput');
  replace('Conv2D', convolution(packageKernel('Conv2D'), false));
  replace('FusedConv2D', convolution(packageKernel('FusedConv2D'), true));
  replace('Conv2DBackpropFilter', conv2DBackpropFilter);
  replace('Conv2DBackpropInput', conv2DBackpropInput(packageInput));
  replace('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter);
  replace('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput);
  replace('MaxPoolGrad', maxPoolGrad(packageKernel('MaxPoolGrad')));
  replace('Sum', sum(packageKernel('Sum')));
  replace('Identity', identity(packageKernel('Identity')));
  replace(RMSPROP_UPDATE, rmspropUpdate);
}
