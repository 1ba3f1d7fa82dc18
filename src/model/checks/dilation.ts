import * as message from '../../log/message.js';
import { pair } from '../layers/kind.js';
import { layerRef } from '../plan.js';
import type { ModelCheck } from './types.js';

/** No convolution has dilation_rate > 1: tfjs 4.22 cannot compute its gradient (Conv2D_grad / DepthwiseConv2dNative_grad assert dilations of 1). */
export const dilationTrainable: ModelCheck = ({ locator }, plan) =>
  plan.layers.flatMap(({ layer }) => {
    const config = layer.config;
    if (!('dilation_rate' in config) || pair(config.dilation_rate).every((d) => d === 1)) return [];
    return [{ at: locator.locate([...layer.path, 'dilation_rate']), message: message.dilationNotTrainable(layerRef(layer)) }];
  });
