/**
 * Confusion matrices and per-class scores, as scikit-learn's `classification_report` defines them
 * (`sklearn/metrics/_classification.py`: `confusion_matrix`, `precision_recall_fscore_support`,
 * `classification_report`), with `labels=range(K)` and `zero_division=0`. Pure: numbers in, numbers out.
 *
 * Porting Note: `classification_report` without `labels` reports only the classes present in
 * y_true or y_pred; tfexp always reports all K classes (one per unit of the final layer), so a
 * class absent from both gets zeros and counts in the macro average, as with `labels=range(K)`.
 */

/** One class's scores. `support` is its number of true samples. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

/** A class's scores with its name. */
export interface NamedClassScores extends ClassScores {
  readonly class: string;
}

/** classification_report's content, as evaluation.json holds it. */
export interface ClassificationReport {
  /** Correct predictions / samples (the confusion matrix's trace over its sum); 0 for no samples. */
  readonly accuracy: number;
  /** One entry per class, in label order. */
  readonly per_class: NamedClassScores[];
  /** The unweighted mean of each score over the classes; `support` is the number of samples. */
  readonly macro_avg: ClassScores;
  /** The mean of each score weighted by each class's support; `support` is the number of samples. */
  readonly weighted_avg: ClassScores;
}

/** `numerator / denominator`, or 0 when the denominator is 0 (scikit-learn's zero_division=0). */
function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/**
 * The confusion matrix of `trueLabels` against `predicted`.
 * @param trueLabels [samples] class indices in 0..numClasses-1.
 * @param predicted [samples] class indices in 0..numClasses-1.
 * @returns counts [numClasses][numClasses]: rows are true classes, columns predicted classes
 *   (scikit-learn's orientation: `C[i][j]` is the number of samples of class i predicted as j).
 * @throws RangeError when the lengths differ or a label is outside 0..numClasses-1.
 */
export function confusionMatrix(trueLabels: ArrayLike<number>, predicted: ArrayLike<number>, numClasses: number): number[][] {
  if (trueLabels.length !== predicted.length) throw new RangeError(`confusionMatrix: ${trueLabels.length} true labels but ${predicted.length} predictions`);
  const matrix = emptyMatrix(numClasses);
  for (let i = 0; i < trueLabels.length; i++) addToMatrix(matrix, trueLabels[i]!, predicted[i]!);
  return matrix;
}

/** A numClasses x numClasses matrix of zeros. */
export function emptyMatrix(numClasses: number): number[][] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new RangeError(`the number of classes must be a positive integer, got ${numClasses}`);
  return Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
}

/**
 * Counts one sample of class `truth` predicted as `predicted` into `matrix` (in place).
 * @throws RangeError when either is not a class index of the matrix.
 */
export function addToMatrix(matrix: number[][], truth: number, predicted: number): void {
  const k = matrix.length;
  if (!(Number.isInteger(truth) && truth >= 0 && truth < k && Number.isInteger(predicted) && predicted >= 0 && predicted < k)) {
    throw new RangeError(`class indices must lie in 0..${k - 1}, got true ${truth}, predicted ${predicted}`);
  }
  matrix[truth]![predicted]! += 1;
}

/**
 * classification_report from a confusion matrix: per class, precision = TP / (TP + FP),
 * recall = TP / (TP + FN), F1 = 2 TP / (2 TP + FP + FN) (scikit-learn >= 1.3 computes F1 this
 * way; it equals 2PR / (P + R) wherever that is defined), each 0 where its denominator is 0.
 * @param matrix counts [K][K], rows true, columns predicted (`confusionMatrix`).
 * @param classNames K names, in label order.
 * @throws RangeError when the matrix is not K x K.
 */
export function classificationReport(matrix: readonly (readonly number[])[], classNames: readonly string[]): ClassificationReport {
  const k = classNames.length;
  if (matrix.length !== k || matrix.some((row) => row.length !== k)) throw new RangeError(`the confusion matrix must be ${k} x ${k} (one row and column per class name)`);
  const predictedAs = (j: number) => matrix.reduce((sum, row) => sum + row[j]!, 0);
  let correct = 0;
  const per_class = classNames.map((name, i) => {
    const tp = matrix[i]![i]!;
    const support = matrix[i]!.reduce((a, b) => a + b, 0);
    const predicted = predictedAs(i);
    correct += tp;
    const fp = predicted - tp;
    const fn = support - tp;
    return { class: name, precision: ratio(tp, predicted), recall: ratio(tp, support), f1: ratio(2 * tp, 2 * tp + fp + fn), support };
  });
  const samples = per_class.reduce((sum, c) => sum + c.support, 0);
  const average = (weight: (c: ClassScores) => number, total: number): ClassScores => ({
    precision: ratio(per_class.reduce((sum, c) => sum + weight(c) * c.precision, 0), total),
    recall: ratio(per_class.reduce((sum, c) => sum + weight(c) * c.recall, 0), total),
    f1: ratio(per_class.reduce((sum, c) => sum + weight(c) * c.f1, 0), total),
    support: samples,
  });
  return {
    accuracy: ratio(correct, samples),
    per_class,
    macro_avg: average(() => 1, k),
    weighted_avg: average((c) => c.support, samples),
  };
}
