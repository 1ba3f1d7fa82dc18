/**
 * The jobs of a queued sweep's points: made from the experiment file (as a local sweep plans its
 * points) and added to BullMQ with stable ids, so adding a point again is a no-op.
 */
import type { Redis } from 'ioredis';
import { planExperiment } from '../model/plan-experiment.js';
import type { SweepPoint } from '../sweep/grid.js';
import { loadPoint } from '../sweep/point.js';
import { KEEP_SECONDS } from './control.js';
import { jobId, openQueue, pointJob, type PointJob } from './job.js';

/** What enqueuing needs of sweep.json. */
interface SweepIds {
  readonly id: string;
  readonly name: string;
  readonly queue: { readonly attempts: number };
}

/** First delay of BullMQ's exponential backoff between a failed try and the next (milliseconds). */
const BACKOFF_MS = 5_000;

/**
 * One point's job: the point's experiment loaded and planned as `tfexp run` would (file + sets).
 * @param base the folder idx paths travel relative to.
 * @throws ConfigError (exit 2) for an invalid point; QueueError for an idx path outside `base`.
 */
export function planPointJob(file: string, sets: readonly string[], sweep: string, name: string, point: Pick<SweepPoint, 'index' | 'values' | 'seed' | 'sets'>, total: number, base: string): PointJob {
  const loaded = loadPoint(file, sets, point, total);
  planExperiment(loaded);
  return pointJob(sweep, name, point.index, loaded.experiment, base);
}

/**
 * Adds each point's job (a point whose job exists already is left as it is).
 * @throws what Redis throws (the callers make it a QueueError).
 */
export async function enqueuePoints(redis: Redis, sweep: SweepIds, jobs: readonly PointJob[]): Promise<void> {
  const queue = openQueue(redis);
  try {
    await queue.addBulk(
      jobs.map((job) => ({
        name: `${sweep.name}-${job.index}`,
        data: job,
        // Completed and failed jobs stay (a week) so that enqueuing again never reruns them.
        opts: {
          jobId: jobId(sweep.id, job.index),
          attempts: sweep.queue.attempts,
          backoff: { type: 'exponential', delay: BACKOFF_MS },
          removeOnComplete: { age: KEEP_SECONDS },
          removeOnFail: { age: KEEP_SECONDS },
        },
      })),
    );
  } finally {
    await queue.close();
  }
}
