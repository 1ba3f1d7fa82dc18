/**
 * The key facts and the status line of a run's report.html, from run.json alone (pure), so the
 * runner and `tfexp evaluate` (which rewrites the report of a finished run) build the same page.
 */
import * as message from '../log/message.js';
import type { RunInfo } from '../runs/store.js';

/** The backend fields run.json records (the backend choice), as far as the report reads them. */
type RecordedBackend = Parameters<typeof message.packageAndThreads>[0] & { readonly name: string; readonly device: string };

/**
 * The report's facts table: backend, parameters, FLOPs, data, epochs, duration (seconds), seed.
 * A field run.json lacks (an old or hand-edited file, as the dashboard may read) is "not recorded".
 */
export function runReportFacts(info: Partial<RunInfo>): Record<string, string> {
  const backend = info.backend as RecordedBackend | undefined;
  const count = (n: unknown) => (typeof n === 'number' ? n.toLocaleString('en-US') : message.REPORT_NOT_RECORDED);
  const data = info.dataset;
  return {
    backend: backend ? `${backend.name} (${message.packageAndThreads(backend)}, ${backend.device})` : message.REPORT_NOT_RECORDED,
    parameters: count(info.params?.total),
    'FLOPs per sample': count(info.flops_per_sample),
    data: data ? `${data.name}: train ${data.train}, validation ${data.validation} (${data.validation_from}), test ${data.test}` : message.REPORT_NOT_RECORDED,
    epochs: `${info.epochs_completed} of ${info.epochs_planned}${info.stopped_early ? ` (${info.stopped_early})` : ''}`,
    duration: typeof info.duration_seconds === 'number' ? `${info.duration_seconds.toFixed(1)} s` : 'running',
    seed: info.seed === undefined ? message.REPORT_NOT_RECORDED : String(info.seed),
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
