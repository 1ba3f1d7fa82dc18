/**
 * Layer section of the schema: one object per Keras layer type, with the
 * Keras argument names and defaults (keras/src/layers/...). Only arguments
 * tfjs-layers can honour are listed; the Porting Notes say what is left out.
 *
 * Porting Note: Dropout takes no `seed` (see src/model/layers/core.ts: tfjs would
 * reuse one mask for every batch); the experiment `seed` makes masks reproducible.
 * `SpatialDropout2D` is left out: tfjs-layers 4.22 has only
 * `spatialDropout1d`. `GlobalMaxPooling2D`/`GlobalAveragePooling2D` take no
 * `keepdims` (tfjs has none). `data_format` is always `channels_last` (NHWC).
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  Activation,
  Defaulted,
  IfHasKey,
  Initializer,
  IntOrPair,
  LayerName,
  PositiveInt,
  Regularizer,
  StringEnum,
  Tagged,
} from './common.js';

export const PADDINGS = ['valid', 'same'] as const;
const Padding = () =>
  Defaulted(StringEnum(PADDINGS, { description: '`valid` (no padding) or `same` (output size = ceil(input / stride)), in any case as Keras lowercases it. Keras default: valid.' }), 'valid');

const closed = { additionalProperties: false } as const;

const convCommon = {
  kernel_size: IntOrPair({ description: 'Height and width of the convolution window: an integer or [height, width].' }),
  strides: Defaulted(IntOrPair({ description: 'Stride of the window. Keras default: 1.' }), 1),
  padding: Padding(),
  dilation_rate: Defaulted(IntOrPair({ description: 'Dilation rate; > 1 is incompatible with strides > 1. Keras default: 1.' }), 1),
  activation: Defaulted(Activation(), 'linear'),
  use_bias: Defaulted(Type.Boolean({ description: 'Add a bias vector. Keras default: true.' }), true),
  bias_initializer: Initializer('zeros', 'the bias vector'),
  bias_regularizer: Regularizer('the bias'),
  name: LayerName(),
};

export const Conv2D = Type.Object(
  {
    type: Type.Literal('Conv2D'),
    filters: PositiveInt({ description: 'Number of output channels.' }),
    ...convCommon,
    kernel_initializer: Initializer('glorot_uniform', 'the kernel'),
    kernel_regularizer: Regularizer('the kernel'),
  },
  { ...closed, description: '2-D convolution. Input [batch, height, width, channels] -> [batch, new_height, new_width, filters].' },
);

export const DepthwiseConv2D = Type.Object(
  {
    type: Type.Literal('DepthwiseConv2D'),
    depth_multiplier: Defaulted(PositiveInt({ description: 'Output channels per input channel. Keras default: 1.' }), 1),
    ...convCommon,
    depthwise_initializer: Initializer('glorot_uniform', 'the depthwise kernel'),
    depthwise_regularizer: Regularizer('the depthwise kernel'),
  },
  { ...closed, description: 'Depthwise 2-D convolution: one filter per input channel. Output channels = channels * depth_multiplier.' },
);

export const SeparableConv2D = Type.Object(
  {
    type: Type.Literal('SeparableConv2D'),
    filters: PositiveInt({ description: 'Number of output channels (of the pointwise step).' }),
    depth_multiplier: Defaulted(PositiveInt({ description: 'Depthwise channels per input channel. Keras default: 1.' }), 1),
    ...convCommon,
    depthwise_initializer: Initializer('glorot_uniform', 'the depthwise kernel'),
    pointwise_initializer: Initializer('glorot_uniform', 'the pointwise kernel'),
    depthwise_regularizer: Regularizer('the depthwise kernel'),
    pointwise_regularizer: Regularizer('the pointwise kernel'),
  },
  { ...closed, description: 'Depthwise convolution followed by a 1x1 (pointwise) convolution.' },
);

const poolingArgs = {
  pool_size: Defaulted(IntOrPair({ description: 'Window size. Keras default: 2.' }), 2),
  strides: Defaulted(
    Type.Union([IntOrPair(), Type.Null()], {
      title: 'an integer, a list of 2 integers [height, width], or null',
      description: 'Stride of the window; null means pool_size. Keras default: null.',
    }),
    null,
  ),
  padding: Padding(),
  name: LayerName(),
};

export const MaxPooling2D = Type.Object(
  { type: Type.Literal('MaxPooling2D'), ...poolingArgs },
  { ...closed, description: 'Max over each pool_size window.' },
);

export const AveragePooling2D = Type.Object(
  { type: Type.Literal('AveragePooling2D'), ...poolingArgs },
  { ...closed, description: 'Mean over each pool_size window.' },
);

export const GlobalMaxPooling2D = Type.Object(
  { type: Type.Literal('GlobalMaxPooling2D'), name: LayerName() },
  { ...closed, description: 'Max over height and width: [batch, h, w, c] -> [batch, c].' },
);

export const GlobalAveragePooling2D = Type.Object(
  { type: Type.Literal('GlobalAveragePooling2D'), name: LayerName() },
  { ...closed, description: 'Mean over height and width: [batch, h, w, c] -> [batch, c].' },
);

export const Dense = Type.Object(
  {
    type: Type.Literal('Dense'),
    units: PositiveInt({ description: 'Output size.' }),
    activation: Defaulted(Activation(), 'linear'),
    use_bias: Defaulted(Type.Boolean({ description: 'Add a bias vector. Keras default: true.' }), true),
    kernel_initializer: Initializer('glorot_uniform', 'the kernel'),
    bias_initializer: Initializer('zeros', 'the bias vector'),
    kernel_regularizer: Regularizer('the kernel'),
    bias_regularizer: Regularizer('the bias'),
    name: LayerName(),
  },
  { ...closed, description: 'Fully connected layer on the last axis: [batch, ..., d] -> [batch, ..., units].' },
);

export const Dropout = Type.Object(
  {
    type: Type.Literal('Dropout'),
    rate: Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Fraction of inputs to drop during training, in [0, 1).' }),
    name: LayerName(),
  },
  { ...closed, description: 'Zeroes a fraction `rate` of inputs during training and scales the rest by 1/(1-rate).' },
);

export const Flatten = Type.Object(
  { type: Type.Literal('Flatten'), name: LayerName() },
  { ...closed, description: 'Flattens all but the batch axis.' },
);

export const Reshape = Type.Object(
  {
    type: Type.Literal('Reshape'),
    target_shape: Type.Array(Type.Integer({ minimum: -1, not: { const: 0 } }), {
      minItems: 1,
      description: 'Output shape without the batch axis; one entry may be -1 (inferred).',
    }),
    name: LayerName(),
  },
  { ...closed, description: 'Reshapes to target_shape; the element count must not change.' },
);

export const BatchNormalization = Type.Object(
  {
    type: Type.Literal('BatchNormalization'),
    axis: Defaulted(Type.Integer({ description: 'Feature axis to normalise. Keras default: -1 (channels).' }), -1),
    momentum: Defaulted(Type.Number({ minimum: 0, maximum: 1, description: 'Moving average momentum. Keras default: 0.99.' }), 0.99),
    epsilon: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Added to the variance. Keras default: 0.001.' }), 0.001),
    center: Defaulted(Type.Boolean({ description: 'Learn an offset beta. Keras default: true.' }), true),
    scale: Defaulted(Type.Boolean({ description: 'Learn a scale gamma. Keras default: true.' }), true),
    beta_initializer: Initializer('zeros', 'beta'),
    gamma_initializer: Initializer('ones', 'gamma'),
    moving_mean_initializer: Initializer('zeros', 'the moving mean'),
    moving_variance_initializer: Initializer('ones', 'the moving variance'),
    name: LayerName(),
  },
  { ...closed, description: 'Batch normalisation (Ioffe & Szegedy, 2015).' },
);

export const LayerNormalization = Type.Object(
  {
    type: Type.Literal('LayerNormalization'),
    axis: Defaulted(Type.Integer({ description: 'Axis to normalise. Keras default: -1.' }), -1),
    epsilon: Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Added to the variance. Keras default: 0.001.' }), 0.001),
    center: Defaulted(Type.Boolean({ description: 'Learn an offset beta. Keras default: true.' }), true),
    scale: Defaulted(Type.Boolean({ description: 'Learn a scale gamma. Keras default: true.' }), true),
    beta_initializer: Initializer('zeros', 'beta'),
    gamma_initializer: Initializer('ones', 'gamma'),
    name: LayerName(),
  },
  { ...closed, description: 'Layer normalisation (Ba et al., 2016) over the last axis.' },
);

export const ActivationLayer = Type.Object(
  { type: Type.Literal('Activation'), activation: Activation(), name: LayerName() },
  { ...closed, description: 'Applies an activation function.' },
);

export const ZeroPadding2D = Type.Object(
  {
    type: Type.Literal('ZeroPadding2D'),
    padding: Defaulted(
      Type.Union(
        [
          PositiveInt(),
          Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
          Type.Tuple([
            Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
            Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })]),
          ]),
        ],
        {
          title: 'n (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]]',
          description: 'Zeros to add: n (all sides), [rows, cols] (symmetric) or [[top, bottom], [left, right]]. Keras default: 1.',
        },
      ),
      1,
    ),
    name: LayerName(),
  },
  { ...closed, description: 'Pads height and width with zeros.' },
);

export const Rescaling = Type.Object(
  {
    type: Type.Literal('Rescaling'),
    scale: Type.Number({ description: 'Multiplier, e.g. 1/255 to map [0, 255] to [0, 1].' }),
    offset: Defaulted(Type.Number({ description: 'Added after scaling. Keras default: 0.' }), 0),
    name: LayerName(),
  },
  { ...closed, description: 'output = input * scale + offset.' },
);

export const Layer = Tagged(
  [
    Conv2D,
    DepthwiseConv2D,
    SeparableConv2D,
    MaxPooling2D,
    AveragePooling2D,
    GlobalMaxPooling2D,
    GlobalAveragePooling2D,
    Dense,
    Dropout,
    Flatten,
    Reshape,
    BatchNormalization,
    LayerNormalization,
    ActivationLayer,
    ZeroPadding2D,
    Rescaling,
  ],
  { description: 'A Keras layer, chosen by `type`.' },
);

/** One layer entry of `model.layers`: a layer, or a `repeat` block of layer entries. */
export const LayerEntry = Type.Recursive(
  (This) =>
    IfHasKey(
      'repeat',
      'type',
      Type.Object(
        {
          repeat: PositiveInt({ description: 'How many copies of `layers` to stack.' }),
          layers: Type.Array(This, { minItems: 1, description: 'The layers to repeat, in order.' }),
        },
        { ...closed, description: 'Stacks `repeat` copies of `layers` (names get Keras-style counters).' },
      ),
      Layer,
    ),
  { $id: 'LayerEntry' },
);

export type LayerConfig = Static<typeof Layer>;
export type LayerType = LayerConfig['type'];
export type LayerEntryConfig = Static<typeof LayerEntry>;

/** Every layer type the schema accepts, in schema order. */
export const LAYER_TYPES = (Layer as unknown as { oneOf: { properties: { type: { const: LayerType } } }[] }).oneOf.map(
  (variant) => variant.properties.type.const,
);
