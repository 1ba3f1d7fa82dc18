/**
 * The follow claim (src/queue/control.ts holdFollow): one follower per sweep, and a follower
 * never takes over or removes a claim that another follower holds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Redis } from 'ioredis';
import { connectRedis } from '../../src/queue/connect.js';
import { FOLLOW_SECONDS, holdFollow, type FollowClaim } from '../../src/queue/control.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { tempDir, within } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';
import { tfexp } from '../train/spawn.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const KEY = 'tfexp:follow:s1';
const LAST = 'tfexp:followed:s1';
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

  /** A claim of sweep s1 made with neither key there, renewed every `renewMs`, released after the test. */
  async function freshClaim(t: TestContext, renewMs: number): Promise<FollowClaim> {
    await redis.del(KEY, LAST);
    const held = await holdFollow(redis, 's1', renewMs);
    assert.ok('release' in held);
    t.after(() => held.release());
    return held;
  }

  it('is held, renewed, and removed on release; one that lapsed is taken again while nobody claimed the sweep since', async (t) => {
    const held = await freshClaim(t, 50);
    const mine = await redis.get(KEY);
    assert.equal(JSON.parse(mine!).pid, process.pid);
    assert.equal(await redis.get(LAST), mine);
    await redis.expire(KEY, 5);
    await sleep(200);
    assert.ok((await redis.ttl(KEY)) > 5, 'renewed to FOLLOW_SECONDS');
    // Lapsed (this process stopped for a while), nobody claimed it since: taken again.
    await redis.del(KEY);
    await sleep(200);
    assert.equal(await redis.get(KEY), mine);
    // Redis lost its data (both keys): taken again too.
    await redis.del(KEY, LAST);
    assert.equal(await held.confirm(), true);
    assert.equal(await redis.get(KEY), mine);
    assert.equal(await redis.get(LAST), mine);
    await held.release();
    assert.equal(await redis.get(KEY), null);
  });

  it('a claim another follower took after this one lapsed is neither renewed over nor released, `lost` names it, and renewal stops', async (t) => {
    const held = await freshClaim(t, 50);
    await redis.set(KEY, elsewhere, 'EX', 30);
    assert.deepEqual(await within(held.lost, 2_000, 'not lost'), JSON.parse(elsewhere));
    assert.equal(await redis.get(KEY), elsewhere);
    await held.release();
    assert.equal(await redis.get(KEY), elsewhere);
    await redis.del(KEY);
    await sleep(200); // no renewal takes it again
    assert.equal(await redis.get(KEY), null);
  });

  it('a lapsed claim is not taken again when another follower claimed the sweep since, even if it has let it go', async (t) => {
    const held = await freshClaim(t, 60_000);
    assert.equal(await held.confirm(), true);
    // This claim lapsed, a `resume` elsewhere claimed the sweep, followed, and released it.
    await redis.del(KEY);
    await redis.set(LAST, elsewhere);
    assert.equal(await held.confirm(), false);
    assert.deepEqual(await within(held.lost, 1_000, 'not lost'), JSON.parse(elsewhere));
    assert.equal(await redis.get(KEY), null);
  });

  it('another live follower keeps the sweep; a dead process on this host loses it at once', async (t) => {
    await redis.del(LAST);
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
      // Seen at the next renewal (every FOLLOW_SECONDS / 3), then the closes (up to 2 s).
      const code = await within(submit.done, (FOLLOW_SECONDS / 3 + 15) * 1000, 'still following');
      assert.equal(code, 130, log);
      assert.match(log, /stopped following .*: pid 4242 on another-host took it over/);
      assert.equal(await redis.get(`tfexp:follow:${id}`), elsewhere);
    } finally {
      submit.child.kill('SIGKILL');
    }
  });
});
