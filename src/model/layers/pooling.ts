/**
 * MaxPooling2D, AveragePooling2D and their global forms (keras/src/layers/pooling/).
 *
 * Input shape: [batch, height, width, channels]
 * Output shape: [batch, new_height, new_width, channels] (windowed, `strides`
 * defaulting to `pool_size` as in Keras), or [batch, channels] (global).
 */
import { tf } from './tfjs.js';
import type { LayerConfig } from '../../config/index.js';
import * as message from '../../log/message.js';
import { windowOutput } from './convolutional.js';
import { baseArgs, LayerProblem, pair, type BuildContext, type LayerKind, type LayerPlan, type Shape } from './kind.js';

type PoolConfig = Extract<LayerConfig, { type: 'MaxPooling2D' | 'AveragePooling2D' }>;
type GlobalPoolConfig = Extract<LayerConfig, { type: 'GlobalMaxPooling2D' | 'GlobalAveragePooling2D' }>;

function planPool(config: PoolConfig, input: Shape): LayerPlan {
  const window = pair(config.pool_size);
  const strides = config.strides === null ? window : pair(config.strides);
  const [height, width] = windowOutput(input, window, strides, config.padding, [1, 1], {
    name: 'pool_size',
    argument: 'pool_size',
    fix: 'Use a smaller pool_size, padding: same, or fewer poolings before this layer.',
  });
  return { output: [height, width, input[2]!], trainable: 0, nonTrainable: 0, flops: 0 };
}

function poolArgs(config: PoolConfig, context: BuildContext) {
  const window = pair(config.pool_size);
  return {
    poolSize: window,
    strides: config.strides === null ? window : pair(config.strides),
    padding: config.padding,
    ...baseArgs(context),
  };
}

function planGlobal(_config: GlobalPoolConfig, input: Shape): LayerPlan {
  if (input.length !== 3) {
    throw new LayerProblem((layer) => message.inputRank(layer, '[batch, height, width, channels]', input));
  }
  return { output: [input[2]!], trainable: 0, nonTrainable: 0, flops: 0 };
}

export const maxPooling2d: LayerKind<Extract<PoolConfig, { type: 'MaxPooling2D' }>> = {
  plan: planPool,
  build: (config, context) => tf.layers.maxPooling2d(poolArgs(config, context)),
};

export const averagePooling2d: LayerKind<Extract<PoolConfig, { type: 'AveragePooling2D' }>> = {
  plan: planPool,
  build: (config, context) => tf.layers.averagePooling2d(poolArgs(config, context)),
};

export const globalMaxPooling2d: LayerKind<Extract<GlobalPoolConfig, { type: 'GlobalMaxPooling2D' }>> = {
  plan: planGlobal,
  build: (_config, context) => tf.layers.globalMaxPooling2d(baseArgs(context)),
};

export const globalAveragePooling2d: LayerKind<Extract<GlobalPoolConfig, { type: 'GlobalAveragePooling2D' }>> = {
  plan: planGlobal,
  build: (_config, context) => tf.layers.globalAveragePooling2d(baseArgs(context)),
};
