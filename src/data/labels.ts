/**
 * Do the labels fit the model? Labels are class indices into the final layer's units; tfjs one-hot
 * encodes an index past the last unit as all zeros and trains on it silently (and sparse losses
 * read past the scores), so a label >= units must stop the run before training.
 */
import { DataError, InternalError } from '../errors.js';
import * as message from '../log/message.js';
import type { LoadedDataset } from './load.js';
import { labelHistogram } from './stats.js';

/**
 * Checks every label of both splits against the model's class count, in one pass over each split's
 * uint8 labels. Works for every dataset kind (mnist, fashion-mnist, idx; IDX or .npz files).
 * @param dataset the loaded data (`loadExperimentData`).
 * @param numClasses the final layer's units (the last entry of the model plan's output shape).
 * @param where how messages name the final layer, e.g. `layer 5 (dense_1, Dense)` (`layerRef` of `src/model/plan.ts`).
 * @returns null when every label lies in 0..numClasses-1; otherwise a DataError (exit 2) naming, per
 *   split, the labels file and each offending label value with its sample count, and the fix
 *   (units: largest label + 1 on the final Dense layer, or fix the labels). Its `file` is the first
 *   offending labels file (the dataset folder when unknown).
 */
export function checkLabels(dataset: LoadedDataset, numClasses: number, where: string): DataError | null {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new InternalError(`checkLabels: numClasses must be a positive integer, got ${numClasses}`);
  const splits: message.SplitLabelsOutside[] = [];
  let largest = -1;
  for (const split of ['train', 'test'] as const) {
    const data = dataset[split];
    const counts = labelHistogram(data.labels);
    const outside: message.LabelCount[] = [];
    for (let label = numClasses; label < counts.length; label++) {
      if (counts[label]! > 0) outside.push({ label, count: counts[label]! });
    }
    if (outside.length === 0) continue;
    largest = Math.max(largest, outside[outside.length - 1]!.label);
    splits.push({ split, file: data.labelsFile, outside });
  }
  if (splits.length === 0) return null;
  return new DataError(message.labelsOutsideModel(splits, numClasses, where, largest + 1), splits[0]!.file ?? dataset.source.dir);
}
