/**
 * The charts of an evaluation, in `plots/`: `confusion_matrix` (a heatmap of counts) and
 * `misclassified` (a grid of the most confidently wrong samples), each as `.vl.json`, `.svg` and
 * `.png` (`_train` suffixed for `tfexp evaluate --split train`).
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { evaluationChartNames, type Evaluation, type EvaluationSplit } from '../evaluation/evaluation.js';
import { pngDataUri } from '../images/encode.js';
import * as message from '../log/message.js';
import { writeErrorOf } from '../runs/write-error.js';
import { confusionMatrixSpec } from './confusion-spec.js';
import { writeChart } from './index.js';
import { misclassifiedSpec } from './misclassified-spec.js';

/** How much the misclassified grid enlarges each sample (nearest neighbour): 28x28 MNIST digits become 84x84. */
export const MISCLASSIFIED_SCALE = 3;

/** The rendered SVG of each evaluation chart, by role; `misclassified` absent when it could not be drawn. */
export interface EvaluationCharts {
  readonly confusion_matrix: string;
  readonly misclassified?: string;
}

/** How writeEvaluationPlots draws. */
export interface EvaluationPlotOptions {
  /**
   * Draw the misclassified grid. false (the experiment's `evaluation.misclassified: 0`, `tfexp
   * evaluate --misclassified 0`): no grid, and the split's grid files from an earlier evaluation
   * are removed, so plots/ never shows a grid its evaluation.json does not list. Default: true.
   */
  readonly grid?: boolean;
  /** A sample's pixels to an enlarged PNG data URI (tests replace it). Default: `pngDataUri` (sharp). */
  readonly encode?: typeof pngDataUri;
}

/** The file extensions writeChart writes each chart as. */
const CHART_FILES = ['vl.json', 'svg', 'png'] as const;

/**
 * Writes the evaluation's two charts into `plotsDir` (the grid only with `options.grid`).
 * @param sampleOf the pixels of a sample of the evaluated split: uint8 [height, width, channels] for
 *   its index (evaluation.json's `misclassified[].index`).
 * @param sampleShape [height, width, channels].
 * @param warn told why the misclassified grid was not drawn (sharp cannot be loaded here); the
 *   confusion matrix is drawn all the same.
 * @returns the SVG text of each chart written (for report.html).
 * @throws WriteError when a file cannot be written or an old grid file removed.
 */
export async function writeEvaluationPlots(
  plotsDir: string,
  evaluation: Evaluation,
  sampleOf: (index: number) => Uint8Array,
  sampleShape: readonly [number, number, number],
  warn: (line: string) => void,
  options: EvaluationPlotOptions = {},
): Promise<EvaluationCharts> {
  const names = evaluationChartNames(evaluation.split);
  const confusion = await writeChart(plotsDir, names.confusion, confusionMatrixSpec(evaluation));
  if (options.grid === false) {
    for (const ext of CHART_FILES) removeFile(join(plotsDir, `${names.misclassified}.${ext}`));
    return { confusion_matrix: confusion };
  }
  const encode = options.encode ?? pngDataUri;
  let images: string[];
  try {
    images = await Promise.all(evaluation.misclassified.map((entry) => encode(sampleOf(entry.index), sampleShape, MISCLASSIFIED_SCALE)));
  } catch (error) {
    // Without sharp, or images it cannot encode (e.g. more than 4 channels): the grid is left out, said once; the run goes on.
    warn(message.misclassifiedNotDrawn(error instanceof Error ? error.message : String(error)));
    return { confusion_matrix: confusion };
  }
  const size: [number, number] = [sampleShape[1] * MISCLASSIFIED_SCALE, sampleShape[0] * MISCLASSIFIED_SCALE];
  const misclassified = await writeChart(plotsDir, names.misclassified, misclassifiedSpec(evaluation, images, size));
  return { confusion_matrix: confusion, misclassified };
}

/** Removes `path` when it is there. @throws WriteError when it cannot be removed. */
function removeFile(path: string): void {
  try {
    rmSync(path, { force: true });
  } catch (error) {
    throw writeErrorOf(error, path) ?? error;
  }
}

/**
 * The SVG text of an evaluation's charts already in `plotsDir` (for a report that shows an
 * evaluation made earlier); a chart not there is left out.
 */
export function readEvaluationCharts(plotsDir: string, split: EvaluationSplit): Partial<EvaluationCharts> {
  const names = evaluationChartNames(split);
  const read = (name: string) => {
    const file = join(plotsDir, `${name}.svg`);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  };
  const confusion = read(names.confusion);
  const misclassified = read(names.misclassified);
  return { ...(confusion !== undefined ? { confusion_matrix: confusion } : {}), ...(misclassified !== undefined ? { misclassified } : {}) };
}
