/** `tfexp predict`'s output: one row per image, as a table or JSON (pure). */
import type { ClassProbability } from './top-k.js';

/** The prediction for one image. */
export interface Prediction {
  readonly file: string;
  /** For an image of an IDX file, its position in the file (from 0). */
  readonly index?: number;
  /** The top classes, most probable first. */
  readonly top: ClassProbability[];
}

export const PREDICT_FORMATS = ['table', 'json'] as const;
export type PredictFormat = (typeof PREDICT_FORMATS)[number];

/** How a row names its image: the file, with `[index]` for an image of an IDX file. */
export function imageName(prediction: Pick<Prediction, 'file' | 'index'>): string {
  return prediction.index === undefined ? prediction.file : `${prediction.file}[${prediction.index}]`;
}

/** "7 0.9981": a class and its probability, 4 decimals. */
const cell = (c: ClassProbability) => `${c.class} ${c.probability.toFixed(4)}`;

/**
 * The predictions as text.
 * @returns `table`: a header (`image`, `top 1`, `top 2`, ...) and one line per image, columns padded
 *   to their widest cell; `json`: an array of { file, index?, top: [{ class, label, probability }] },
 *   pretty-printed. Either ends with a newline.
 */
export function formatPredictions(predictions: readonly Prediction[], format: PredictFormat): string {
  if (format === 'json') return `${JSON.stringify(predictions, null, 2)}\n`;
  const k = Math.max(0, ...predictions.map((p) => p.top.length));
  const rows = [['image', ...Array.from({ length: k }, (_, i) => `top ${i + 1}`)], ...predictions.map((p) => [imageName(p), ...p.top.map(cell)])];
  const widths = rows[0]!.map((_, j) => Math.max(...rows.map((r) => (r[j] ?? '').length)));
  return rows.map((r) => r.map((text, j) => (j === r.length - 1 ? text : text.padEnd(widths[j]!))).join('  ')).join('\n') + '\n';
}
