/**
 * The memory one training step takes, estimated from the model plan before
 * anything is allocated: the estimate `tfexp summary` shows and the capacity
 * check (checks/memory.ts) compares with what the backend can hold.
 *
 * Everything is float32 (4 bytes). For a step of B samples, with P the trainable
 * and N the non-trainable parameters:
 *
 *   total             = weights + gradients + optimizer slots + activations + largest temporary
 *   weights           = 4 (P + N)
 *   gradients         = 4 P       every dW is alive until the update: tfjs's Optimizer.minimize
 *                                 computes all gradients (engine.gradients), then applies them
 *   optimizer slots   = 4 k P     k = optimizerSlots(): the slot variables tfjs-core 4.22's optimizers
 *                                 make: sgd 0, with momentum 1; rmsprop 2 (mean square and momentum,
 *                                 made even at momentum 0), centered 3; adam 2; adamax 2; adagrad 1;
 *                                 adadelta 2
 *   activations       = 4 B (input + labels and loss + sum over layers of kept(l) + grads(l))
 *   largest temporary = max(4 B max_l transient(l), 4 u W_max, 4 F) + 4 X
 *                       u W_max: the update's temporaries, u = updateTemporaries() tensors of the
 *                       largest weight tensor; F: Conv2DBackpropFilter's partial filter gradients,
 *                       max over trainable Conv2D filters f of (G - 1) f with G = imageGroups(T, B, f)
 *                       (T: the SIMD pool's threads; 0 when B < T); X: XNNPACK's packed copies of
 *                       Dense, depthwise and < 4-channel Conv2D weights (below)
 *
 * The backward pass and the update never overlap (the activations are freed when
 * engine.gradients' tidy ends), so adding the update's temporaries to the activations
 * makes the total an upper bound while they are the largest temporary (a few samples);
 * beyond, the total is affine in B. It never decreases with B, so the largest batch
 * within a limit is found by bisection (`largestBatchWithin`).
 *
 * Per layer, in tensors of its output's size O (I: its input's size) per sample:
 *
 *   layer                           kept                        grads (+ I for dx when its input
 *                                                                depends on a weight)      transient
 *   Conv2D, relu or linear          1                           1 (relu), 0 (linear)      0
 *   Conv2D (other activations),     1 + (1 with a bias, for     act.grads                 act.transient
 *   Dense                           relu/elu) + act.kept                                  (Dense: max with
 *                                                                                         I + O rounded up to 8)
 *   DepthwiseConv2D                 1 + 1 (bias) + act.kept     act.grads                 act.transient
 *   SeparableConv2D                 D + 1 + 1 (bias) + act.kept act.grads                 act.transient
 *                                   (D: the depthwise result)
 *   Activation                      act.kept                    act.grads - 1             act.transient
 *   Dropout                         4                           0                         1
 *   MaxPooling2D, AveragePooling2D,  1                          0                         0
 *   ZeroPadding2D
 *   GlobalMax/AveragePooling2D      1                           0                         I (max), 2 I (average)
 *   Rescaling                       2                           0                         0
 *   BatchNormalization              2                           5                         4
 *   LayerNormalization              8                           10                        5
 *   Flatten, Reshape                0 (they share their input's memory)
 *
 *   act (kept, grads, transient): linear 0,0,0; elu 1,1,0; softplus 1,1,1; relu, tanh, sigmoid,
 *   softmax 1,1,2; relu6, hard_sigmoid 2,2,2; swish, silu, mish 3,2,2; selu 3,3,2; softsign 4,4,2;
 *   gelu 7,6,2. Grads and transients count only once the layer's output depends on a weight.
 *
 * Where these come from (tfjs-core 4.22 and tfjs-layers 4.22, as tfexp trains:
 * makeTrainFunction -> optimizer.minimize -> engine.gradients):
 * - The forward pass runs inside tidy('forward'); a tensor survives it when a kernel's
 *   gradient saves it (inputsToSave / outputsToSave), and saved tensors live until
 *   tidy('backward') ends. So kept(l) counts every tensor of l a gradient needs.
 * - backpropagateGradients (tape.ts) keeps the gradient of every tensor on the path from a
 *   weight to the loss until the backward tidy ends (it frees none as it walks back).
 * - In training, fused.conv2d / fused.matMul run unfused unless the activation is linear
 *   (shouldFuse, fused_util.ts), and tfjs-layers routes only relu, elu and linear through
 *   them (mapActivationToFusedKernel): Dense with relu and a bias keeps three tensors
 *   (matMul, bias add, relu), linear one, softmax and the others two. tfexp's Conv2D with
 *   relu or linear runs one FusedConv2D kernel in training too (conv2d-bias-activation.ts):
 *   it keeps its output; relu's gradient adds dz = dy * step(y), which wasm's
 *   RELU_BIAS_GRAD writes directly (no transient; the tfjs ops other backends run
 *   instead make a Step, not counted: no limit is checked there).
 * - Dropout (randomUniform, add, floor, div, mul) keeps the random numbers (saved by Add),
 *   the floor (by RealDiv), the mask (by Mul) and the output.
 * - Transients: a gradient's intermediates, e.g. relu's dy * step(x) (Step and Cast).
 * The activation, normalisation, pooling and update figures were then measured on the
 * wasm backend (bytes allocated through tfjs-backend-wasm's _malloc, the peak of a
 * training step, per sample between batch sizes 8 and 24; test/model/memory.test.ts
 * repeats three such measurements). The baseline's estimate is 0.75% above the
 * measured peak at batch size 2861, and equals its growth per sample (1.24 MB) between
 * batch sizes 32 and 96; at 64 it is 7% above, by the update's temporaries, which no
 * longer coincide with the peak (the backward pass's).
 *
 * Kernel temporaries on the wasm backend, read in the sources; there is no im2col:
 * tfexp's SIMD Conv2D and Conv2DBackpropInput need only a packed filter and a 16-byte
 * tile counter (src/backend/simd/conv2d.ts forwardScratch, backpropInputScratch; for a Dense layer's
 * kernel gradient, run as a 1x1 convolution, that filter is dy, so it grows with the
 * batch: counted with the transposed input as the Dense transient above); its
 * Conv2DBackpropFilter, with at least as many images as threads, a partial filter gradient
 * per image group but the first (conv2d-backprop-filter.ts backpropFilterScratch: at most
 * T - 1 filters, and at most 64 MiB with dw), which is F above; XNNPACK's convolution keeps an indirection buffer of
 * kh * kw * round_up(oh * ow, mr) pointers for one image (convolution-nhwc.c,
 * indirection_buffer_size), not [B * oh * ow, kh * kw * cin] floats. That im2col buffer
 * is what tfjs-backend-webgl's conv2dWithIm2Row allocates, so it is not counted here.
 * Not counted either: the Conv2DBackpropFilter fallback used only when tfexp's SIMD
 * module cannot start (it transposes x and dy and XNNPACK packs dy^T: I + 2 O per
 * sample). XNNPACK's fully-connected operator (Dense's forward matMul) packs its
 * weights and tfjs-backend-wasm caches it until the kernel tensor is disposed, i.e.
 * until the update replaces it (batch_mat_mul_impl.cc xnn_matmul); depthwise
 * convolutions and the XNNPACK Conv2D of inputs with fewer than 4 channels do the
 * same. Those packed copies are X above.
 *
 * Not counted: the allocator's fragmentation and growth steps, the 56 bytes a tensor gets to
 * start on a cache line (src/backend/aligned-heap.ts), XNNPACK's small buffers,
 * the JavaScript side (datasets stay there as uint8), validation (forward only, smaller).
 * The capacity check keeps a reserve for them (checks/memory.ts).
 */
import type { ActivationName, LayerConfig, OptimizerConfig } from '../config/index.js';
import { imageGroups, simdThreadsInUse } from './filter-scratch.js';
import { sizeOf, type Shape } from './layers/index.js';
import { BYTES_PER_WEIGHT, type ModelPlan } from './plan.js';

/** Bytes per activation value: tfjs trains in float32. */
export const BYTES_PER_VALUE = 4;

/** The estimate, in bytes, for one batch size. */
export interface MemoryEstimate {
  readonly batchSize: number;
  /** All weights, trainable and not. */
  readonly weights: number;
  /** One gradient per trainable weight. */
  readonly gradients: number;
  /** The optimizer's slot variables. */
  readonly optimizerSlots: number;
  /** Tensors kept from the forward pass for the backward pass, and their gradients. */
  readonly activations: number;
  /** The largest short-lived buffer (a gradient's intermediates, a kernel's scratch, the update) plus XNNPACK's packed weights. */
  readonly largestTemporary: number;
  readonly total: number;
}

/** Slot variables per trainable weight that each optimizer keeps (tfjs-core 4.22, src/optimizers/*_optimizer.ts). */
export function optimizerSlots(optimizer: OptimizerConfig): number {
  switch (optimizer.type) {
    case 'sgd':
      // tfjs MomentumOptimizer: `accumulations`; plain SGDOptimizer: none.
      return optimizer.momentum > 0 || optimizer.nesterov ? 1 : 0;
    case 'rmsprop':
      // accumulatedMeanSquares and accumulatedMoments, made even at momentum 0; accumulatedMeanGrads when centered.
      return optimizer.centered ? 3 : 2;
    case 'adam': // accumulatedFirstMoment, accumulatedSecondMoment
    case 'adamax': // accumulatedFirstMoment, accumulatedWeightedInfNorm
    case 'adadelta': // accumulatedGrads, accumulatedUpdates
      return 2;
    case 'adagrad': // accumulatedGrads
      return 1;
  }
}

/**
 * Tensors of one variable's size alive at once while the optimizer updates it
 * (the new value and slots before `assign` frees the old, and the formula's
 * intermediates inside its tidy), measured on the wasm backend with tfjs-core 4.22's
 * applyGradients and tfexp's fused RMSprop.
 */
function updateTemporaries(optimizer: OptimizerConfig): number {
  switch (optimizer.type) {
    case 'sgd':
      return optimizer.nesterov ? 6 : optimizer.momentum > 0 ? 4 : 2;
    case 'rmsprop':
      // tfexp's fused update (src/model/rmsprop.ts) makes three outputs; centered runs tfjs's formula.
      return optimizer.centered ? 15 : 3;
    case 'adam':
      return 12;
    case 'adamax':
      return 8;
    case 'adagrad':
      return 6;
    case 'adadelta':
      return 14;
  }
}

/** What one layer costs per sample, in float32 values. */
interface LayerCost {
  /** Kept from its forward pass until the backward pass ends (output included). */
  readonly kept: number;
  /** Gradients it adds, kept until the backward pass ends (its input's gradient included, when computed). */
  readonly grads: number;
  /** Alive only while its gradient is computed. */
  readonly transient: number;
}

/** Activations tfjs-layers passes to fused ops (`mapActivationToFusedKernel`): unfused in training, so the bias add is kept. */
const FUSABLE = new Set<ActivationName>(['relu', 'elu']);

/**
 * Tensors of the output's size an activation keeps (its output and the intermediates
 * its gradient saves), adds as gradients (its input's gradient and the intermediates'),
 * and needs while its gradient runs. Measured on the wasm backend (tfjs 4.22) as the
 * per-sample growth of a training step's peak; composite formulas (gelu's erf, softsign's
 * x / (1 + |x|), selu's select) save every intermediate.
 */
function activationCost(name: ActivationName): { kept: number; grads: number; transient: number } {
  switch (name) {
    case 'linear':
      return { kept: 0, grads: 0, transient: 0 };
    case 'elu': // EluGrad reads the output: no intermediates
      return { kept: 1, grads: 1, transient: 0 };
    case 'softplus':
      return { kept: 1, grads: 1, transient: 1 };
    case 'relu': // dy * step(x): Step and Cast while it runs
    case 'tanh':
    case 'sigmoid':
    case 'softmax':
      return { kept: 1, grads: 1, transient: 2 };
    case 'relu6':
    case 'hard_sigmoid':
      return { kept: 2, grads: 2, transient: 2 };
    case 'swish':
    case 'silu':
    case 'mish':
      return { kept: 3, grads: 2, transient: 2 };
    case 'selu':
      return { kept: 3, grads: 3, transient: 2 };
    case 'softsign':
      return { kept: 4, grads: 4, transient: 2 };
    case 'gelu':
      return { kept: 7, grads: 6, transient: 2 };
  }
}

/**
 * Per-sample cost of a layer.
 * @param input, output the layer's shapes without the batch axis.
 * @param onPath whether the layer's output depends on a weight (its tensors get gradients).
 * @param inputOnPath whether its input does (its input gets a gradient).
 */
function layerCost(config: LayerConfig, input: Shape, output: Shape, onPath: boolean, inputOnPath: boolean): LayerCost {
  const I = sizeOf(input);
  const O = sizeOf(output);
  const dx = inputOnPath ? I : 0;
  /** A kernel's `main` kept tensors, then its activation; `fusedBias`: a bias tfjs adds inside the kernel unless the activation is relu or elu. */
  const withActivation = (act: ActivationName, fusedBias: boolean, main: number): LayerCost => {
    const a = activationCost(act);
    const biasAdd = FUSABLE.has(act) && fusedBias ? O : 0;
    return { kept: main + biasAdd + a.kept * O, grads: onPath ? a.grads * O + dx : 0, transient: onPath ? a.transient * O : 0 };
  };
  switch (config.type) {
    case 'Conv2D':
      // relu and linear: one FusedConv2D kernel in training too (see the header).
      if (config.activation === 'relu' || config.activation === 'linear') {
        return { kept: O, grads: onPath ? (config.activation === 'relu' ? O : 0) + dx : 0, transient: 0 };
      }
      return withActivation(config.activation, config.use_bias, O);
    case 'DepthwiseConv2D':
      // depthwiseConv2d, then K.biasAdd (its own tensor), then the activation.
      return withActivation(config.activation, false, O + (config.use_bias ? O : 0));
    case 'SeparableConv2D': {
      // separableConv2d keeps the depthwise result (the 1x1 convolution saves it), then K.biasAdd.
      const depthwise = (O / output[2]!) * input[2]! * config.depth_multiplier;
      return withActivation(config.activation, false, depthwise + O + (config.use_bias ? O : 0));
    }
    case 'Dense': {
      // On wasm the kernel's gradient x^T dy is a 1x1 convolution of x transposed (I) with dy as
      // its filter, packed to whole 8-channel tiles (src/backend/wasm-kernels/matmul.ts): both
      // freed before the next kernel, so they count as this layer's transient. (Its input
      // gradient dy W^T packs W: weight-sized, below the update's temporaries.)
      const cost = withActivation(config.activation, config.use_bias, O);
      return { ...cost, transient: onPath ? Math.max(cost.transient, I + Math.ceil(O / 8) * 8) : 0 };
    }
    case 'Activation': {
      const a = activationCost(config.activation);
      return { kept: a.kept * O, grads: onPath ? a.grads * O - (a.grads > 0 ? O : 0) + dx : 0, transient: onPath ? a.transient * O : 0 };
    }
    case 'Dropout':
      // random numbers, floor, mask, output; the gradient is dy * cast(mask).
      return { kept: 4 * O, grads: dx, transient: onPath ? O : 0 };
    case 'Flatten':
    case 'Reshape':
      return { kept: 0, grads: 0, transient: 0 };
    case 'MaxPooling2D':
    case 'AveragePooling2D':
    case 'ZeroPadding2D':
      return { kept: O, grads: dx, transient: 0 };
    case 'GlobalMaxPooling2D':
    case 'GlobalAveragePooling2D':
      // The gradient broadcasts dy back over the input (ones * dy / n, or dy * cast(x == max)).
      return { kept: O, grads: dx, transient: inputOnPath ? (config.type === 'GlobalAveragePooling2D' ? 2 * I : I) : 0 };
    case 'Rescaling':
      // inputs * scale + offset; the gradient is dy * scale (the add's is dy itself).
      return { kept: 2 * O, grads: dx, transient: 0 };
    case 'BatchNormalization':
      // moments: squared difference (saved by Mean); batchNorm output. Gradient: x - mean, dy * scale, and the
      // moments' gradients broadcast to the input's size.
      return { kept: 2 * O, grads: onPath ? 5 * O + dx : 0, transient: onPath ? 4 * O : 0 };
    case 'LayerNormalization':
      // moments over the features, then (x - mean) * rsqrt(variance + eps) * gamma + beta, each step saved.
      return { kept: 8 * O, grads: onPath ? 10 * O + dx : 0, transient: onPath ? 5 * O : 0 };
  }
}

/** Weights XNNPACK packs and tfjs-backend-wasm caches until the update: Dense kernels, depthwise kernels, convolutions of < 4 channels. */
function packedWeights(config: LayerConfig, input: Shape, params: number): number {
  switch (config.type) {
    case 'Dense':
    case 'DepthwiseConv2D':
      return params;
    case 'Conv2D':
      return input[2]! < 4 ? params : 0;
    default:
      return 0;
  }
}

/** The parts of an estimate that do not depend on the batch size, and the per-sample parts. */
interface Terms {
  readonly weights: number;
  readonly gradients: number;
  readonly optimizerSlots: number;
  /** Bytes per sample of activations. */
  readonly activationsPerSample: number;
  /** Bytes per sample of the largest layer temporary. */
  readonly temporaryPerSample: number;
  /** Bytes of the optimizer update's temporaries (independent of the batch). */
  readonly updateTemporary: number;
  /** Bytes of Conv2DBackpropFilter's partial filter gradients, at batch sizes of at least `threads`. */
  readonly filterScratch: number;
  readonly threads: number;
  readonly packed: number;
}

function terms(plan: ModelPlan, optimizer: OptimizerConfig, threads: number): Terms {
  let onPath = false;
  let filterScratch = 0;
  let kept = 0;
  let grads = 0;
  let transient = 0;
  let packed = 0;
  let largestVariable = 0;
  for (const l of plan.layers) {
    const inputOnPath = onPath;
    onPath ||= l.trainable > 0;
    const cost = layerCost(l.layer.config, l.input, l.output, onPath, inputOnPath);
    kept += cost.kept;
    grads += cost.grads;
    transient = Math.max(transient, cost.transient);
    packed += packedWeights(l.layer.config, l.input, l.trainable);
    largestVariable = Math.max(largestVariable, largestWeight(l.layer.config, l.input, l.output, l.trainable));
    const filter = convFilter(l.layer.config, l.input, l.trainable);
    // imageGroups at batch = threads: the groups at every batch of at least `threads` (fewer split no images).
    filterScratch = Math.max(filterScratch, (imageGroups(threads, threads, filter) - 1) * filter);
  }
  const classes = plan.output[plan.output.length - 1] ?? 1;
  // Loss and metrics: about twenty tensors of [batch, classes] (clip, log, one-hot, softmax gradient...), and the labels.
  const loss = 20 * classes + classes;
  const trainable = plan.trainableParams * BYTES_PER_WEIGHT;
  return {
    weights: plan.weightBytes,
    gradients: trainable,
    optimizerSlots: optimizerSlots(optimizer) * trainable,
    activationsPerSample: (sizeOf(plan.input) + loss + kept + grads) * BYTES_PER_VALUE,
    temporaryPerSample: transient * BYTES_PER_VALUE,
    updateTemporary: updateTemporaries(optimizer) * largestVariable * BYTES_PER_WEIGHT,
    filterScratch: filterScratch * BYTES_PER_WEIGHT,
    threads,
    packed: packed * BYTES_PER_WEIGHT,
  };
}

/** Floats of a trainable layer's filter whose gradient is a Conv2DBackpropFilter (Conv2D, SeparableConv2D's pointwise step); 0 for others. */
function convFilter(config: LayerConfig, input: Shape, trainable: number): number {
  if (trainable === 0) return 0;
  switch (config.type) {
    case 'Conv2D':
      return trainable - (config.use_bias ? config.filters : 0);
    case 'SeparableConv2D':
      return input[2]! * config.depth_multiplier * config.filters;
    default:
      return 0;
  }
}

/** The largest single weight tensor of a layer (its kernel; biases are smaller). */
function largestWeight(config: LayerConfig, input: Shape, output: Shape, trainable: number): number {
  switch (config.type) {
    case 'Dense':
      return input[input.length - 1]! * config.units;
    case 'Conv2D':
      return trainable - (config.use_bias ? config.filters : 0);
    case 'SeparableConv2D':
      return Math.max(input[2]! * config.depth_multiplier * config.filters, trainable - (config.use_bias ? config.filters : 0) - input[2]! * config.depth_multiplier * config.filters);
    default:
      return output.length > 0 ? trainable : 0;
  }
}

function estimateFrom(t: Terms, batchSize: number): MemoryEstimate {
  const activations = t.activationsPerSample * batchSize;
  const filterScratch = t.threads > 1 && batchSize >= t.threads ? t.filterScratch : 0;
  const largestTemporary = Math.max(t.temporaryPerSample * batchSize, t.updateTemporary, filterScratch) + t.packed;
  return {
    batchSize,
    weights: t.weights,
    gradients: t.gradients,
    optimizerSlots: t.optimizerSlots,
    activations,
    largestTemporary,
    total: t.weights + t.gradients + t.optimizerSlots + activations + largestTemporary,
  };
}

/**
 * Bytes one training step takes at `batchSize` (see the formula above).
 * @param batchSize samples per step: the configured batch size, or the training set's size when smaller.
 * @param threads the SIMD kernel pool's threads (their partial filter gradients); by default the running pool's, 1 without one.
 */
export function estimateTrainingMemory(plan: ModelPlan, batchSize: number, optimizer: OptimizerConfig, threads = simdThreadsInUse()): MemoryEstimate {
  return estimateFrom(terms(plan, optimizer, threads), batchSize);
}

/**
 * The largest batch size whose estimate is at most `limitBytes`, up to `atMost`; 0 when
 * not even one sample fits (the weights, gradients and slots alone are too big).
 */
export function largestBatchWithin(plan: ModelPlan, optimizer: OptimizerConfig, limitBytes: number, atMost = 2 ** 31, threads = simdThreadsInUse()): number {
  const t = terms(plan, optimizer, threads);
  const fits = (batch: number) => estimateFrom(t, batch).total <= limitBytes;
  if (!fits(1)) return 0;
  let low = 1;
  let high = atMost;
  if (fits(high)) return high;
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (fits(middle)) low = middle;
    else high = middle;
  }
  return low;
}
