/** The k most probable classes of one sample (pure). */

/** One class of a prediction. */
export interface ClassProbability {
  /** The class's name (evaluation.json's class_names). */
  readonly class: string;
  /** Its index, the label. */
  readonly label: number;
  /** Its probability, in [0, 1]. */
  readonly probability: number;
}

/**
 * The `k` highest of `probabilities`, highest first (equal ones: lower label first).
 * @param probabilities [K] one sample's class probabilities.
 * @param classNames K names in label order.
 * @param k how many; more than K gives K.
 */
export function topK(probabilities: ArrayLike<number>, classNames: readonly string[], k: number): ClassProbability[] {
  const labels = Array.from({ length: probabilities.length }, (_, i) => i);
  labels.sort((a, b) => probabilities[b]! - probabilities[a]! || a - b);
  return labels.slice(0, Math.max(0, k)).map((label) => ({ class: classNames[label] ?? String(label), label, probability: probabilities[label]! }));
}
