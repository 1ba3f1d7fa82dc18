/** `--queue` URLs and the first connection: bad URL, unreachable Redis, wrong or missing password (exit 2, password never shown). */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QueueError } from '../../src/errors.js';
import { connectRedis } from '../../src/queue/connect.js';
import { parseQueueUrl, redactUrl } from '../../src/queue/url.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

describe('queue URL', () => {
  it('parses redis:// and rediss:// with password and database, and redacts the password', () => {
    const t = parseQueueUrl('redis://:s3cret@example.org:6380/2');
    assert.deepEqual({ ...t }, { tls: false, host: 'example.org', port: 6380, db: 2, password: 's3cret', shown: 'redis://:***@example.org:6380/2' });
    const s = parseQueueUrl('rediss://user:p%40ss@10.0.0.1');
    assert.equal(s.tls, true);
    assert.equal(s.password, 'p@ss');
    assert.equal(s.username, 'user');
    assert.equal(s.port, 6379);
    assert.equal(s.shown, 'rediss://user:***@10.0.0.1:6379/0');
    assert.equal(parseQueueUrl('redis://localhost').shown, 'redis://localhost:6379/0');
  });

  it('refuses other schemes, bad ports and databases, without printing the password', () => {
    for (const [url, why] of [
      ['http://:pw@host:1', /scheme is http/],
      ['redis://:pw@host:99999', /not a URL|out of range/],
      ['redis://:pw@host:1/abc', /not a number/],
      ['redis://:pw@host:1/42', /past 15/],
      ['nonsense', /not a URL/],
    ] as const) {
      assert.throws(
        () => parseQueueUrl(url),
        (e: unknown) => e instanceof QueueError && e.exitCode === 2 && why.test(e.message) && !e.message.includes('pw@'),
        url,
      );
    }
    assert.equal(redactUrl('redis://:hunter2@h:1'), 'redis://:***@h:1');
    assert.equal(redactUrl('--queue=rediss://u:hunter2@h:1/0'), '--queue=rediss://u:***@h:1/0');
    // A password holding '@' or '/': hidden up to the last '@', as the URL parser reads it; also when it does not parse.
    assert.equal(redactUrl('redis://:p@ss@h:1'), 'redis://:***@h:1');
    assert.equal(parseQueueUrl('redis://:p@ss@h:1').password, 'p@ss');
    assert.equal(parseQueueUrl('redis://:p@ss@h:1').shown, 'redis://:***@h:1/0');
    assert.throws(() => parseQueueUrl('redis://:pa/ss@h:1'), (e: Error) => !e.message.includes('pa/ss') && !e.message.includes('ss@'));
  });
});

const skip = redisServerPath() === null ? REDIS_MISSING : false;

describe('queue connection', { skip }, () => {
  let redis: RedisServer;
  before(async () => void (redis = await startRedis({ password: 'right-password' })));
  after(async () => await redis?.stop());

  it('connects with the right password', async () => {
    const client = await connectRedis(parseQueueUrl(redis.url));
    assert.equal(await client.ping(), 'PONG');
    client.disconnect();
  });

  it('a wrong password is a clear exit 2 that never shows the password', async () => {
    const error = await connectRedis(parseQueueUrl(`redis://:wrong-password@127.0.0.1:${redis.port}`)).catch((e: unknown) => e);
    assert.ok(error instanceof QueueError, String(error));
    assert.equal(error.exitCode, 2);
    assert.match(error.message, /refused the password/);
    assert.ok(!error.message.includes('wrong-password'), error.message);
  });

  it('no password where one is needed', async () => {
    const error = await connectRedis(parseQueueUrl(`redis://127.0.0.1:${redis.port}`)).catch((e: unknown) => e);
    assert.ok(error instanceof QueueError, String(error));
    assert.match(error.message, /needs a password/);
  });

  it('an unreachable Redis is a clear exit 2', async () => {
    const stopped = await startRedis();
    await stopped.stop();
    const error = await connectRedis(parseQueueUrl(`redis://:pw@127.0.0.1:${stopped.port}`)).catch((e: unknown) => e);
    assert.ok(error instanceof QueueError, String(error));
    assert.match(error.message, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: .*ECONNREFUSED/);
  });
});
