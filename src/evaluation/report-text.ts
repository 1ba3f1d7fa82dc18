/**
 * The per-class table as text, laid out as scikit-learn's `classification_report` prints it
 * (`sklearn/metrics/_classification.py`, `classification_report(..., digits=4)`): names right-aligned,
 * columns 9 characters wide, an accuracy row, then the macro and weighted averages.
 * Porting Note: digits default to 4 here (scikit-learn: 2), as tfexp prints metrics to 4 digits.
 */
import type { Evaluation } from './evaluation.js';

const HEADERS = ['precision', 'recall', 'f1-score', 'support'] as const;
const LAST_HEADING = 'weighted avg';

/**
 * classification_report's text of an evaluation.
 * @param digits decimals of the scores. Default: 4.
 * @returns lines joined by "\n", ending with one.
 */
export function formatClassificationReport(evaluation: Pick<Evaluation, 'per_class' | 'accuracy' | 'macro_avg' | 'weighted_avg' | 'samples'>, digits = 4): string {
  const width = Math.max(...evaluation.per_class.map((c) => c.class.length), LAST_HEADING.length, digits);
  const name = (text: string) => text.padStart(width);
  const cell = (text: string) => ` ${text.padStart(9)}`;
  const score = (value: number) => cell(value.toFixed(digits));
  const row = (heading: string, s: { precision: number; recall: number; f1: number; support: number }) =>
    `${name(heading)} ${score(s.precision)}${score(s.recall)}${score(s.f1)}${cell(String(s.support))}`;
  return [
    `${name('')} ${HEADERS.map(cell).join('')}`,
    '',
    ...evaluation.per_class.map((c) => row(c.class, c)),
    '',
    `${name('accuracy')} ${cell('')}${cell('')}${score(evaluation.accuracy)}${cell(String(evaluation.samples))}`,
    row('macro avg', evaluation.macro_avg),
    row(LAST_HEADING, evaluation.weighted_avg),
    '',
  ].join('\n');
}
