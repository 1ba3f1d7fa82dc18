/**
 * Dense, Dropout, Flatten, Reshape, Activation and Rescaling
 * (keras/src/layers/core/, reshaping/, regularization/, preprocessing/).
 */
import { tf } from './tfjs.js';
import type { LayerConfig } from '../../config/index.js';
import * as message from '../../log/message.js';
import { activation, initializer, regularizer } from './args.js';
import { baseArgs, LayerProblem, sizeOf, type LayerKind, type Shape } from './kind.js';

type Of<T extends LayerConfig['type']> = Extract<LayerConfig, { type: T }>;

const identity = (input: Shape) => ({ output: input, trainable: 0, nonTrainable: 0, flops: 0 });

/** Input: [batch, ..., d]. Output: [batch, ..., units]. FLOPs: 2 * d * units per position. */
export const dense: LayerKind<Of<'Dense'>> = {
  plan(config, input) {
    const features = input[input.length - 1]!;
    const positions = sizeOf(input.slice(0, -1));
    return {
      output: [...input.slice(0, -1), config.units],
      trainable: features * config.units + (config.use_bias ? config.units : 0),
      nonTrainable: 0,
      flops: 2 * positions * features * config.units,
    };
  },
  build: (config, context) =>
    tf.layers.dense({
      ...baseArgs(context),
      units: config.units,
      activation: activation(config.activation),
      useBias: config.use_bias,
      kernelInitializer: initializer(config.kernel_initializer, context.seed),
      biasInitializer: initializer(config.bias_initializer, context.seed + 1),
      kernelRegularizer: regularizer(config.kernel_regularizer),
      biasRegularizer: regularizer(config.bias_regularizer),
    }),
};

/**
 * Input and output: any shape.
 *
 * Porting Note: no `seed` is passed to tfjs. tfjs-layers feeds a Dropout seed
 * straight to `tf.randomUniform` on every call, which would draw the same mask
 * for every batch. Masks come from tfjs's unseeded generator instead, which the
 * runner makes reproducible by seeding it from the experiment seed.
 */
export const dropout: LayerKind<Of<'Dropout'>> = {
  plan: (_config, input) => identity(input),
  build: (config, context) => tf.layers.dropout({ ...baseArgs(context), rate: config.rate }),
};

/** Input: [batch, d1, d2, ...] (rank >= 2 without the batch axis, as tfjs requires). Output: [batch, d1 * d2 * ...]. */
export const flatten: LayerKind<Of<'Flatten'>> = {
  plan(_config, input) {
    if (input.length < 2) {
      throw new LayerProblem((layer) =>
        message.inputRank(layer, '[batch, d1, d2, ...] (rank 2 or more besides the batch axis)', input, 'The input is already flat: remove this Flatten.'),
      );
    }
    return { output: [sizeOf(input)], trainable: 0, nonTrainable: 0, flops: 0 };
  },
  build: (_config, context) => tf.layers.flatten(baseArgs(context)),
};

/** Input: any shape of N values. Output: [batch, ...target_shape], with one -1 inferred. */
export const reshape: LayerKind<Of<'Reshape'>> = {
  plan(config, input) {
    const target = config.target_shape;
    const unknowns = target.filter((d) => d === -1).length;
    if (unknowns > 1) throw new LayerProblem((layer) => message.reshapeTwoUnknowns(layer), 'target_shape');
    const inputSize = sizeOf(input);
    const known = sizeOf(target.filter((d) => d !== -1));
    const fits = unknowns === 0 ? known === inputSize : inputSize % known === 0;
    if (!fits) {
      throw new LayerProblem((layer) => message.reshapeSize(layer, target, input, inputSize), 'target_shape');
    }
    return { output: target.map((d) => (d === -1 ? inputSize / known : d)), trainable: 0, nonTrainable: 0, flops: 0 };
  },
  // tfjs would keep -1 as an unknown (null) dimension; the plan has resolved it.
  build: (_config, context) => tf.layers.reshape({ ...baseArgs(context), targetShape: [...context.output] }),
};

export const activationLayer: LayerKind<Of<'Activation'>> = {
  plan: (_config, input) => identity(input),
  build: (config, context) => tf.layers.activation({ ...baseArgs(context), activation: activation(config.activation) }),
};

/** output = input * scale + offset, elementwise. */
export const rescaling: LayerKind<Of<'Rescaling'>> = {
  plan: (_config, input) => identity(input),
  build: (config, context) => tf.layers.rescaling({ ...baseArgs(context), scale: config.scale, offset: config.offset }),
};
