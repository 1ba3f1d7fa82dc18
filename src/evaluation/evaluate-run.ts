/**
 * `tfexp evaluate <run-dir>`, in order:
 *   1. check the folder: a run (run.json) with a saved model (model/)
 *   2. load its experiment.yaml, start the backend it trained on, load the data, build the model
 *      (as `tfexp run` does: the same split, normalisation and batch size) and load the saved weights
 *   3. evaluate the split in batches: Keras's evaluate line, then evaluation.json's numbers
 *   4. write evaluation.json (evaluation_train.json for --split train) and its charts (the misclassified
 *      grid of --misclassified N samples, else the experiment's evaluation.misclassified, else 64;
 *      none for 0), rewrite report.html
 *   5. print the per-class table (classification_report's layout)
 * Runs made before tfexp wrote evaluations get them this way. Nothing else in the folder changes
 * (metrics.json keeps the test results the run recorded).
 */
import { join, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { formatSummary } from '../model/summary.js';
import { evaluationChartNames, evaluationFileName, EVALUATION_SPLITS, type Evaluation, type EvaluationSplit } from './evaluation.js';
import { readEvaluationCharts, writeEvaluationPlots } from '../plots/evaluation.js';
import type { ReportEvaluation } from '../plots/report.js';
import { writeRunReport } from '../plots/run-report.js';
import { loadModel } from '../runs/model-io.js';
import { RunStore } from '../runs/store.js';
import { sampleReader } from '../data/samples.js';
import type { Logs } from '../train/callbacks/types.js';
import { evaluationProgress } from '../train/progress.js';
import { feedOf, onRecordedBackend, prepare, progressOptions, sayer, statusAndSay, type RunOptions } from '../train/run.js';
import { classNamesOf } from './class-names.js';
import { MAX_MISCLASSIFIED, misclassifiedOf } from './misclassified.js';
import { evaluateClassifier } from './predictions.js';
import { formatClassificationReport } from './report-text.js';

export interface EvaluateRunOptions extends Pick<RunOptions, 'dataDir' | 'backend' | 'threads' | 'quiet' | 'write' | 'live'> {
  /** Which samples: `test` (the run's test set), or `train` (the samples it trained on: after train_limit, without the validation hold-out). Default: test. */
  readonly split?: EvaluationSplit;
  /**
   * How many of the most confidently wrong samples to list and draw, a whole number from 0 (none,
   * and no misclassified grid) to MAX_MISCLASSIFIED. Default: the run's experiment.yaml
   * `evaluation.misclassified`, else DEFAULT_MISCLASSIFIED (64).
   */
  readonly misclassified?: number;
}

export interface EvaluateRunOutcome {
  readonly evaluation: Evaluation;
  /** Keras's evaluate results: loss and the experiment's metrics. */
  readonly logs: Logs;
  /** The files written, relative to the run folder. */
  readonly files: readonly string[];
}

/**
 * Recomputes a run's evaluation from its saved model and writes it, its charts and the report.
 * @param dir the run folder.
 * @throws UsageError (exit 2) when `options.misclassified` is not a whole number from 0 to
 *   MAX_MISCLASSIFIED, or `dir` is not a run or has no saved model; ConfigError, DataError,
 *   BackendError (exit 2) as `tfexp run`; WriteError when a file cannot be written.
 */
export async function evaluateRun(dir: string, options: EvaluateRunOptions = {}): Promise<EvaluateRunOutcome> {
  const split = options.split ?? 'test';
  const asked = options.misclassified;
  if (asked !== undefined && !(Number.isInteger(asked) && asked >= 0 && asked <= MAX_MISCLASSIFIED)) throw new UsageError(message.badMisclassified(asked, MAX_MISCLASSIFIED));
  const store = new RunStore(dir);
  if (!store.isRun()) throw new UsageError(message.notARunFor('evaluate', dir));
  const info = store.readRun();
  if (!store.hasModel()) throw new UsageError(message.runWithoutModel(dir, info.status));
  const { status, say } = statusAndSay(options);
  const p = await prepare(resolve(dir, 'experiment.yaml'), [], onRecordedBackend(info, options, say, message.evaluatingOnBackend), say, status);
  const { experiment } = p.loaded;
  const model = p.compiled.model;
  try {
    const saved = await loadModel(store.modelDir);
    model.setWeights(saved.getWeights());
    saved.dispose();
    const data = split === 'test' ? p.data.test : p.data.train;
    const misclassified = asked ?? misclassifiedOf(experiment);
    const progress = evaluationProgress('', progressOptions(options));
    const { logs, evaluation } = await evaluateClassifier(model, data, split === 'test' ? p.split.test : p.split.train, feedOf(p), {
      split,
      classNames: classNamesOf(experiment.data, feedOf(p).numClasses),
      loss: experiment.train.loss,
      misclassified,
      onBatch: progress.onBatch,
    });
    progress.finish(logs);
    store.writeEvaluation(evaluation);
    const charts = await writeEvaluationPlots(store.plotsDir, evaluation, sampleReader(data, p.data.sampleShape), p.data.sampleShape, say, { grid: misclassified > 0 });
    // The report shows every evaluation the run has: test first.
    const evaluations: ReportEvaluation[] = EVALUATION_SPLITS.flatMap((s) => {
      if (s === split) return [{ evaluation, charts }];
      const other = store.readEvaluation(s);
      return other === null ? [] : [{ evaluation: other, charts: readEvaluationCharts(store.plotsDir, s) }];
    });
    await writeRunReport(store, { experiment, info, metrics: store.readMetrics(), summary: formatSummary(experiment.name, p.compiled.plan, p.memory), evaluations });
    const names = evaluationChartNames(split);
    const files = [evaluationFileName(split), ...[names.confusion, ...(charts.misclassified ? [names.misclassified] : [])].map((n) => join('plots', `${n}.png`)), 'report.html'];
    const print = sayer(options);
    print(formatClassificationReport(evaluation));
    print(message.evaluationWritten(files.map((f) => join(dir, f))));
    return { evaluation, logs, files };
  } finally {
    model.optimizer?.dispose();
    model.dispose();
  }
}
