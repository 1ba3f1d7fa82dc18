/**
 * evaluation.json: what a classifier gets right and wrong on one split (the test set at the end of
 * every run; `tfexp evaluate --split train` for the training samples). Built batch by batch from
 * the model's outputs, so no more than one batch of probabilities is held at a time.
 */
import { addToMatrix, classificationReport, emptyMatrix, type ClassScores, type NamedClassScores } from './classification.js';
import { MostConfidentlyWrong, type Misclassified } from './misclassified.js';

/** The version of evaluation.json's layout; raised when a field changes meaning. */
export const EVALUATION_FORMAT = 1;

/** The splits an evaluation can be of. */
export const EVALUATION_SPLITS = ['test', 'train'] as const;
export type EvaluationSplit = (typeof EVALUATION_SPLITS)[number];

/** evaluation.json (format 1). Scores are scikit-learn's classification_report (./classification.ts). */
export interface Evaluation {
  readonly format: typeof EVALUATION_FORMAT;
  readonly split: EvaluationSplit;
  /** Samples evaluated (the split after `test_limit` / `train_limit`, without the validation hold-out). */
  readonly samples: number;
  /** K names, in label order. */
  readonly class_names: string[];
  /** Correct / samples, from the confusion matrix. */
  readonly accuracy: number;
  /** The compiled loss, sample-weighted mean over the split (Keras `evaluate`), as metrics.json's test loss. */
  readonly loss: number;
  /** Counts [K][K]: rows true class, columns predicted class. */
  readonly confusion_matrix: number[][];
  readonly per_class: NamedClassScores[];
  readonly macro_avg: ClassScores;
  readonly weighted_avg: ClassScores;
  /** The most confidently wrong samples (at most the experiment's `evaluation.misclassified`, 64 by default), highest confidence first. */
  readonly misclassified: Misclassified[];
}

/**
 * Gathers an evaluation from the model's outputs, one batch at a time.
 * The predicted class is the highest output (the first one on a tie, as argmax), its
 * confidence that output's value: pass probabilities (softmax of logits where the model ends in
 * logits; see `outputProbabilities`).
 */
export class EvaluationBuilder {
  private readonly matrix: number[][];
  private readonly wrong: MostConfidentlyWrong;
  private samples = 0;

  /**
   * @param numClasses K, the final layer's units.
   * @param misclassified how many wrong samples to keep, a whole number >= 0. Default: DEFAULT_MISCLASSIFIED (64).
   * @throws RangeError when `misclassified` is negative or not a whole number.
   */
  constructor(
    private readonly numClasses: number,
    misclassified?: number,
  ) {
    this.matrix = emptyMatrix(numClasses);
    this.wrong = new MostConfidentlyWrong(misclassified);
  }

  /**
   * Adds one batch.
   * @param probabilities [n, K] flattened in C order: each sample's class probabilities.
   * @param labels [n] true class indices.
   * @param samples [n] the samples' positions in their split (evaluation.json's `index`).
   * @throws RangeError when the lengths disagree or a label is not a class index.
   */
  add(probabilities: ArrayLike<number>, labels: ArrayLike<number>, samples: ArrayLike<number>): void {
    const k = this.numClasses;
    const n = labels.length;
    if (probabilities.length !== n * k || samples.length !== n) {
      throw new RangeError(`a batch of ${n} labels needs ${n * k} probabilities (${k} per sample) and ${n} sample indices, got ${probabilities.length} and ${samples.length}`);
    }
    for (let s = 0; s < n; s++) {
      let best = 0;
      for (let c = 1; c < k; c++) if (probabilities[s * k + c]! > probabilities[s * k + best]!) best = c;
      const truth = labels[s]!;
      addToMatrix(this.matrix, truth, best);
      this.wrong.offer({ index: samples[s]!, true: truth, predicted: best, confidence: probabilities[s * k + best]! });
    }
    this.samples += n;
  }

  /**
   * The evaluation of every batch added.
   * @param split which split the samples came from.
   * @param classNames K names, in label order (`classNamesOf`).
   * @param loss the split's loss (`evaluate`'s `loss`).
   * @throws RangeError when classNames does not have K names.
   */
  finish(split: EvaluationSplit, classNames: readonly string[], loss: number): Evaluation {
    const report = classificationReport(this.matrix, classNames);
    return {
      format: EVALUATION_FORMAT,
      split,
      samples: this.samples,
      class_names: [...classNames],
      accuracy: report.accuracy,
      loss,
      confusion_matrix: this.matrix.map((row) => [...row]),
      per_class: report.per_class,
      macro_avg: report.macro_avg,
      weighted_avg: report.weighted_avg,
      misclassified: this.wrong.list(),
    };
  }
}

/** The run folder's file of a split's evaluation: `evaluation.json` for test, `evaluation_train.json` for train. */
export function evaluationFileName(split: EvaluationSplit): string {
  return split === 'test' ? 'evaluation.json' : `evaluation_${split}.json`;
}

/**
 * The charts of a split's evaluation in `plots/` (each `.vl.json`, `.svg`, `.png`): `confusion_matrix`
 * and `misclassified` for test, with a `_train` suffix for train.
 */
export function evaluationChartNames(split: EvaluationSplit): { readonly confusion: string; readonly misclassified: string } {
  const suffix = split === 'test' ? '' : `_${split}`;
  return { confusion: `confusion_matrix${suffix}`, misclassified: `misclassified${suffix}` };
}
