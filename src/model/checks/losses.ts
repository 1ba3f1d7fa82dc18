import { CROSSENTROPY_LOSSES } from '../../config/schema/index.js';
import { builtinDataset } from '../../data/datasets.js';
import * as message from '../../log/message.js';
import { layerRef } from '../plan.js';
import type { ModelCheck } from './types.js';

/** The activation the model output goes through last, with the layer that applies it. */
function outputActivation(plan: Parameters<ModelCheck>[1]) {
  for (let i = plan.layers.length - 1; i >= 0; i--) {
    const planned = plan.layers[i]!;
    const config = planned.layer.config;
    if ('activation' in config && config.activation !== 'linear') return { activation: config.activation, planned };
    if (config.type !== 'Dropout' && config.type !== 'Flatten' && config.type !== 'Reshape' && config.type !== 'Activation') return undefined;
  }
  return undefined;
}

/** from_logits: true only with a linear output, and only on crossentropy losses. */
export const logitsMatchActivation: ModelCheck = ({ experiment, locator }, plan) => {
  const loss = experiment.train.loss;
  if (!loss.from_logits) return [];
  const at = locator.locate(['train', 'loss']);
  if (!CROSSENTROPY_LOSSES.includes(loss.type)) return [{ at, message: message.fromLogitsNotCrossentropy(loss.type) }];
  const out = outputActivation(plan);
  if (out?.activation === 'softmax') return [{ at, message: message.softmaxWithLogits(layerRef(out.planned.layer), loss.type) }];
  if (out?.activation === 'sigmoid') return [{ at, message: message.sigmoidWithLogits(layerRef(out.planned.layer), loss.type) }];
  return [];
};

/** categorical_crossentropy needs one-hot labels; every dataset tfexp loads (built-in or idx) gives class indices. */
export const labelsMatchLoss: ModelCheck = ({ experiment, locator }) => {
  const dataset = experiment.data.dataset;
  if (experiment.train.loss.type !== 'categorical_crossentropy' || (builtinDataset(dataset)?.labels ?? 'integer') !== 'integer') return [];
  return [{ at: locator.locate(['train', 'loss']), message: message.categoricalOnIntegerLabels(dataset) }];
};
