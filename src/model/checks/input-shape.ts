import { builtinDataset } from '../../data/datasets.js';
import * as message from '../../log/message.js';
import type { ModelCheck } from './types.js';

/** model.input_shape equals the dataset's sample shape (built-in datasets only: an `idx` dataset's shape is known after loading). */
export const inputShapeMatchesDataset: ModelCheck = ({ experiment, locator }) => {
  const dataset = experiment.data.dataset;
  const info = builtinDataset(dataset);
  if (info === undefined) return [];
  const expected = info.sampleShape;
  const got = experiment.model.input_shape;
  const same = got.length === expected.length && got.every((d, i) => d === expected[i]);
  return same ? [] : [{ at: locator.locate(['model', 'input_shape']), message: message.inputShapeMismatch(dataset, expected, got) }];
};
