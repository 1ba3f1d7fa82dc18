/** Summary statistics of a loaded split, for `tfexp data`. */
import type { DataSplit } from './load.js';

/**
 * Samples per class.
 * @returns an array of length numClasses; entry k counts labels equal to k.
 */
export function classCounts(split: DataSplit, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of split.labels) counts[label]!++;
  return counts;
}

/**
 * Mean and (population) standard deviation of all pixels, on the stored 0-255 scale.
 * Exact for uint8 data: computed from a 256-bin histogram.
 */
export function pixelStats(split: DataSplit): { mean: number; std: number } {
  const histogram = new Float64Array(256);
  for (const v of split.images) histogram[v]!++;
  const n = split.images.length;
  let sum = 0;
  for (let v = 0; v < 256; v++) sum += v * histogram[v]!;
  const mean = n === 0 ? 0 : sum / n;
  let squares = 0;
  for (let v = 0; v < 256; v++) squares += histogram[v]! * (v - mean) ** 2;
  return { mean, std: n === 0 ? 0 : Math.sqrt(squares / n) };
}
