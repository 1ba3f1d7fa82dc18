import { builtinDataset } from '../../data/datasets.js';
import * as message from '../../log/message.js';
import { layerRef } from '../plan.js';
import type { ModelCheck } from './types.js';

/** The model ends in one score per class: output shape [num_classes] (class count checked for built-in datasets only). */
export const outputMatchesClasses: ModelCheck = ({ experiment, locator }, plan) => {
  const last = plan.layers[plan.layers.length - 1];
  if (last === undefined) return [];
  const dataset = experiment.data.dataset;
  const classes = builtinDataset(dataset)?.numClasses;
  const ref = layerRef(last.layer);
  if (plan.output.length !== 1) {
    return [{ at: locator.locate(last.layer.path), message: message.outputNotVector(ref, plan.output) }];
  }
  if (classes === undefined || plan.output[0] === classes) return [];
  const at = locator.locate('units' in last.layer.config ? [...last.layer.path, 'units'] : last.layer.path);
  return [{ at, message: message.outputUnitsMismatch(ref, plan.output[0]!, dataset, classes) }];
};
