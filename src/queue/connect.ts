/**
 * Opening the Redis connection behind the queue (ioredis, which BullMQ drives), checked with a
 * PING before anything is enqueued or pulled, so a bad address or password is one clear
 * exit 2 (QueueError) instead of BullMQ's endless reconnect attempts.
 */
import { isIP } from 'node:net';
import { Redis, type RedisOptions } from 'ioredis';
import { QueueError, TfexpError } from '../errors.js';
import * as message from '../log/message.js';
import type { QueueTarget } from './url.js';

/** Seconds to wait for the first connection. */
const CONNECT_TIMEOUT_MS = 5_000;

/** How long closing a BullMQ queue, event reader or worker may take (ms) before tfexp goes on without it. */
export const CLOSE_TIMEOUT_MS = 1_000;

/**
 * Waits for `closing` at most `ms` milliseconds; never throws. For what may wait on Redis forever
 * while tfexp stops: closing a BullMQ Queue, QueueEvents or Worker whose connection is waiting to
 * reconnect never settles (ioredis's disconnect() then emits no `end` event, which BullMQ's close
 * awaits: redis/ioredis#2169, taskforcesh/bullmq#4656), even after Redis is back; a last command
 * (releasing a claim) waits in ioredis's offline queue while Redis is away. The connection is
 * closed either way, and a claim lapses by itself, so nothing is lost by not waiting.
 */
export async function settleWithin(closing: Promise<unknown>, ms: number = CLOSE_TIMEOUT_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  // Not unref'd: the caller's own work after the close must still run when nothing else is pending.
  await Promise.race([closing.catch(() => undefined), new Promise<void>((done) => (timer = setTimeout(done, ms)))]);
  clearTimeout(timer);
}

/** ioredis options for the target. BullMQ needs `maxRetriesPerRequest: null` on the connections a Worker blocks on. */
export function redisOptions(target: QueueTarget): RedisOptions {
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(target.username !== undefined ? { username: target.username } : {}),
    ...(target.password !== undefined ? { password: target.password } : {}),
    // rediss://: Node's default trust store, plus NODE_EXTRA_CA_CERTS for a private CA. The host
    // is checked against the certificate either way; SNI only for a name (an IP address as
    // servername is refused by RFC 6066 and makes Node print a DeprecationWarning, DEP0123).
    ...(target.tls ? { tls: isIP(target.host) === 0 ? { servername: target.host } : {} } : {}),
    maxRetriesPerRequest: null,
    connectTimeout: CONNECT_TIMEOUT_MS,
    // After the first connection: keep retrying (a restarting Redis comes back), at most every 2 s.
    retryStrategy: (times) => Math.min(200 * times, 2_000),
  };
}

/** Node's codes for a certificate chain that does not lead to a trusted CA. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);

/** Node's codes for a certificate that was refused for another reason (wrong host, expired, ...). */
const BAD_CERTIFICATE = /^(ERR_TLS_CERT_|CERT_|INVALID_CA$|INVALID_PURPOSE$)/;

/** The first line of an error's message, with the target's password (should a library echo it) as `***`. */
export function errorLine(target: QueueTarget, error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0]!.replaceAll(target.password ?? '\u0000', '***');
}

/**
 * An error of a Redis command after the connection was checked (a full Redis, a refused command,
 * a Redis too old for BullMQ) as a QueueError (exit 2) naming the redacted URL, never a stack
 * trace; tfexp's own errors pass through.
 */
export function asQueueError(target: QueueTarget, error: unknown): Error {
  if (error instanceof TfexpError) return error;
  return new QueueError(message.queueRedisFailed(target.shown, errorLine(target, error)));
}

/** What went wrong connecting, as a QueueError naming the redacted URL. */
export function connectionError(target: QueueTarget, error: unknown): QueueError {
  const text = error instanceof Error ? error.message : String(error);
  const why = errorLine(target, error);
  const code = typeof (error as { code?: unknown } | null)?.code === 'string' ? (error as { code: string }).code : '';
  if (/NOAUTH/i.test(text)) return new QueueError(message.queueNeedsPassword(target.shown));
  if (/WRONGPASS|invalid password|invalid username-password/i.test(text)) return new QueueError(message.queueAuthFailed(target.shown, why));
  const tlsWhy = why.replace(/[\s:]+$/, '');
  if (UNTRUSTED_CERTIFICATE.has(code)) return new QueueError(message.queueTlsUntrusted(target.shown, tlsWhy));
  if (BAD_CERTIFICATE.test(code)) return new QueueError(message.queueTlsCertificate(target.shown, tlsWhy));
  return new QueueError(message.queueUnreachable(target.shown, why));
}

/**
 * Connects and checks the connection with PING (which fails with NOAUTH when a password is needed).
 * @throws QueueError (exit 2) when Redis is unreachable within 5 s or refuses the password.
 */
export async function connectRedis(target: QueueTarget): Promise<Redis> {
  let lastError: unknown = null;
  const redis = new Redis({ ...redisOptions(target), lazyConnect: true, enableOfflineQueue: false, retryStrategy: () => null });
  redis.on('error', (error) => void (lastError = error));
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    redis.disconnect();
    throw connectionError(target, lastError ?? error);
  }
  // Checked: from now on reconnect as BullMQ expects.
  redis.options.retryStrategy = redisOptions(target).retryStrategy;
  redis.options.enableOfflineQueue = true;
  return redis;
}
