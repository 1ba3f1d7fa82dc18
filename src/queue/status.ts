/**
 * What `tfexp doctor --queue URL` reports about the queue: the Redis server and its version, its
 * eviction policy, the tfexp workers connected to the queue and the queue's job counts. It only
 * reads: nothing is added to or removed from Redis.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { QueueError } from '../errors.js';
import * as message from '../log/message.js';
import { connectRedis, errorLine, settleWithin } from './connect.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './job.js';
import { parseQueueUrl, type QueueTarget } from './url.js';

/** Milliseconds the reads may take once connected (the connection itself has connectRedis's 5 s). */
const READ_TIMEOUT_MS = 10_000;

/** Jobs of the tfexp queue by BullMQ state (counts of jobs, not of points finished or runs). */
export interface QueueJobCounts {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly completed: number;
  readonly failed: number;
}

export interface QueueStatus {
  /** The queue URL with the password replaced by `***` (QueueTarget.shown). */
  readonly url: string;
  /** "Redis", or "Valkey" / "Dragonfly" when INFO says so. */
  readonly server: string;
  /** The server's version as INFO gives it ("7.0.15"). */
  readonly version: string;
  /** `maxmemory-policy` ("noeviction"), or null when neither INFO nor CONFIG GET gives it. */
  readonly maxmemory_policy: string | null;
  /**
   * Names of the BullMQ workers connected to the tfexp queue (a worker's --name, by default
   * host-pid; "unnamed" for a worker without one), or null when Redis does not allow CLIENT LIST.
   */
  readonly workers: readonly string[] | null;
  readonly jobs: QueueJobCounts;
  /** What may go wrong with this queue (an evicting Redis, jobs waiting with no worker), as full sentences; empty when nothing. */
  readonly warnings: readonly string[];
}

/**
 * Connects to the queue at `url`, reads its status and closes every connection it opened.
 * @throws QueueError (exit 2) for a bad URL, an unreachable Redis, a wrong or missing password
 *   (connectRedis), a Redis that refuses the reads (ACL) or does not answer them within 10 s.
 *   The password never appears in a message.
 */
export async function queueStatus(url: string): Promise<QueueStatus> {
  const target = parseQueueUrl(url);
  const redis = await connectRedis(target);
  // The queue only reads: skipVersionCheck keeps BullMQ from printing its own eviction warning
  // (the status carries tfexp's); Queue#close leaves the shared connection open.
  const queue = new Queue(QUEUE_NAME, { connection: redis, prefix: QUEUE_PREFIX, skipVersionCheck: true });
  // Errors come back from the reads below; without a listener an 'error' event would crash the process.
  queue.on('error', () => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_done, fail) => {
    timer = setTimeout(() => fail(new QueueError(message.doctorQueueTimeout(target.shown, READ_TIMEOUT_MS / 1000))), READ_TIMEOUT_MS);
  });
  try {
    return await Promise.race([readStatus(target, redis, queue), timeout]);
  } catch (error) {
    if (error instanceof QueueError) throw error;
    throw readError(target, error);
  } finally {
    clearTimeout(timer);
    await settleWithin(queue.close());
    redis.disconnect();
  }
}

async function readStatus(target: QueueTarget, redis: Redis, queue: Queue): Promise<QueueStatus> {
  const server = parseInfo(await redis.info('server'));
  const [policy, workers, counts] = await Promise.all([maxmemoryPolicy(redis), workerNames(queue), queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed')]);
  const jobs: QueueJobCounts = {
    waiting: counts.waiting ?? 0,
    active: counts.active ?? 0,
    delayed: counts.delayed ?? 0,
    prioritized: counts.prioritized ?? 0,
    completed: counts.completed ?? 0,
    failed: counts.failed ?? 0,
  };
  const name = server.has('valkey_version') || server.get('server_name')?.toLowerCase() === 'valkey' ? 'Valkey' : server.has('dragonfly_version') ? 'Dragonfly' : 'Redis';
  const version = server.get('valkey_version') ?? server.get('dragonfly_version') ?? server.get('redis_version') ?? 'unknown';
  const warnings: string[] = [];
  if (policy !== null && policy !== 'noeviction') warnings.push(message.doctorQueueEviction(target.shown, policy));
  if (workers !== null && workers.length === 0 && jobs.waiting + jobs.prioritized > 0) warnings.push(message.doctorQueueNoWorker(jobs.waiting + jobs.prioritized));
  return { url: target.shown, server: name, version, maxmemory_policy: policy, workers, jobs, warnings };
}

/** `key:value` lines of an INFO reply. */
function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/** INFO memory's maxmemory_policy (managed Redis allows INFO), else CONFIG GET (often refused there), else null. */
async function maxmemoryPolicy(redis: Redis): Promise<string | null> {
  try {
    const policy = parseInfo(await redis.info('memory')).get('maxmemory_policy');
    if (policy !== undefined && policy !== '') return policy;
  } catch {
    // INFO memory refused: try CONFIG GET.
  }
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    return Array.isArray(reply) && typeof reply[1] === 'string' ? reply[1] : null;
  } catch {
    return null;
  }
}

/**
 * The names of the workers on the tfexp queue. BullMQ lists a worker by its blocking connection,
 * named `<prefix>:<base64(queue)>:w:<worker name>` (CLIENT SETNAME); getWorkers returns the queue's
 * name in `name` and that connection name in `rawname`.
 */
async function workerNames(queue: Queue): Promise<string[] | null> {
  let clients: { [key: string]: string }[];
  try {
    clients = await queue.getWorkers();
  } catch (error) {
    // CLIENT LIST refused (an ACL without it, some managed Redis): the workers are unknown.
    if (/NOPERM|unknown command|not allowed|no permissions/i.test(error instanceof Error ? error.message : String(error))) return null;
    throw error;
  }
  // BullMQ's answer where CLIENT LIST is not supported (GCP): one entry without rawname.
  if (clients.some((client) => client.rawname === undefined)) return null;
  const base = `${QUEUE_PREFIX}:${Buffer.from(QUEUE_NAME).toString('base64')}`;
  return clients.map((client) => (client.rawname!.startsWith(`${base}:w:`) ? client.rawname!.slice(base.length + 3) : 'unnamed')).sort();
}

/** A failed read as a QueueError naming the redacted URL, with the password cut out of Redis's text. */
function readError(target: QueueTarget, error: unknown): QueueError {
  return new QueueError(message.doctorQueueReadFailed(target.shown, errorLine(target, error)));
}
