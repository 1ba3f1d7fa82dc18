/** The layer kinds, by Keras type name. */
import { activationLayer, dense, dropout, flatten, reshape, rescaling } from './core.js';
import { conv2d, depthwiseConv2d, separableConv2d } from './convolutional.js';
import type { LayerKinds } from './kind.js';
import { batchNormalization, layerNormalization } from './normalization.js';
import { averagePooling2d, globalAveragePooling2d, globalMaxPooling2d, maxPooling2d } from './pooling.js';
import { zeroPadding2d } from './reshaping.js';

export const LAYER_KINDS: LayerKinds = {
  Conv2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  MaxPooling2D: maxPooling2d,
  AveragePooling2D: averagePooling2d,
  GlobalMaxPooling2D: globalMaxPooling2d,
  GlobalAveragePooling2D: globalAveragePooling2d,
  Dense: dense,
  Dropout: dropout,
  Flatten: flatten,
  Reshape: reshape,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  Activation: activationLayer,
  ZeroPadding2D: zeroPadding2d,
  Rescaling: rescaling,
};

export * from './kind.js';
