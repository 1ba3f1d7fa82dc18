/** One sample's pixels out of a loaded split, for drawing it (the misclassified grid). */
import type { DataSplit } from './load.js';

/**
 * A reader of the samples of `split`.
 * @param sampleShape [height, width, channels] of one sample.
 * @returns for a sample index (0 = the split's first), its uint8 pixels [height, width, channels]
 *   (a view into the split, not a copy).
 * @throws RangeError (from the reader) for an index outside the split.
 */
export function sampleReader(split: DataSplit, sampleShape: readonly [number, number, number]): (index: number) => Uint8Array {
  const size = sampleShape[0] * sampleShape[1] * sampleShape[2];
  return (index) => {
    if (!Number.isInteger(index) || index < 0 || index >= split.count) throw new RangeError(`sample ${index} is outside the split's ${split.count} samples`);
    return split.images.subarray(index * size, (index + 1) * size);
  };
}
