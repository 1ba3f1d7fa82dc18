/**
 * The confusion matrix as a Vega-Lite v5 heatmap (pure; no I/O): one cell per (true, predicted)
 * pair, coloured by its count and labelled with it; rows are the true classes, columns the
 * predicted ones, both in label order and named. A parameter `normalize` (boolean) switches the
 * cells to row-normalised values (each row's share of its true class, so the diagonal is each
 * class's recall): the static chart is drawn with it as given, and a page embedding the spec
 * (vega-embed) can flip it with `view.signal('normalize', true)` or bind it to a checkbox.
 */
import type { Evaluation } from '../evaluation/evaluation.js';
import { VEGA_LITE_SCHEMA } from './vega.js';

/** Side of one cell, pixels. */
export const CONFUSION_CELL = 34;

/** A class name longer than this many characters turns the column labels 45 degrees. */
const UPRIGHT_LABEL = 3;

export interface ConfusionMatrixOptions {
  /** Show each row's shares instead of counts. Default: false. */
  readonly normalize?: boolean;
  /** Chart title. Default: "Confusion matrix". */
  readonly title?: string;
}

/** One cell of the chart's data. */
export interface ConfusionCell {
  readonly true_class: string;
  readonly predicted_class: string;
  readonly count: number;
  /** count / the row's total (samples of that true class); 0 for a class with no samples. */
  readonly share: number;
}

/** The K x K cells, row by row. */
export function confusionCells(evaluation: Pick<Evaluation, 'class_names' | 'confusion_matrix'>): ConfusionCell[] {
  const names = evaluation.class_names;
  return evaluation.confusion_matrix.flatMap((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count, j) => ({ true_class: names[i]!, predicted_class: names[j]!, count, share: total === 0 ? 0 : count / total }));
  });
}

/** A string as a literal of Vega's expression language. */
const literal = (text: string) => JSON.stringify(text);

/**
 * The Vega-Lite spec of an evaluation's confusion matrix (data inline).
 * @param evaluation evaluation.json, or the fields the chart reads.
 * @returns a spec with the parameter `normalize` (its value: `options.normalize`, default false).
 */
export function confusionMatrixSpec(
  evaluation: Pick<Evaluation, 'class_names' | 'confusion_matrix' | 'split' | 'samples' | 'accuracy'>,
  options: ConfusionMatrixOptions = {},
): Record<string, unknown> {
  const names = evaluation.class_names;
  const title = options.title ?? 'Confusion matrix';
  const tilted = names.some((name) => name.length > UPRIGHT_LABEL);
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: {
      text: { expr: `normalize ? ${literal(`${title} (share of each true class)`)} : ${literal(`${title} (counts)`)}` },
      subtitle: `${evaluation.split} set: ${evaluation.samples.toLocaleString('en-US')} samples, accuracy ${evaluation.accuracy.toFixed(4)}`,
    },
    params: [{ name: 'normalize', value: options.normalize ?? false }],
    data: { values: confusionCells(evaluation) },
    transform: [
      { calculate: 'normalize ? datum.share : datum.count', as: 'value' },
      { joinaggregate: [{ op: 'max', field: 'value', as: 'max_value' }] },
      // Zeros stay blank, so the mistakes stand out.
      { calculate: "datum.count === 0 ? '' : normalize ? format(datum.share, '.2f') : format(datum.count, 'd')", as: 'label' },
    ],
    width: { step: CONFUSION_CELL },
    height: { step: CONFUSION_CELL },
    encoding: {
      x: { field: 'predicted_class', type: 'ordinal', sort: names, title: 'predicted', axis: { labelAngle: tilted ? -45 : 0, orient: 'bottom' } },
      y: { field: 'true_class', type: 'ordinal', sort: names, title: 'true' },
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: { field: 'value', type: 'quantitative', title: null, scale: { scheme: 'blues' } },
          tooltip: [
            { field: 'true_class', title: 'true' },
            { field: 'predicted_class', title: 'predicted' },
            { field: 'count', title: 'count', format: 'd' },
            { field: 'share', title: 'share of true class', format: '.2%' },
          ],
        },
      },
      {
        mark: { type: 'text', fontSize: 10 },
        encoding: {
          text: { field: 'label' },
          color: { condition: { test: 'datum.value > datum.max_value / 2', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
}
