/**
 * Conv2D, DepthwiseConv2D and SeparableConv2D (keras/src/layers/convolutional/).
 *
 * Input shape: [batch, height, width, channels]
 * Output shape: [batch, new_height, new_width, out_channels], where
 * new_size = ceil(size / stride) for `same` padding and
 * ceil((size - dilated_kernel + 1) / stride) for `valid` (Keras conv_utils.conv_output_length).
 */
import { tf } from './tfjs.js';
import type { LayerConfig } from '../../config/index.js';
import * as message from '../../log/message.js';
import { activation, initializer, regularizer } from './args.js';
import { conv2dLayer } from './fused-conv2d.js';
import { baseArgs, LayerProblem, pair, type BuildContext, type LayerKind, type LayerPlan, type Shape } from './kind.js';

type ConvConfig = Extract<LayerConfig, { type: 'Conv2D' | 'DepthwiseConv2D' | 'SeparableConv2D' }>;

/**
 * Output length of a convolution or pooling along one axis (Keras `conv_output_length`).
 * @returns the length; 0 or less when the window does not fit a `valid` input.
 */
export function convOutputLength(input: number, kernel: number, padding: 'valid' | 'same', stride: number, dilation = 1): number {
  const dilatedKernel = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' ? input : input - dilatedKernel + 1;
  return Math.ceil(length / stride);
}

/** Checks a [height, width, channels] input and computes the spatial output of a windowed layer. */
export function windowOutput(
  input: Shape,
  window: [number, number],
  strides: [number, number],
  padding: 'valid' | 'same',
  dilation: [number, number],
  what: { name: string; argument: string; fix: string },
): [number, number] {
  if (input.length !== 3) {
    throw new LayerProblem((layer) => message.inputRank(layer, '[batch, height, width, channels]', input));
  }
  const out: [number, number] = [
    convOutputLength(input[0]!, window[0], padding, strides[0], dilation[0]),
    convOutputLength(input[1]!, window[1], padding, strides[1], dilation[1]),
  ];
  if (out[0] <= 0 || out[1] <= 0) {
    const effective = window.map((k, i) => k + (k - 1) * (dilation[i]! - 1));
    throw new LayerProblem((layer) => message.windowTooLarge(layer, what.name, effective, input.slice(0, 2), what.fix), what.argument);
  }
  return out;
}

/** Spatial output and input channels of a convolution; checks strides and dilation. */
function convGeometry(config: ConvConfig, input: Shape): { height: number; width: number; channels: number } {
  const strides = pair(config.strides);
  const dilation = pair(config.dilation_rate);
  if (strides.some((s) => s > 1) && dilation.some((d) => d > 1)) {
    throw new LayerProblem((layer) => message.stridesWithDilation(layer), 'dilation_rate');
  }
  const [height, width] = windowOutput(input, pair(config.kernel_size), strides, config.padding, dilation, {
    name: 'kernel',
    argument: 'kernel_size',
    fix: 'Use padding: same, a smaller kernel_size, or fewer poolings before this layer.',
  });
  return { height, width, channels: input[2]! };
}

function common(config: ConvConfig, context: BuildContext) {
  return {
    kernelSize: pair(config.kernel_size),
    strides: pair(config.strides),
    padding: config.padding,
    dilationRate: pair(config.dilation_rate),
    activation: activation(config.activation),
    useBias: config.use_bias,
    biasInitializer: initializer(config.bias_initializer, context.seed + 1),
    biasRegularizer: regularizer(config.bias_regularizer),
    ...baseArgs(context),
  };
}

export const conv2d: LayerKind<Extract<ConvConfig, { type: 'Conv2D' }>> = {
  plan(config, input): LayerPlan {
    const { height, width, channels } = convGeometry(config, input);
    const [kh, kw] = pair(config.kernel_size);
    const macs = height * width * config.filters * kh * kw * channels;
    return {
      output: [height, width, config.filters],
      trainable: kh * kw * channels * config.filters + (config.use_bias ? config.filters : 0),
      nonTrainable: 0,
      flops: 2 * macs,
    };
  },
  build(config, context) {
    return conv2dLayer({
      ...common(config, context),
      filters: config.filters,
      kernelInitializer: initializer(config.kernel_initializer, context.seed),
      kernelRegularizer: regularizer(config.kernel_regularizer),
    });
  },
};

export const depthwiseConv2d: LayerKind<Extract<ConvConfig, { type: 'DepthwiseConv2D' }>> = {
  plan(config, input): LayerPlan {
    const { height, width, channels } = convGeometry(config, input);
    const [kh, kw] = pair(config.kernel_size);
    const outChannels = channels * config.depth_multiplier;
    return {
      output: [height, width, outChannels],
      trainable: kh * kw * outChannels + (config.use_bias ? outChannels : 0),
      nonTrainable: 0,
      flops: 2 * height * width * outChannels * kh * kw,
    };
  },
  build(config, context) {
    const { kernelSize, ...rest } = common(config, context);
    return tf.layers.depthwiseConv2d({
      ...rest,
      kernelSize: kernelSize[0] === kernelSize[1] ? kernelSize[0] : kernelSize,
      depthMultiplier: config.depth_multiplier,
      depthwiseInitializer: initializer(config.depthwise_initializer, context.seed),
      depthwiseRegularizer: regularizer(config.depthwise_regularizer),
    });
  },
};

export const separableConv2d: LayerKind<Extract<ConvConfig, { type: 'SeparableConv2D' }>> = {
  plan(config, input): LayerPlan {
    const { height, width, channels } = convGeometry(config, input);
    const [kh, kw] = pair(config.kernel_size);
    const depthwise = channels * config.depth_multiplier;
    return {
      output: [height, width, config.filters],
      trainable: kh * kw * depthwise + depthwise * config.filters + (config.use_bias ? config.filters : 0),
      nonTrainable: 0,
      flops: 2 * height * width * (depthwise * kh * kw + depthwise * config.filters),
    };
  },
  build(config, context) {
    return tf.layers.separableConv2d({
      ...common(config, context),
      filters: config.filters,
      depthMultiplier: config.depth_multiplier,
      depthwiseInitializer: initializer(config.depthwise_initializer, context.seed),
      pointwiseInitializer: initializer(config.pointwise_initializer, context.seed + 2),
      depthwiseRegularizer: regularizer(config.depthwise_regularizer),
      pointwiseRegularizer: regularizer(config.pointwise_regularizer),
    });
  },
};
