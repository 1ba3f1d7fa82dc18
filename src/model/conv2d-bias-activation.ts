/**
 * A Conv2D layer's convolution, bias add and activation as one kernel, in training too.
 *
 * tfjs-core's `fused.conv2d` runs the FusedConv2D kernel only outside a gradient tape or for
 * a linear activation (fused_util.ts `shouldFuse`); in training a Conv2D layer with ReLU runs
 * Conv2D, Add and Relu, three passes over its output, and their gradients Step, Multiply, Sum
 * (and Cast) before the convolution's own. Here the FusedConv2D kernel runs in training as
 * well, recorded on the tape like any kernel, with the gradient registered below:
 *
 *   dz = dy * step(y)          (relu; dz = dy for linear), y the kernel's output
 *   dx = Conv2DBackpropInput(dz, filter), dW = Conv2DBackpropFilter(x, dz),
 *   db = dz summed over [batch, height, width]
 *
 * the formulas of tfjs-core's fused conv2d gradient (ops/fused/conv2d.ts with fused_util.ts
 * getFusedDyActivation and getFusedBiasGradient). Where the backend registers RELU_BIAS_GRAD
 * (tfexp's wasm kernels) dz and db come from that one kernel, else from tfjs ops (Step,
 * Multiply, Sum). Each gradient is computed only if the tape asks for it: a model's first
 * layer gets no input gradient (tfjs's customGrad-based fused op computes all three).
 *
 * tfjs itself records FusedConv2D on no tape (its `fused.conv2d` wraps the kernel in
 * customGrad), so the registered gradient only serves conv2dBiasActivation.
 */
import { InternalError } from '../errors.js';
import { tf } from './layers/tfjs.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Tensor4D = import('@tensorflow/tfjs').Tensor4D;

/**
 * Kernel name of ReLU's gradient with the bias gradient, in one pass. Inputs { dy, y }:
 * float32, one shape [..., channels] (y a ReLU's output); attrs none; outputs
 * [dz = dy * step(y) (dy's shape), db = dz summed over all axes but the last ([channels])],
 * step as tfjs's Step kernel (1 for y > 0, 0 for y <= 0, NaN for NaN).
 */
export const RELU_BIAS_GRAD = 'TfexpReluBiasGrad';

/** Activations conv2dBiasActivation fuses (and has a gradient for). */
export const FUSED_ACTIVATIONS = ['linear', 'relu'] as const;
export type FusedActivation = (typeof FUSED_ACTIVATIONS)[number];

export interface Conv2DBiasActivationOptions {
  readonly strides: [number, number];
  readonly padding: 'same' | 'valid';
  readonly activation: FusedActivation;
}

/**
 * activation(conv2d(x, filter) + bias), one FusedConv2D kernel, differentiable in x, filter and
 * bias (the gradient above).
 * @param x [batch, height, width, inChannels], float32 (NHWC).
 * @param filter [filterHeight, filterWidth, inChannels, outChannels], float32.
 * @param bias [outChannels] float32, or null for none.
 * @returns [batch, outHeight, outWidth, outChannels] float32 (Keras's output size for `padding`).
 * @throws InternalError for other ranks, dtypes or channel counts (a layer's build checks them).
 */
export function conv2dBiasActivation(x: Tensor, filter: Tensor, bias: Tensor | null, options: Conv2DBiasActivationOptions): Tensor4D {
  const inputs: Record<string, Tensor> = bias === null ? { x, filter } : { x, filter, bias };
  for (const [name, tensor] of Object.entries(inputs)) {
    if (tensor.dtype !== 'float32') throw new InternalError(`conv2dBiasActivation: ${name} is ${tensor.dtype}, expected float32`);
  }
  const channels = filter.shape[3];
  if (x.rank !== 4 || filter.rank !== 4 || x.shape[3] !== filter.shape[2] || (bias !== null && (bias.rank !== 1 || bias.shape[0] !== channels))) {
    throw new InternalError(`conv2dBiasActivation: x [${x.shape}], filter [${filter.shape}], bias [${bias?.shape ?? ''}] do not fit`);
  }
  registerGradient();
  const attrs = { strides: options.strides, pad: options.padding, dataFormat: 'NHWC', dilations: [1, 1], dimRoundingMode: undefined, activation: options.activation };
  return tf.engine().runKernel('FusedConv2D', inputs, attrs as never) as Tensor4D;
}

let registered = false;

/** Registers the FusedConv2D gradient (once per process). */
function registerGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({ kernelName: 'FusedConv2D', inputsToSave: ['x', 'filter'], outputsToSave: [true], gradFunc: fusedConv2DGrad as never });
}

/**
 * The gradient of FusedConv2D as conv2dBiasActivation runs it: saved [x, filter, y].
 * @throws InternalError for attributes conv2dBiasActivation never sets (another activation,
 *   NCHW, dilation), should anything else record the kernel on a tape.
 */
function fusedConv2DGrad(dy: Tensor4D, saved: Tensor[], attrs: Record<string, unknown>): Record<'x' | 'filter' | 'bias', () => Tensor> {
  const [x, filter, y] = saved as [Tensor4D, Tensor4D, Tensor4D];
  const activation = attrs.activation as string;
  const dilations = attrs.dilations as number | number[];
  if (!(FUSED_ACTIVATIONS as readonly string[]).includes(activation) || attrs.dataFormat !== 'NHWC' || !tf.backend_util.tupleValuesAreOne(dilations)) {
    throw new InternalError(`no gradient for FusedConv2D with activation ${activation}, ${String(attrs.dataFormat)}, dilations ${String(dilations)}`);
  }
  const [dz, db] = activation === 'relu' ? reluBiasGrad(dy, y) : [dy, null];
  const conv = { strides: attrs.strides, pad: attrs.pad, dataFormat: 'NHWC', dimRoundingMode: attrs.dimRoundingMode };
  return {
    x: () => tf.engine().runKernel('Conv2DBackpropInput', { dy: dz, filter }, { ...conv, inputShape: x.shape } as never) as Tensor,
    filter: () => tf.engine().runKernel('Conv2DBackpropFilter', { x, dy: dz }, { ...conv, filterShape: filter.shape } as never) as Tensor,
    bias: () => db ?? tf.sum(dz, [0, 1, 2]),
  };
}

/** [dy * step(y), its sum over [batch, height, width]]: the backend's RELU_BIAS_GRAD kernel, or tfjs ops. */
function reluBiasGrad(dy: Tensor4D, y: Tensor4D): [Tensor4D, Tensor] {
  if (tf.getKernel(RELU_BIAS_GRAD, tf.getBackend()) !== undefined) return tf.engine().runKernel(RELU_BIAS_GRAD, { dy, y }, {}) as [Tensor4D, Tensor];
  const dz = tf.mul<Tensor4D>(dy, tf.step(y));
  return [dz, tf.sum(dz, [0, 1, 2])];
}
