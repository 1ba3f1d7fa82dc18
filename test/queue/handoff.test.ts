/**
 * A point whose worker goes away mid-run is finished by another worker process (real redis-server):
 *   - SIGTERM: the worker stops after the batch, keeps its checkpoint and hands the job back without
 *     spending an attempt; the other worker (its own --runs-dir) restarts it at epoch 1;
 *   - kill -9: after the lock (--lock-seconds 2) BullMQ's stalled-job check gives the job to the other
 *     worker, which shares the --runs-dir and resumes from the checkpoint; the gathered metrics are
 *     contiguous and the point is completed once;
 *   - SIGTERM with a shared --runs-dir: the other worker resumes the handed-back point from its checkpoint.
 * sweep.json records each hand-over (why, and the epoch the new worker started at).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue } from 'bullmq';
import { connectRedis } from '../../src/queue/connect.js';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/queue/job.js';
import type { QueuedSweepFile } from '../../src/queue/submit.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { runCli, tempDir } from '../helpers.js';
import { tfexp } from '../train/spawn.js';
import { writeRunFixture } from '../train/fixtures.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const skip = redisServerPath() === null ? REDIS_MISSING : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Started {
  name: string;
  runsDir: string;
  proc: ReturnType<typeof tfexp>;
  log: () => string;
}

/** Epochs finished in the run folders under `<runsDir>/<sweep>/`, per run folder. */
function epochsIn(runsDir: string): number {
  if (!existsSync(runsDir)) return 0;
  let most = 0;
  for (const sweep of readdirSync(runsDir)) {
    for (const run of readdirSync(join(runsDir, sweep))) {
      try {
        most = Math.max(most, JSON.parse(readFileSync(join(runsDir, sweep, run, 'metrics.json'), 'utf8')).history.length);
      } catch {
        // being written
      }
    }
  }
  return most;
}

describe('a point whose worker goes away mid-run', { skip, timeout: 300_000 }, () => {
  let redis: RedisServer;
  let file: string;
  const workers: Started[] = [];

  async function startWorker(name: string, runsDir: string, extra: string[] = []): Promise<Started> {
    let text = '';
    const proc = tfexp(['worker', '--queue', redis.url, '--runs-dir', runsDir, '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', name, '--quiet', ...extra], (t) => void (text += t));
    const w = { name, runsDir, proc, log: () => text };
    workers.push(w);
    const started = Date.now();
    while (!text.includes('waiting for sweep points')) {
      if (Date.now() - started > 60_000 || proc.child.exitCode !== null) throw new Error(`worker ${name} did not start:\n${text}`);
      await sleep(100);
    }
    return w;
  }

  /** The worker that is running the point, once it has finished `epochs` epochs. */
  async function runningAfter(pair: Started[], epochs: number, submitted: Promise<{ code: number; stdout: string; stderr: string }>): Promise<Started> {
    const started = Date.now();
    let ended: { code: number; stdout: string; stderr: string } | undefined;
    void submitted.then((r) => (ended = r));
    for (;;) {
      if (ended) throw new Error(`the submitter ended first (exit ${ended.code}):\n${ended.stdout}\n${ended.stderr}`);
      const w = pair.find((x) => x.log().includes(': point 1 of sweep') && epochsIn(x.runsDir) >= epochs);
      if (w) return w;
      if (Date.now() - started > 90_000) throw new Error(`no worker got to epoch ${epochs}:\n${pair.map((x) => x.log()).join('\n---\n')}`);
      await sleep(50);
    }
  }

  function sweepOf(runsDir: string): { dir: string; sweep: QueuedSweepFile } {
    const [name] = readdirSync(runsDir);
    const dir = join(runsDir, name!);
    return { dir, sweep: JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as QueuedSweepFile };
  }

  before(async () => {
    redis = await startRedis();
    file = writeRunFixture();
  });

  after(async () => {
    for (const w of workers) if (w.proc.child.exitCode === null) w.proc.child.kill('SIGKILL');
    await Promise.all(workers.map((w) => w.proc.done));
    await redis?.stop();
  });

  it('SIGTERM: the worker hands the point back without spending an attempt; the other worker restarts it at epoch 1', async () => {
    const pair = [await startWorker('t1', join(tempDir(), 'runs')), await startWorker('t2', join(tempDir(), 'runs'))];
    const local = tempDir();
    const submitted = runCli(['run', file, '--set', 'train.epochs=12', '--set', 'train.batch_size=8', '--queue', redis.url, '--runs-dir', local, '--quiet']);
    const first = await runningAfter(pair, 2, submitted);
    const other = pair.find((w) => w !== first)!;
    first.proc.child.kill('SIGTERM');
    assert.equal(await first.proc.done, 0, first.log());
    assert.match(first.log(), /handed back to the queue/);
    const result = await submitted;
    const logs = pair.map((w) => `--- ${w.name}:\n${w.log()}`).join('\n');
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\n${logs}`);
    assert.match(other.log(), /handed back by t\d; its run folder is not readable here .*restarting at epoch 1/);
    const { dir, sweep } = sweepOf(local);
    const [point] = sweep.points;
    assert.equal(point!.status, 'completed');
    assert.equal(point!.handoffs?.length, 1, JSON.stringify(point));
    assert.deepEqual({ ...point!.handoffs![0], at: undefined }, { from: first.name, to: other.name, why: 'handed back', from_epoch: 1, at: undefined });
    const run = join(dir, point!.run!);
    assert.equal(JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')).worker.name, other.name);
    assert.deepEqual(JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).history.map((r: { epoch: number }) => r.epoch), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const client = await connectRedis(parseQueueUrl(redis.url));
    try {
      const queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
      const job = (await queue.getJob(sweep.queue.jobs[0]!))!;
      assert.equal(job.attemptsMade, 1, 'the hand-back spent no attempt');
      await queue.close();
    } finally {
      client.disconnect();
    }
    other.proc.child.kill('SIGTERM');
    assert.equal(await other.proc.done, 0);
  });

  it('kill -9: after the lock expires the other worker (shared --runs-dir) resumes from the checkpoint; metrics contiguous, completed once', async () => {
    const shared = join(tempDir(), 'runs');
    const pair = [await startWorker('k1', shared, ['--lock-seconds', '2']), await startWorker('k2', shared, ['--lock-seconds', '2'])];
    const local = tempDir();
    const submitted = runCli(['run', file, '--set', 'train.epochs=12', '--set', 'train.batch_size=8', '--queue', redis.url, '--runs-dir', local, '--quiet']);
    const first = await runningAfter(pair, 3, submitted);
    const other = pair.find((w) => w !== first)!;
    first.proc.child.kill('SIGKILL');
    await first.proc.done;
    const result = await submitted;
    const logs = pair.map((w) => `--- ${w.name}:\n${w.log()}`).join('\n');
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\n${logs}`);
    assert.match(other.log(), /lost by k\d; resuming from the checkpoint of epoch \d+/, logs);
    const { dir, sweep } = sweepOf(local);
    const [point] = sweep.points;
    assert.equal(point!.status, 'completed');
    assert.equal(point!.handoffs?.length, 1, JSON.stringify(point));
    const handoff = point!.handoffs![0]!;
    assert.equal(handoff.why, 'lost');
    assert.equal(handoff.from, first.name);
    assert.equal(handoff.to, other.name);
    assert.ok(handoff.from_epoch >= 2, `resumed after epoch 1 at least: ${JSON.stringify(handoff)}`);
    // One run folder in the sweep, with every epoch once, in order.
    assert.deepEqual(readdirSync(dir).filter((f) => f !== 'sweep.json'), [point!.run]);
    const history = JSON.parse(readFileSync(join(dir, point!.run!, 'metrics.json'), 'utf8')).history.map((r: { epoch: number }) => r.epoch);
    assert.deepEqual(history, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.equal(JSON.parse(readFileSync(join(dir, point!.run!, 'run.json'), 'utf8')).status, 'completed');
    // Completed once: only the surviving worker finished it.
    assert.equal((logs.match(/: completed in /g) ?? []).length, 1, logs);
    other.proc.child.kill('SIGTERM');
    assert.equal(await other.proc.done, 0);
  });

  it('SIGTERM with a shared --runs-dir: the other worker resumes the handed-back point from its checkpoint', async () => {
    const shared = join(tempDir(), 'runs');
    const pair = [await startWorker('s1', shared), await startWorker('s2', shared)];
    const local = tempDir();
    const submitted = runCli(['run', file, '--set', 'train.epochs=12', '--set', 'train.batch_size=8', '--queue', redis.url, '--runs-dir', local, '--quiet']);
    const first = await runningAfter(pair, 3, submitted);
    const other = pair.find((w) => w !== first)!;
    first.proc.child.kill('SIGTERM');
    assert.equal(await first.proc.done, 0, first.log());
    const result = await submitted;
    const logs = pair.map((w) => `--- ${w.name}:\n${w.log()}`).join('\n');
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\n${logs}`);
    assert.match(other.log(), /handed back by s\d; resuming from the checkpoint of epoch \d+/, logs);
    const { dir, sweep } = sweepOf(local);
    const [point] = sweep.points;
    assert.equal(point!.status, 'completed');
    const handoff = point!.handoffs![0]!;
    assert.equal(handoff.why, 'handed back');
    assert.ok(handoff.from_epoch >= 4, JSON.stringify(handoff));
    const history = JSON.parse(readFileSync(join(dir, point!.run!, 'metrics.json'), 'utf8')).history.map((r: { epoch: number }) => r.epoch);
    assert.deepEqual(history, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    other.proc.child.kill('SIGTERM');
    assert.equal(await other.proc.done, 0);
  });
});
