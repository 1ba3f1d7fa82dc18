/**
 * `--queue redis://[:password@]host:port[/db]` (or `rediss://` for TLS): parsed once, here.
 * The password is kept only in `password`; every message and file gets `shown`, the URL
 * with the password replaced by `***`.
 */
import { QueueError } from '../errors.js';
import * as message from '../log/message.js';

export interface QueueTarget {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username?: string;
  readonly password?: string;
  /** The URL with the password replaced by `***`: safe to print and to write to run.json. */
  readonly shown: string;
}

/**
 * The text with the password of every URL in it replaced by `***` (also for URLs that do not
 * parse, and for `--queue=redis://...`): for messages and for the command line run.json records.
 */
export function redactUrl(text: string): string {
  // Up to the last '@' of the word: a password may hold '@' or '/' (the URL parser takes the last '@' too).
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi, (_all, scheme: string, auth: string) => {
    const colon = auth.indexOf(':');
    return `${scheme}${colon < 0 ? '***' : `${auth.slice(0, colon)}:***`}@`;
  });
}

/**
 * @throws QueueError (exit 2) for anything but redis:// or rediss:// with a host, a port in 1..65535
 *   and a database number in 0..15 (Redis's default count).
 */
export function parseQueueUrl(text: string): QueueTarget {
  const shown = redactUrl(text);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new QueueError(message.queueBadUrl(shown, 'not a URL'));
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') throw new QueueError(message.queueBadUrl(shown, `the scheme is ${url.protocol.slice(0, -1)}, not redis or rediss`));
  if (url.hostname === '') throw new QueueError(message.queueBadUrl(shown, 'no host'));
  const port = url.port === '' ? 6379 : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new QueueError(message.queueBadUrl(shown, `port ${url.port} is out of range`));
  const path = url.pathname.replace(/^\//, '');
  if (path !== '' && !/^\d{1,2}$/.test(path)) throw new QueueError(message.queueBadUrl(shown, `the database "/${path}" is not a number`));
  const db = path === '' ? 0 : Number(path);
  if (db > 15) throw new QueueError(message.queueBadUrl(shown, `database ${db} is past 15`));
  if (url.search !== '' || url.hash !== '') throw new QueueError(message.queueBadUrl(shown, 'query strings and fragments are not supported'));
  const username = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  // IPv6 hosts come bracketed from URL; sockets want them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    tls: url.protocol === 'rediss:',
    host,
    port,
    db,
    ...(username !== '' ? { username } : {}),
    ...(password !== '' ? { password } : {}),
    shown: `${url.protocol}//${username !== '' || password !== '' ? `${username}${password !== '' ? ':***' : ''}@` : ''}${url.hostname}:${port}/${db}`,
  };
}
