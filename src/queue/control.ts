/**
 * Keys tfexp keeps in Redis beside BullMQ's, for a whole sweep:
 *   - `tfexp:sweep:<sweep-id>`: claimed (SET NX) by the submitter that makes the sweep, so two
 *     submitters never share job ids (`<sweep-id>.<index>`), even with the same name in the same second;
 *   - `tfexp:cancel:<sweep-id>`: set by `tfexp sweep cancel`; workers refuse the sweep's points and
 *     stop a running one after its batch; `tfexp resume` deletes it;
 *   - `tfexp:follow:<sweep-id>`: the one process following the sweep (the submitter or a `resume`),
 *     renewed while it follows, so two never gather the same run folders;
 *   - `tfexp:followed:<sweep-id>`: the last process that claimed following it.
 * All but the follow claim expire after a week, as the jobs do; that one FOLLOW_SECONDS after its
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
/**
 * The last process that claimed following the sweep (kept KEEP_SECONDS): tells a lapsed claim
 * nobody took from one another follower took and has since released.
 */
const lastFollowerKey = (sweep: string) => `tfexp:followed:${sweep}`;
/** Seconds a follower's claim lasts without renewal (renewed every third of it). */
export const FOLLOW_SECONDS = 30;

/**
 * Lua (one atomic step in Redis): KEYS[1] (the claim) set to ARGV[1] for ARGV[2] seconds unless
 * someone holds it, and then KEYS[2] (the last follower) to ARGV[1] for ARGV[3] seconds. 1 if claimed.
 */
const CLAIM =
  "if redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2], 'NX') then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3]) return 1 end return 0";

/**
 * Lua: deletes KEYS[1] only while it holds ARGV[1]. Between a GET and a DEL another follower
 * could have taken the key over, and its claim would go.
 */
const DELETE_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * Lua: renews the claim KEYS[1] = ARGV[1] for ARGV[2] seconds while it holds ARGV[1], or holds
 * nothing and nobody else claimed it since (KEYS[2], the last follower, is ARGV[1] or gone, as
 * after Redis lost its data: then it is set again, for ARGV[3] seconds). Returns 1, or the claim
 * of the follower that took over (holding it, or holding it no longer).
 */
const RENEW_IF_HELD = `local v = redis.call('GET', KEYS[1])
local last = redis.call('GET', KEYS[2])
if v == ARGV[1] or (v == false and (last == false or last == ARGV[1])) then
  redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
  if last == false then redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[3]) end
  return 1
end
return v or last`;

/** A claim that is no follower's (a value another program wrote). */
const UNKNOWN: Follower = { host: '?', pid: 0, since: '?' };

/** This process's claim on following a sweep (holdFollow). */
export interface FollowClaim {
  /** Stops renewing and deletes the claim while it is still this process's. Never rejects; bounded while Redis is away. */
  release(): Promise<void>;
  /**
   * Renews the claim now (one Lua step): true while this process holds it. False when another
   * follower took over meanwhile; `lost` resolves then.
   * @throws the Redis client's error when the command fails.
   */
  confirm(): Promise<boolean>;
  /**
   * Resolves, with the follower that took over, when a renewal (or `confirm`) finds that another
   * claimed the sweep after this claim lapsed (this process stopped, or cut off from Redis, past
   * FOLLOW_SECONDS). Renewal stops then. Never rejects.
   */
  readonly lost: Promise<Follower>;
}

/**
 * Claims following the sweep for this process, renewed every `renewMs` (a third of
 * FOLLOW_SECONDS; less in tests) until `release` is called: two followers would fetch the same
 * run folders. A claim of a dead process on this host is taken over at once; one from another
 * host lapses FOLLOW_SECONDS after its process stopped renewing it. Claiming, renewing and
 * releasing are one Lua step each and touch only this process's claim; a renewal that finds
 * another follower claimed the sweep since resolves `lost` (the caller stops following).
 * @returns the claim, or the other follower when one holds the sweep.
 */
export async function holdFollow(redis: Redis, sweep: string, renewMs = (FOLLOW_SECONDS * 1000) / 3): Promise<FollowClaim | { other: Follower }> {
  const keys = [followKey(sweep), lastFollowerKey(sweep)] as const;
  const me = JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() } satisfies Follower);
  for (let tries = 0; ; tries++) {
    if ((await redis.eval(CLAIM, 2, ...keys, me, FOLLOW_SECONDS, KEEP_SECONDS)) === 1) break;
    const text = await redis.get(keys[0]);
    if (text === null) continue;
    const other = parseFollower(text);
    if (tries < 3 && other !== null && other.host === hostname() && !processAlive(other.pid)) {
      await redis.eval(DELETE_IF_HELD, 1, keys[0], text);
      continue;
    }
    return { other: other ?? UNKNOWN };
  }
  let lostTo: (other: Follower) => void = () => {};
  const lost = new Promise<Follower>((done) => (lostTo = done));
  const confirm = async (): Promise<boolean> => {
    const answer = await redis.eval(RENEW_IF_HELD, 2, ...keys, me, FOLLOW_SECONDS, KEEP_SECONDS);
    if (typeof answer !== 'string') return true;
    clearInterval(renew);
    lostTo(parseFollower(answer) ?? UNKNOWN);
    return false;
  };
  const renew = setInterval(() => void confirm().catch(() => {}), renewMs);
  renew.unref();
  return {
    lost,
    confirm,
    // With Redis away the commands would wait for it (ioredis's offline queue): not sent then, and
    // bounded when it goes away meanwhile; the claim lapses by itself (FOLLOW_SECONDS).
    release: async () => {
      clearInterval(renew);
      if (redis.status !== 'ready') return;
      await settleWithin(redis.eval(DELETE_IF_HELD, 1, keys[0], me));
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
