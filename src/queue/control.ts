/**
 * Keys tfexp keeps in Redis beside BullMQ's, for a whole sweep:
 *   - `tfexp:sweep:<sweep-id>`: claimed (SET NX) by the submitter that makes the sweep, so two
 *     submitters never share job ids (`<sweep-id>.<index>`), even with the same name in the same second;
 *   - `tfexp:cancel:<sweep-id>`: set by `tfexp sweep cancel`; workers refuse the sweep's points and
 *     stop a running one after its batch; `tfexp resume` deletes it.
 * Both expire after a week, as the jobs do.
 */
import type { Redis } from 'ioredis';

/** Seconds tfexp's keys and finished jobs are kept in Redis (a week). */
export const KEEP_SECONDS = 7 * 24 * 3600;

const claimKey = (sweep: string) => `tfexp:sweep:${sweep}`;
const cancelKey = (sweep: string) => `tfexp:cancel:${sweep}`;

/** Claims a sweep id for this submitter. @returns false when another submitter has it. */
export async function claimSweepId(redis: Redis, sweep: string): Promise<boolean> {
  return (await redis.set(claimKey(sweep), new Date().toISOString(), 'EX', KEEP_SECONDS, 'NX')) === 'OK';
}

/** Marks a sweep cancelled (workers check it before and during each point). */
export async function requestCancel(redis: Redis, sweep: string): Promise<void> {
  await redis.set(cancelKey(sweep), new Date().toISOString(), 'EX', KEEP_SECONDS);
}

/** Lifts a cancel. @returns true when the sweep was cancelled. */
export async function clearCancel(redis: Redis, sweep: string): Promise<boolean> {
  return (await redis.del(cancelKey(sweep))) > 0;
}

export async function isCancelled(redis: Redis, sweep: string): Promise<boolean> {
  return (await redis.exists(cancelKey(sweep))) > 0;
}
