/** Summary statistics of a loaded split, for `tfexp data` and the label check (`labels.ts`). */
import type { DataSplit } from './load.js';

/**
 * How many samples carry each label value, in one pass over the uint8 labels.
 * @returns 256 counts; entry v counts labels equal to v.
 */
export function labelHistogram(labels: Uint8Array): Uint32Array {
  const counts = new Uint32Array(256);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts;
}

/** The label values that occur in any of `histograms` (from `labelHistogram`), ascending. */
export function presentLabels(...histograms: readonly Uint32Array[]): number[] {
  const present: number[] = [];
  for (let v = 0; v < 256; v++) if (histograms.some((h) => h[v]! > 0)) present.push(v);
  return present;
}

/**
 * Samples per class.
 * @returns an array of length numClasses; entry k counts labels equal to k (labels >= numClasses are not counted).
 */
export function classCounts(split: DataSplit, numClasses: number): number[] {
  const histogram = labelHistogram(split.labels);
  return Array.from({ length: numClasses }, (_, k) => histogram[k] ?? 0);
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
