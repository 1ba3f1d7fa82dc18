import * as message from '../../log/message.js';
import { layerRef } from '../plan.js';
import type { ModelCheck } from './types.js';

/** `data.class_names`, when given, names each unit of the final layer: as many names as units. */
export const classNamesMatchOutput: ModelCheck = ({ experiment, locator }, plan) => {
  const names = experiment.data.class_names;
  const last = plan.layers[plan.layers.length - 1];
  if (names === undefined || last === undefined || plan.output.length !== 1 || names.length === plan.output[0]) return [];
  return [{ at: locator.locate(['data', 'class_names']), message: message.classNamesCount(names.length, plan.output[0]!, layerRef(last.layer)) }];
};
