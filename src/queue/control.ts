/**
 * Keys tfexp keeps in Redis beside BullMQ's, for a whole sweep:
 *   - `tfexp:sweep:<sweep-id>`: claimed (SET NX) by the submitter that makes the sweep, so two
 *     submitters never share job ids (`<sweep-id>.<index>`), even with the same name in the same second;
 *   - `tfexp:cancel:<sweep-id>`: set by `tfexp sweep cancel`; workers refuse the sweep's points and
 *     stop a running one after its batch; `tfexp resume` deletes it;
 *   - `tfexp:follow:<sweep-id>`: the one process following the sweep (the submitter or a `resume`),
 *     renewed while it follows, so two never gather the same run folders.
 * The first two expire after a week, as the jobs do; the follow claim FOLLOW_SECONDS after its
 * last renewal.
 */
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import { processAlive } from '../runs/liveness.js';
import { settleWithin } from './connect.js';

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

/** True while `tfexp sweep cancel` has the sweep cancelled. */
export async function isCancelled(redis: Redis, sweep: string): Promise<boolean> {
  return (await redis.exists(cancelKey(sweep))) > 0;
}

/** Who follows a sweep (one follower at a time gathers its runs). */
export interface Follower {
  readonly host: string;
  readonly pid: number;
  readonly since: string;
}

const followKey = (sweep: string) => `tfexp:follow:${sweep}`;
/** Seconds a follower's claim lasts without renewal (renewed every third of it). */
export const FOLLOW_SECONDS = 30;

/**
 * Lua (one atomic step in Redis): deletes KEYS[1] only while it holds ARGV[1]. Between a GET and
 * a DEL another follower could have taken the key over, and its claim would go.
 */
const DELETE_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * Lua: sets KEYS[1] to ARGV[1] for ARGV[2] seconds while it holds ARGV[1] or nothing (a claim
 * that lapsed, say while this process was stopped, is taken again), never over another's claim.
 * Returns 1, or the other claim's value.
 */
const RENEW_IF_HELD =
  "local v = redis.call('GET', KEYS[1]) if v == false or v == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) return 1 end return v";

/** A claim that is no follower's (a value another program wrote). */
const UNKNOWN: Follower = { host: '?', pid: 0, since: '?' };

/** This process's claim on following a sweep (holdFollow). */
export interface FollowClaim {
  /** Stops renewing and deletes the claim while it is still this process's. Never rejects; bounded while Redis is away. */
  release(): Promise<void>;
  /**
   * Resolves, with the follower that holds the sweep now, when a renewal finds another's claim:
   * this one lapsed (the process was stopped, or cut off from Redis, past FOLLOW_SECONDS) and a
   * `resume` took over. Renewal stops then. Never rejects.
   */
  readonly lost: Promise<Follower>;
}

/**
 * Claims following the sweep for this process, renewed every `renewMs` (a third of
 * FOLLOW_SECONDS; less in tests) until `release` is called: two followers would fetch the same
 * run folders. A claim of a dead process on this host is taken over at once; one from another
 * host lapses FOLLOW_SECONDS after its process stopped renewing it. Renewing and releasing touch
 * the key only while it holds this process's claim (or, renewing, nothing), in one Lua step each;
 * a renewal that finds another's claim resolves `lost` (the caller stops following).
 * @returns the claim, or the other follower when one holds the sweep.
 */
export async function holdFollow(redis: Redis, sweep: string, renewMs = (FOLLOW_SECONDS * 1000) / 3): Promise<FollowClaim | { other: Follower }> {
  const key = followKey(sweep);
  const me = JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() } satisfies Follower);
  for (let tries = 0; ; tries++) {
    if ((await redis.set(key, me, 'EX', FOLLOW_SECONDS, 'NX')) === 'OK') break;
    const text = await redis.get(key);
    if (text === null) continue;
    const other = parseFollower(text);
    if (tries < 3 && other !== null && other.host === hostname() && !processAlive(other.pid)) {
      await redis.eval(DELETE_IF_HELD, 1, key, text);
      continue;
    }
    return { other: other ?? UNKNOWN };
  }
  let lostTo: (other: Follower) => void = () => {};
  const lost = new Promise<Follower>((done) => (lostTo = done));
  const renew = setInterval(() => {
    redis.eval(RENEW_IF_HELD, 1, key, me, FOLLOW_SECONDS).then((answer) => {
      if (typeof answer !== 'string') return;
      clearInterval(renew);
      lostTo(parseFollower(answer) ?? UNKNOWN);
    }, () => {});
  }, renewMs);
  renew.unref();
  return {
    lost,
    // With Redis away the commands would wait for it (ioredis's offline queue): not sent then, and
    // bounded when it goes away meanwhile; the claim lapses by itself (FOLLOW_SECONDS).
    release: async () => {
      clearInterval(renew);
      if (redis.status !== 'ready') return;
      await settleWithin(redis.eval(DELETE_IF_HELD, 1, key, me));
    },
  };
}

function parseFollower(text: string): Follower | null {
  try {
    const value = JSON.parse(text) as Partial<Follower>;
    return typeof value.host === 'string' && typeof value.pid === 'number' && typeof value.since === 'string' ? (value as Follower) : null;
  } catch {
    return null;
  }
}
