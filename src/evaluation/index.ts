/**
 * Evaluation of a classifier on one split, file per phase:
 *   classification.ts  confusion matrix -> per-class precision, recall, F1, support, averages (scikit-learn)
 *   misclassified.ts   the most confidently wrong samples, kept while batches stream past
 *   evaluation.ts      evaluation.json's type and its builder; the run folder's file and chart names
 *   class-names.ts     which name each class has
 *   report-text.ts     classification_report's text table
 * These are pure (no tfjs, no files) and re-exported here, for readers of evaluation.json such as
 * `tfexp ui`. The tfjs edges are imported directly: predictions.ts (one pass of metrics and
 * predictions) and evaluate-run.ts (`tfexp evaluate`).
 */
export { classificationReport, confusionMatrix, type ClassificationReport, type ClassScores, type NamedClassScores } from './classification.js';
export { classNamesOf } from './class-names.js';
export { EVALUATION_FORMAT, EVALUATION_SPLITS, EvaluationBuilder, evaluationChartNames, evaluationFileName, type Evaluation, type EvaluationSplit } from './evaluation.js';
export { DEFAULT_MISCLASSIFIED, MAX_MISCLASSIFIED, misclassifiedOf, MostConfidentlyWrong, type Misclassified } from './misclassified.js';
export { formatClassificationReport } from './report-text.js';
