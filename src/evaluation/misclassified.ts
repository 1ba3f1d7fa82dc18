/**
 * The most confidently wrong predictions, kept while batches stream past: at most `limit`
 * entries, so memory stays bounded however many samples are wrong.
 */

/** One wrong prediction, as evaluation.json lists it. */
export interface Misclassified {
  /** The sample's position in its split as tfexp loads it (0 = the file's first image). */
  readonly index: number;
  /** True class index. */
  readonly true: number;
  /** Predicted class index (the highest output). */
  readonly predicted: number;
  /** The predicted class's probability, in [0, 1]. */
  readonly confidence: number;
}

/** How many misclassified samples evaluation.json lists by default (the experiment's `evaluation.misclassified`). */
export const DEFAULT_MISCLASSIFIED = 64;

/**
 * Most misclassified samples an evaluation may list: 1,000, enforced by the experiment schema
 * and `tfexp evaluate --misclassified`. The grid then holds 125 rows of 8 images (28x28 samples:
 * drawn in about 10 s on the 2-core test machine under load, 2026-12-02), and keeping the list
 * costs at most 1,000 comparisons per wrong sample.
 */
export const MAX_MISCLASSIFIED = 1000;

/**
 * How many misclassified samples an experiment's evaluation keeps: its `evaluation.misclassified`
 * (the schema checks it: a whole number from 0 to MAX_MISCLASSIFIED), else DEFAULT_MISCLASSIFIED
 * (64; an experiment without the block, a run made before it existed).
 */
export function misclassifiedOf(experiment: { readonly evaluation?: { readonly misclassified: number } | undefined }): number {
  return experiment.evaluation?.misclassified ?? DEFAULT_MISCLASSIFIED;
}

/** Orders by confidence, highest first; equal confidences by index, lowest first (a stable, total order). */
export function byConfidence(a: Misclassified, b: Misclassified): number {
  return b.confidence - a.confidence || a.index - b.index;
}

/** Keeps the `limit` most confidently wrong predictions offered to it. */
export class MostConfidentlyWrong {
  private readonly kept: Misclassified[] = [];

  /** @param limit how many to keep, a non-negative integer. Default: DEFAULT_MISCLASSIFIED (64). */
  constructor(private readonly limit = DEFAULT_MISCLASSIFIED) {
    if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`the number of misclassified samples kept must be a non-negative integer, got ${limit}`);
  }

  /** Offers one prediction; correct ones (predicted = true) are ignored. */
  offer(entry: Misclassified): void {
    if (entry.predicted === entry.true || this.limit === 0) return;
    const full = this.kept.length >= this.limit;
    if (full && byConfidence(entry, this.kept[this.kept.length - 1]!) >= 0) return;
    // Insertion into the sorted list: `limit` is small (64), the wrong samples few.
    let at = this.kept.length;
    while (at > 0 && byConfidence(entry, this.kept[at - 1]!) < 0) at--;
    this.kept.splice(at, 0, entry);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  /** The kept predictions, most confident first. */
  list(): Misclassified[] {
    return [...this.kept];
  }
}
