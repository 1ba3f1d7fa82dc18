/**
 * BatchNormalization and LayerNormalization (keras/src/layers/normalization/).
 * Input and output: the same shape; `axis` names the feature axis (-1 = last).
 */
import { tf } from './tfjs.js';
import type { LayerConfig } from '../../config/index.js';
import * as message from '../../log/message.js';
import { initializer } from './args.js';
import { baseArgs, LayerProblem, type BuildContext, type LayerKind, type Shape } from './kind.js';

type Of<T extends LayerConfig['type']> = Extract<LayerConfig, { type: T }>;

/**
 * Size of the feature axis. `axis` counts the batch axis as 0, as in Keras, so
 * for a [height, width, channels] sample axis 3 and -1 are both channels.
 * @throws LayerProblem when the axis does not exist.
 */
function featureSize(axis: number, input: Shape): number {
  const rank = input.length + 1;
  const resolved = axis < 0 ? rank + axis : axis;
  if (resolved < 1 || resolved >= rank) throw new LayerProblem((layer) => message.badAxis(layer, axis, input.length), 'axis');
  return input[resolved - 1]!;
}

/** The arguments both normalisations share: feature axis, epsilon, and the learned scale (gamma) and offset (beta). */
function affineArgs(config: Of<'BatchNormalization' | 'LayerNormalization'>, context: BuildContext) {
  return {
    ...baseArgs(context),
    axis: config.axis,
    epsilon: config.epsilon,
    center: config.center,
    scale: config.scale,
    betaInitializer: initializer(config.beta_initializer, context.seed),
    gammaInitializer: initializer(config.gamma_initializer, context.seed),
  };
}

/**
 * Weights per feature: gamma (if scale) and beta (if center), trainable;
 * moving mean and variance, not trainable. FLOPs: 0 (no kernel).
 */
export const batchNormalization: LayerKind<Of<'BatchNormalization'>> = {
  plan(config, input) {
    const features = featureSize(config.axis, input);
    return {
      output: input,
      trainable: features * (Number(config.center) + Number(config.scale)),
      nonTrainable: 2 * features,
      flops: 0,
    };
  },
  build: (config, context) =>
    tf.layers.batchNormalization({
      ...affineArgs(config, context),
      momentum: config.momentum,
      movingMeanInitializer: initializer(config.moving_mean_initializer, context.seed),
      movingVarianceInitializer: initializer(config.moving_variance_initializer, context.seed),
    }),
};

/** Weights per feature of `axis`: gamma (if scale) and beta (if center). */
export const layerNormalization: LayerKind<Of<'LayerNormalization'>> = {
  plan(config, input) {
    const features = featureSize(config.axis, input);
    return { output: input, trainable: features * (Number(config.center) + Number(config.scale)), nonTrainable: 0, flops: 0 };
  },
  build: (config, context) => tf.layers.layerNormalization(affineArgs(config, context)),
};
