/**
 * The follow claim (src/queue/control.ts holdFollow): one follower per sweep, and a follower
 * never takes over or removes a claim that another follower holds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/queue/connect.js';
import { FOLLOW_SECONDS, holdFollow } from '../../src/queue/control.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';
import { tfexp } from '../train/spawn.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const KEY = 'tfexp:follow:s1';
const elsewhere = JSON.stringify({ host: 'another-host', pid: 4242, since: '2026-01-01T00:00:00.000Z' });
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** The pid of a process that has exited (its own claim is stale). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('the follow claim', { skip: redisServerPath() === null ? REDIS_MISSING : false }, () => {
  let server: RedisServer;
  let redis: Redis;
  before(async () => {
    server = await startRedis();
    redis = await connectRedis(parseQueueUrl(server.url));
  });
  after(async () => {
    redis?.disconnect();
    await server?.stop();
  });

  it('is held, renewed, and removed on release', async (t) => {
    await redis.del(KEY);
    const held = await holdFollow(redis, 's1', 50);
    assert.ok('release' in held);
    t.after(() => held.release());
    const mine = await redis.get(KEY);
    assert.equal(JSON.parse(mine!).pid, process.pid);
    await redis.expire(KEY, 5);
    await sleep(200);
    assert.ok((await redis.ttl(KEY)) > 5, 'renewed to FOLLOW_SECONDS');
    // A claim that lapsed (this process stopped for a while) and that nobody took is taken again.
    await redis.del(KEY);
    await sleep(200);
    assert.equal(await redis.get(KEY), mine);
    await held.release();
    assert.equal(await redis.get(KEY), null);
  });

  it('a claim another follower took after this one lapsed is neither renewed over nor released, and `lost` names it', async (t) => {
    await redis.del(KEY);
    const held = await holdFollow(redis, 's1', 50);
    assert.ok('release' in held);
    t.after(() => held.release());
    await redis.set(KEY, elsewhere, 'EX', 30);
    const lost = await Promise.race([held.lost, sleep(2_000).then(() => 'not lost')]);
    assert.deepEqual(lost, JSON.parse(elsewhere));
    await sleep(200); // renewal has stopped
    assert.equal(await redis.get(KEY), elsewhere);
    await held.release();
    assert.equal(await redis.get(KEY), elsewhere);
  });

  it('another live follower keeps the sweep; a dead process on this host loses it at once', async (t) => {
    await redis.set(KEY, elsewhere, 'EX', 30);
    assert.deepEqual(await holdFollow(redis, 's1', 50), { other: JSON.parse(elsewhere) });
    assert.equal(await redis.get(KEY), elsewhere);
    await redis.set(KEY, JSON.stringify({ host: hostname(), pid: deadPid(), since: '2026-01-01T00:00:00.000Z' }), 'EX', 30);
    const held = await holdFollow(redis, 's1', 50);
    assert.ok('release' in held);
    t.after(() => held.release());
    assert.equal(JSON.parse((await redis.get(KEY))!).pid, process.pid);
  });

  it('a submitter whose claim another process took stops following and names it; the claim stays', { timeout: 90_000 }, async () => {
    let log = '';
    const runsDir = tempDir();
    const submit = tfexp(['run', writeRunFixture(), '--sweep', 'train.batch_size=2,4', '--set', 'train.epochs=1', '--queue', server.url, '--runs-dir', runsDir], (text) => void (log += text));
    try {
      for (const started = Date.now(); !log.includes('[2/2] train.batch_size=4: queued'); await sleep(100)) {
        assert.ok(Date.now() - started < 60_000 && submit.child.exitCode === null, `the sweep was not followed:\n${log}`);
      }
      const id = (JSON.parse(readFileSync(join(runsDir, readdirSync(runsDir)[0]!, 'sweep.json'), 'utf8')) as { id: string }).id;
      // As if this submitter had been stopped past its claim and a `resume` elsewhere took over.
      await redis.set(`tfexp:follow:${id}`, elsewhere, 'EX', 60);
      const code = await Promise.race([submit.done, sleep((FOLLOW_SECONDS / 3 + 5) * 1000).then(() => 'still following')]);
      assert.equal(code, 130, log);
      assert.match(log, /stopped following .*: pid 4242 on another-host follows it now/);
      assert.equal(await redis.get(`tfexp:follow:${id}`), elsewhere);
    } finally {
      submit.child.kill('SIGKILL');
    }
  });
});
