/**
 * A sweep through a real redis-server and a real worker process: the submitter gathers every run
 * folder into its sweep folder; enqueuing again runs nothing twice; an invalid point enqueues
 * nothing; a job whose idx path leaves the worker's --data-dir is refused; a wrong password is a
 * clear exit 2.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue, QueueEvents } from 'bullmq';
import { connectRedis } from '../../src/queue/connect.js';
import { enqueuePoints } from '../../src/queue/enqueue.js';
import type { QueuedSweepFile } from '../../src/queue/follow.js';
import { JOB_FORMAT, QUEUE_NAME, QUEUE_PREFIX, type PointJob } from '../../src/queue/job.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { runCli, tempDir } from '../helpers.js';
import { tfexp } from '../train/spawn.js';
import { writeRunFixture } from '../train/fixtures.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const skip = redisServerPath() === null ? REDIS_MISSING : false;
const PASSWORD = 'sweep-secret';

describe('a sweep through the queue', { skip, timeout: 240_000 }, () => {
  let redis: RedisServer;
  let worker: ReturnType<typeof tfexp>;
  let workerLog = '';
  let file: string;
  let runsDir: string;

  before(async () => {
    redis = await startRedis({ password: PASSWORD });
    file = writeRunFixture();
    runsDir = tempDir();
    worker = tfexp(['worker', '--queue', redis.url, '--runs-dir', join(tempDir(), 'worker-runs'), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', 'w1', '--quiet'], (t) => void (workerLog += t));
    const started = Date.now();
    while (!workerLog.includes('waiting for sweep points')) {
      if (Date.now() - started > 60_000) throw new Error(`the worker did not start:\n${workerLog}`);
      if (worker.child.exitCode !== null) throw new Error(`the worker exited ${worker.child.exitCode}:\n${workerLog}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(async () => {
    worker?.child.kill('SIGTERM');
    await worker?.done;
    await redis?.stop();
  });

  it('runs a 2-point sweep on the worker and gathers both run folders into the local sweep folder', async () => {
    const result = await runCli(['run', file, '--sweep', 'train.batch_size=16,32', '--set', 'train.epochs=2', '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\n--- worker:\n${workerLog}`);
    assert.ok(!result.stdout.includes(PASSWORD) && !result.stderr.includes(PASSWORD), 'the password is never printed');
    assert.match(result.stdout, /\[1\/2\] train\.batch_size=16: queued|\[1\/2\] train\.batch_size=16: running/);
    assert.match(result.stdout, /\[2\/2\] train\.batch_size=32: completed/);
    const [sweepName] = readdirSync(runsDir);
    const sweepDir = join(runsDir, sweepName!);
    const sweep = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as QueuedSweepFile;
    assert.deepEqual(sweep.points.map((p) => p.status), ['completed', 'completed']);
    assert.equal(sweep.queue.url, `redis://:***@127.0.0.1:${redis.port}/0`);
    for (const point of sweep.points) {
      const run = join(sweepDir, point.run!);
      for (const f of ['experiment.yaml', 'run.json', 'metrics.json', 'summary.txt', 'report.html', 'model/model.json', 'model/weights.bin', 'plots/training.png']) assert.ok(existsSync(join(run, f)), `${point.run}/${f}`);
      assert.ok(!existsSync(join(run, 'checkpoint')), 'the checkpoint stays on the worker');
      const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8'));
      assert.equal(info.status, 'completed');
      assert.equal(info.worker.name, 'w1');
      assert.ok(!readFileSync(join(run, 'run.json'), 'utf8').includes(PASSWORD), 'run.json never holds the password');
      assert.equal(JSON.parse(readFileSync(join(run, 'metrics.json'), 'utf8')).history.length, 2);
    }
    const compared = await runCli(['compare', sweepDir, '--format', 'json']);
    assert.equal(compared.code, 0, compared.stderr);
    assert.equal((JSON.parse(compared.stdout) as unknown[]).length, 2);

    // Enqueuing the same points again runs nothing twice.
    const client = await connectRedis(parseQueueUrl(redis.url));
    try {
      const queue = new Queue<PointJob>(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
      const jobs = await Promise.all(sweep.queue.jobs.map(async (id) => (await queue.getJob(id))!.data));
      await enqueuePoints(client, sweep, jobs);
      await enqueuePoints(client, sweep, jobs);
      await new Promise((r) => setTimeout(r, 1500));
      for (const id of sweep.queue.jobs) {
        assert.equal(workerLog.split(`job ${id}: point`).length - 1, 1, `job ${id} started once:\n${workerLog}`);
        assert.equal(await (await queue.getJob(id))!.getState(), 'completed');
      }
      await queue.close();
    } finally {
      client.disconnect();
    }
  });

  it('an invalid point is exit 2 with nothing created or enqueued', async () => {
    const client = await connectRedis(parseQueueUrl(redis.url));
    const queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    const before = Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0);
    const dir = tempDir();
    const result = await runCli(['run', file, '--sweep', 'train.batch_size=16,-3', '--queue', redis.url, '--runs-dir', dir]);
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(result.stderr, /^sweep point 2 of 2 \(train\.batch_size=-3\): "batch_size" must be >= 1/m);
    assert.deepEqual(readdirSync(dir), []);
    assert.equal(Object.values(await queue.getJobCounts()).reduce((a, b) => a + b, 0), before);
    await queue.close();
    client.disconnect();
  });

  it('a job whose idx path leaves the worker\'s --data-dir fails at once with the reason, never retried', async () => {
    const client = await connectRedis(parseQueueUrl(redis.url));
    const queue = new Queue<PointJob>(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    const events = new QueueEvents(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    await events.waitUntilReady();
    try {
      const yaml = readFileSync(file, 'utf8').replace('train_images: data/train-images', 'train_images: ../../etc/passwd');
      const job = await queue.add('evil', { format: JOB_FORMAT, sweep: 'evil-sweep', name: 'tiny', index: 1, experiment: yaml }, { jobId: 'evil-sweep.1', attempts: 3 });
      await assert.rejects(job.waitUntilFinished(events, 60_000), /not a relative path inside the worker's --data-dir/);
      const done = (await queue.getJob('evil-sweep.1'))!;
      assert.equal(done.attemptsMade, 1, 'refused once, not retried');
      assert.match(workerLog, /job evil-sweep\.1: refused/);
    } finally {
      await events.close();
      await queue.close();
      client.disconnect();
    }
  });

  it('a wrong password: the worker and the submitter stop with exit 2, the password unshown', async () => {
    const wrong = `redis://:not-the-password@127.0.0.1:${redis.port}`;
    const w = await runCli(['worker', '--queue', wrong]);
    assert.equal(w.code, 2);
    assert.match(w.stderr, /refused the password/);
    assert.ok(!w.stderr.includes('not-the-password'));
    const dir = tempDir();
    const s = await runCli(['run', file, '--sweep', 'train.batch_size=16,32', '--queue', wrong, '--runs-dir', dir]);
    assert.equal(s.code, 2);
    assert.match(s.stderr, /refused the password/);
    assert.deepEqual(readdirSync(dir), []);
  });
});
