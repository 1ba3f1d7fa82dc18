/**
 * What following a queued sweep costs Redis while nothing happens: after its first look at every
 * point, the follower reads only the jobs BullMQ's events name (and every point again each 30 s),
 * so 40 waiting points cost no command per point every 2 s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectRedis } from '../../src/queue/connect.js';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/queue/job.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';
import { tfexp } from '../train/spawn.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every command's call count since the last CONFIG RESETSTAT, from INFO commandstats. */
function commandCalls(info: string): Map<string, number> {
  return new Map([...info.matchAll(/^cmdstat_([\w|]+):calls=(\d+)/gm)].map((m) => [m[1]!, Number(m[2])]));
}

describe('following an idle queued sweep', { skip: redisServerPath() === null ? REDIS_MISSING : false, timeout: 120_000 }, () => {
  let redis: RedisServer;
  before(async () => {
    redis = await startRedis();
  });
  after(async () => {
    await redis?.stop();
  });

  it('40 queued points and no worker: no Redis command per point while nothing changes', async (t) => {
    const points = 40;
    const sizes = Array.from({ length: points }, (_, i) => i + 1).join(',');
    let log = '';
    const runsDir = tempDir();
    const submit = tfexp(['run', writeRunFixture(), '--sweep', `train.batch_size=${sizes}`, '--set', 'train.epochs=1', '--queue', redis.url, '--runs-dir', runsDir], (text) => void (log += text));
    const client = await connectRedis(parseQueueUrl(redis.url));
    try {
      for (const started = Date.now(); !log.includes(`[${points}/${points}] train.batch_size=${points}: queued`); await sleep(100)) {
        assert.ok(Date.now() - started < 60_000 && submit.child.exitCode === null, `the sweep was not followed:\n${log}`);
      }
      await sleep(1_000);
      await client.config('RESETSTAT');
      await sleep(6_000);
      const calls = commandCalls(String(await client.info('commandstats')));
      const total = [...calls].filter(([name]) => name !== 'info' && name !== 'config|resetstat').reduce((sum, [, n]) => sum + n, 0);
      t.diagnostic(`Redis commands in 6 s of following ${points} idle points: ${total} (${[...calls].map(([k, v]) => `${k} ${v}`).join(', ')})`);
      // Reading every point every 2 s (as before) would be ~3 commands x 40 points x 3 looks = 360.
      assert.ok(total < points, `${total} commands: ${JSON.stringify([...calls])}`);
      // Events naming a point the sweep does not have, or repeating one, never keep the follower
      // busy: it still answers Ctrl-C (below) and keeps following.
      const [name] = readdirSync(runsDir);
      const id = (JSON.parse(readFileSync(join(runsDir, name!, 'sweep.json'), 'utf8')) as { id: string }).id;
      for (const job of [`${id}.99`, `${id}.1`, `${id}.x`]) await client.xadd(`${QUEUE_PREFIX}:${QUEUE_NAME}:events`, '*', 'event', 'progress', 'jobId', job, 'data', '{}');
      await sleep(1_000);
    } finally {
      submit.child.kill('SIGINT');
      assert.equal(await submit.done, 130, log);
      client.disconnect();
    }
  });
});
