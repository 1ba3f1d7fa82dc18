/**
 * Which samples each phase uses, as index lists into the loaded splits (images stay where they are).
 *
 * Order: shuffle the training indices with `seed`, keep the first `train_limit`, then hold out the last
 * `round(validation_split * n)` of them for validation. The test set is shuffled with a seed derived from
 * `seed` and cut to `test_limit`. Limits are plain prefixes of the shuffle, not stratified; with a few
 * thousand samples or more the class balance stays close to the full set's.
 *
 * Porting note: Keras's `validation_split` takes the last samples *before* shuffling; tfexp shuffles
 * first, so a sorted file does not give a one-class validation set.
 */
import { permutation } from './random.js';

export interface SplitOptions {
  /** Experiment `seed` (schema default 42). */
  readonly seed: number;
  /** Fraction in [0, 1) of the (limited) training set held out. Default: 0 (schema `data.validation_split`). */
  readonly validationSplit?: number;
  /** Keep at most this many training samples (before the validation split). Default: all. */
  readonly trainLimit?: number;
  /** Keep at most this many test samples. Default: all. */
  readonly testLimit?: number;
}

/** Index lists into the loaded train and test splits; `train` and `validation` are disjoint. */
export interface SplitIndices {
  /** Indices into the training split used for fitting, in shuffled order. */
  readonly train: Uint32Array;
  /** Indices into the training split held out for validation (empty when validation_split is 0). */
  readonly validation: Uint32Array;
  /** Indices into the test split, shuffled and limited. */
  readonly test: Uint32Array;
}

/**
 * Splits `trainCount` training and `testCount` test samples reproducibly.
 * @throws RangeError when validationSplit is outside [0, 1) or leaves no training sample (the schema prevents the former).
 */
export function splitIndices(trainCount: number, testCount: number, options: SplitOptions): SplitIndices {
  const fraction = options.validationSplit ?? 0;
  if (!(fraction >= 0 && fraction < 1)) throw new RangeError(`validation_split must be in [0, 1), got ${fraction}`);
  const shuffled = permutation(trainCount, options.seed);
  const kept = shuffled.subarray(0, Math.min(trainCount, options.trainLimit ?? trainCount));
  const held = Math.round(fraction * kept.length);
  if (held > 0 && held >= kept.length) throw new RangeError(`validation_split ${fraction} leaves no training samples out of ${kept.length}`);
  const test = permutation(testCount, (options.seed ^ 0x9e3779b9) >>> 0).subarray(0, Math.min(testCount, options.testLimit ?? testCount));
  return { train: kept.slice(0, kept.length - held), validation: kept.slice(kept.length - held), test: test.slice() };
}
