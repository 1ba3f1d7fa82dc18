/**
 * report.html of a run, with the training charts brought up to date first: the one place that
 * composes it, for the runner (after every epoch and at the end) and `tfexp evaluate`.
 */
import type { Experiment } from '../config/index.js';
import { experimentToYaml } from '../config/render.js';
import type { Metrics, RunInfo, RunStore } from '../runs/store.js';
import { updateRunPlots } from './index.js';
import { runReportHtml, type ReportEvaluation } from './report.js';
import { runReportFacts, runReportStatus } from './run-facts.js';

export interface RunReportParts {
  readonly experiment: Experiment;
  readonly info: RunInfo;
  readonly metrics: Metrics;
  /** The model summary table (summary.txt's text). */
  readonly summary: string;
  /** The evaluations to show (test first), with their charts. Default: none. */
  readonly evaluations?: readonly ReportEvaluation[];
}

/**
 * Redraws the training charts in `plots/` from the metrics, then writes report.html.
 * @throws WriteError when a file cannot be written.
 */
export async function writeRunReport(store: RunStore, parts: RunReportParts): Promise<void> {
  const { experiment, info, metrics } = parts;
  const charts = await updateRunPlots(store.plotsDir, metrics, experiment.name, experiment.description);
  store.writeReport(
    runReportHtml({
      title: `${experiment.name} (${info.id})`,
      description: experiment.description,
      status: runReportStatus(info, new Date().toISOString()),
      facts: runReportFacts(info),
      run: info,
      history: metrics.history,
      test: metrics.test,
      summary: parts.summary,
      experimentYaml: experimentToYaml(experiment),
      charts,
      ...(parts.evaluations && parts.evaluations.length > 0 ? { evaluations: parts.evaluations } : {}),
    }),
  );
}
