import * as message from '../../log/message.js';
import { layerRef } from '../plan.js';
import type { ModelCheck } from './types.js';

/**
 * BatchNormalization and LayerNormalization that tfjs 4.22 can train, on every backend:
 * - `center: false` or `scale: false`: BatchNormalization's training call reads the missing
 *   beta/gamma (tfjs-layers normalization.ts), LayerNormalization's gradient fails;
 * - BatchNormalization over an axis other than the last: FusedBatchNorm's gradient
 *   (tfjs-core gradients/FusedBatchNorm_grad.ts) reshapes the scale gradient for the last
 *   axis only, so training throws.
 */
export const normalizationTrainable: ModelCheck = ({ locator }, plan) =>
  plan.layers.flatMap(({ layer, input }) => {
    const config = layer.config as { type: string; center?: boolean; scale?: boolean; axis?: number };
    if (config.type !== 'BatchNormalization' && config.type !== 'LayerNormalization') return [];
    const problems = (['center', 'scale'] as const)
      .filter((key) => config[key] === false)
      .map((key) => ({ at: locator.locate([...layer.path, key]), message: message.normalizationWithout(layerRef(layer), key) }));
    // Axes count the batch axis as 0, as in Keras.
    const rank = input.length + 1;
    const axis = config.axis ?? -1;
    if (config.type === 'BatchNormalization' && (axis < 0 ? axis + rank : axis) !== rank - 1) {
      problems.push({ at: locator.locate([...layer.path, 'axis']), message: message.batchNormAxisNotLast(layerRef(layer), axis, rank) });
    }
    return problems;
  });
