/**
 * ZeroPadding2D (keras/src/layers/reshaping/zero_padding2d.py).
 * Input: [batch, height, width, channels]. Output: [batch, height + top + bottom, width + left + right, channels].
 */
import { tf } from './tfjs.js';
import type { LayerConfig } from '../../config/index.js';
import * as message from '../../log/message.js';
import { baseArgs, LayerProblem, type LayerKind } from './kind.js';

type ZeroPadding2DConfig = Extract<LayerConfig, { type: 'ZeroPadding2D' }>;

/** Keras's three padding forms as [[top, bottom], [left, right]]. */
export function paddingPairs(padding: ZeroPadding2DConfig['padding']): [[number, number], [number, number]] {
  if (typeof padding === 'number') return [[padding, padding], [padding, padding]];
  const [rows, cols] = padding;
  if (typeof rows === 'number' && typeof cols === 'number') return [[rows, rows], [cols, cols]];
  return [rows as [number, number], cols as [number, number]];
}

export const zeroPadding2d: LayerKind<ZeroPadding2DConfig> = {
  plan(config, input) {
    if (input.length !== 3) {
      throw new LayerProblem((layer) => message.inputRank(layer, '[batch, height, width, channels]', input));
    }
    const [[top, bottom], [left, right]] = paddingPairs(config.padding);
    return { output: [input[0]! + top + bottom, input[1]! + left + right, input[2]!], trainable: 0, nonTrainable: 0, flops: 0 };
  },
  build: (config, context) => tf.layers.zeroPadding2d({ ...baseArgs(context), padding: paddingPairs(config.padding) }),
};
