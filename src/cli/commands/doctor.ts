import type { CommandModule } from 'yargs';
import { QueueError } from '../../errors.js';
import * as message from '../../log/message.js';
import type { QueueStatus } from '../../queue/status.js';
import { output } from '../output.js';

interface DoctorArgs {
  json: boolean;
  queue?: string;
}

/** Doctor's queue entry (also its `queue` in --json): the status, or why it could not be read (`url` redacted). */
export type QueueCheck = ({ readonly ok: true } & QueueStatus) | { readonly ok: false; readonly url: string; readonly error: string };

/** Reads the queue's status; a QueueError (bad URL, unreachable, wrong password) becomes a failed check. */
async function checkQueue(url: string): Promise<{ check: QueueCheck; error?: QueueError }> {
  // Loaded here, not at the top: bullmq and ioredis stay out of --help and plain doctor (issue 13).
  const { redactUrl } = await import('../../queue/url.js');
  const { queueStatus } = await import('../../queue/status.js');
  try {
    return { check: { ok: true, ...(await queueStatus(url)) } };
  } catch (error) {
    if (!(error instanceof QueueError)) throw error;
    return { check: { ok: false, url: redactUrl(url), error: error.message }, error };
  }
}

/** Doctor's queue section, rows as its backend rows: ok/no, then notes indented below. */
export function formatQueueCheck(check: QueueCheck): string {
  const lines = [message.DOCTOR_QUEUE_HEADING];
  if (!check.ok) {
    lines.push(`  no   ${check.error}`);
  } else {
    lines.push(`  ok   ${message.doctorQueueLine(check)}`);
    for (const warning of check.warnings) lines.push(`         warning: ${warning}`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Prints each backend's status, versions, threads and GPU visibility, with fixes for what is missing;
 * with `queue` (a Redis URL), also the queue's server, workers and job counts.
 * @throws QueueError (exit 2), after the whole report is printed, when the queue cannot be read:
 *   the report shows why, and the exit code tells scripts.
 */
export async function printDoctor(json: boolean, queue?: string): Promise<void> {
  // The queue is read while the backends are probed; checkQueue settles, it never rejects on a queue problem.
  const queued = queue === undefined ? undefined : checkQueue(queue);
  // Loaded here, not at the top: it loads tfjs and probes the backends (issue 13).
  const { diagnose, formatDoctor } = await import('../../backend/doctor.js');
  const report = await diagnose();
  const checked = await queued;
  if (json) output.out(`${JSON.stringify(checked === undefined ? report : { ...report, queue: checked.check }, null, 2)}\n`);
  else output.out(formatDoctor(report) + (checked === undefined ? '' : formatQueueCheck(checked.check)));
  if (checked?.error !== undefined) throw checked.error;
}

export const doctorCommand: CommandModule<object, DoctorArgs> = {
  command: 'doctor',
  describe: 'Show which compute backends work here (native TensorFlow, GPU, WASM threads, CPU) and how to fix what is missing.',
  builder: (y) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print machine-readable JSON' })
      // No yargs default from the environment: --help would print the URL, password and all.
      .option('queue', { type: 'string', describe: "Also check the sweep queue: Redis's version, the workers connected, the jobs by state (default: $TFEXP_QUEUE)" }) as never,
  handler: (args) => printDoctor(args.json, args.queue ?? (process.env.TFEXP_QUEUE || undefined)),
};
