/**
 * The key facts and the status line of a run's report.html, from run.json alone (pure), so the
 * runner and `tfexp evaluate` (which rewrites the report of a finished run) build the same page.
 */
import * as message from '../log/message.js';
import type { RunInfo } from '../runs/store.js';

/** The backend fields run.json records (the backend choice), as far as the report reads them. */
type RecordedBackend = Parameters<typeof message.packageAndThreads>[0] & { readonly name: string; readonly device: string };

/** The report's facts table: backend, parameters, FLOPs, data, epochs, duration (seconds), seed. */
export function runReportFacts(info: RunInfo): Record<string, string> {
  const backend = info.backend as RecordedBackend;
  return {
    backend: `${backend.name} (${message.packageAndThreads(backend)}, ${backend.device})`,
    parameters: info.params.total.toLocaleString('en-US'),
    'FLOPs per sample': info.flops_per_sample.toLocaleString('en-US'),
    data: `${info.dataset.name}: train ${info.dataset.train}, validation ${info.dataset.validation} (${info.dataset.validation_from}), test ${info.dataset.test}`,
    epochs: `${info.epochs_completed} of ${info.epochs_planned}${info.stopped_early ? ` (${info.stopped_early})` : ''}`,
    duration: info.duration_seconds === null ? 'running' : `${info.duration_seconds.toFixed(1)} s`,
    seed: String(info.seed),
  };
}

/**
 * The report's status: `completed`, `failed: <reason>`; a running run says as of when, since a
 * static page cannot know when the process dies.
 * @param now the time to say it is running as of, ISO 8601.
 */
export function runReportStatus(info: Pick<RunInfo, 'status' | 'failure_reason'>, now: string): string {
  return info.status === 'running' ? message.runningAsOf(now) : info.status + (info.failure_reason ? `: ${info.failure_reason}` : '');
}
