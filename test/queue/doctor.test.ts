/**
 * `tfexp doctor --queue URL` / $TFEXP_QUEUE (issue 14): the Redis version, the workers connected to
 * the queue by name, the jobs by state, the warning for an evicting Redis; a wrong password is one
 * clear problem row and exit 2, the password never printed; doctor writes nothing to Redis.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { formatQueueCheck } from '../../src/cli/commands/doctor.js';
import { QueueError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { QUEUE_NAME, QUEUE_PREFIX } from '../../src/queue/job.js';
import { queueStatus } from '../../src/queue/status.js';
import { REPO_ROOT, sourceEnv } from '../helpers.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const skip = redisServerPath() === null ? REDIS_MISSING : false;
const PASSWORD = 'doctor-secret-pw';
const WRONG = 'not-the-doctor-pw';

/** `node bin/tfexp.js ...args` on the sources, with stdout and stderr apart. */
function tfexp(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const base = { ...process.env };
    delete base.TFEXP_QUEUE;
    // These tests check stderr to the line. With a Vulkan driver installed (libvulkan1 recommends
    // Mesa's), Dawn and the driver write lines of their own there while tfexp looks for a WebGPU
    // adapter (libwayland's "XDG_RUNTIME_DIR is invalid" on a headless machine), so webgpu is kept
    // out: a driver list naming no file makes tfexp skip Dawn.
    base.VK_DRIVER_FILES = '/nonexistent/tfexp-test-no-vulkan-driver.json';
    const child = spawn(process.execPath, [join(REPO_ROOT, 'bin/tfexp.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: sourceEnv({ ...base, ...env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('error', reject).on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('doctor --queue', { skip, timeout: 120_000 }, () => {
  let redis: RedisServer;
  let locked: RedisServer;
  let client: Redis;
  let queue: Queue;
  let worker: Worker;

  before(async () => {
    [redis, locked] = await Promise.all([startRedis(), startRedis({ password: PASSWORD })]);
    client = new Redis(redis.port, '127.0.0.1', { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_NAME, { connection: client, prefix: QUEUE_PREFIX });
    for (const i of [1, 2, 3]) await queue.add('point', { index: i }, { jobId: `doctor-test.${i}` });
    await queue.add('point', { index: 4 }, { jobId: 'doctor-test.4', delay: 3_600_000 });
    // Started, but not pulling (autorun: false): BullMQ lists it, and the counts stay put.
    worker = new Worker(QUEUE_NAME, () => new Promise(() => {}), { connection: client, prefix: QUEUE_PREFIX, name: 'doctor-w1', autorun: false });
    await worker.waitUntilReady();
  });

  after(async () => {
    await worker?.close(true);
    await queue?.close();
    client?.disconnect();
    await Promise.all([redis?.stop(), locked?.stop()]);
  });

  it('reports the server version, the named worker and the jobs by state, and writes nothing', async () => {
    const keys = (await client.keys('*')).sort();
    const status = await queueStatus(redis.url);
    assert.equal(status.url, `redis://127.0.0.1:${redis.port}/0`);
    assert.equal(status.server, 'Redis');
    assert.match(status.version, /^\d+\.\d+/);
    assert.deepEqual(status.workers, ['doctor-w1']);
    assert.deepEqual(status.jobs, { waiting: 3, active: 0, delayed: 1, prioritized: 0, completed: 0, failed: 0 });
    assert.equal(status.maxmemory_policy, 'noeviction');
    assert.deepEqual(status.warnings, []);
    assert.equal(
      message.doctorQueueLine(status),
      `redis://127.0.0.1:${redis.port}/0: Redis ${status.version}, 1 worker (doctor-w1), jobs: 3 waiting, 0 active, 1 delayed, 0 completed, 0 failed`,
    );
    assert.deepEqual((await client.keys('*')).sort(), keys, 'doctor added or removed keys');
  });

  it('TFEXP_QUEUE: the CLI prints the queue row after the backends, exit 0', async () => {
    const { code, stdout, stderr } = await tfexp(['doctor'], { TFEXP_QUEUE: redis.url });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /--backend auto uses: .*\nQueue \(--queue or \$TFEXP_QUEUE\):\n {2}ok {3}redis:\/\/127\.0\.0\.1:\d+\/0: Redis \d+\.\d+\.\d+, 1 worker \(doctor-w1\), jobs: 3 waiting, 0 active, 1 delayed, 0 completed, 0 failed\n$/);
  });

  it('--json has the queue object, the URL redacted', async () => {
    const { code, stdout, stderr } = await tfexp(['doctor', '--json', '--queue', locked.url]);
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as { queue: { ok: boolean; url: string; workers: string[]; jobs: { waiting: number } } };
    assert.equal(report.queue.ok, true);
    assert.equal(report.queue.url, `redis://:***@127.0.0.1:${locked.port}/0`);
    assert.deepEqual(report.queue.workers, []);
    assert.equal(report.queue.jobs.waiting, 0);
    assert.ok(!stdout.includes(PASSWORD), stdout);
  });

  it('a wrong password is one clear problem row and exit 2, the password never shown, no stack trace', async () => {
    // --queue wins over TFEXP_QUEUE.
    const bad = `redis://:${WRONG}@127.0.0.1:${locked.port}`;
    const text = await tfexp(['doctor', '--queue', bad], { TFEXP_QUEUE: redis.url });
    assert.equal(text.code, 2, text.stderr);
    const shown = `redis://:***@127.0.0.1:${locked.port}/0`;
    assert.match(text.stdout, new RegExp(`\\nQueue \\(--queue or \\$TFEXP_QUEUE\\):\\n {2}no {3}Redis at ${shown.replace(/[*/.]/g, '\\$&')} refused the password: .+\\n$`));
    assert.match(text.stderr, /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 refused the password: [^\n]+\n$/);
    const json = await tfexp(['doctor', '--json', '--queue', bad]);
    assert.equal(json.code, 2, json.stderr);
    const report = JSON.parse(json.stdout) as { queue: { ok: boolean; url: string; error: string } };
    assert.deepEqual({ ok: report.queue.ok, url: report.queue.url }, { ok: false, url: `redis://:***@127.0.0.1:${locked.port}` });
    assert.match(report.queue.error, /refused the password/);
    for (const out of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      assert.ok(!out.includes(WRONG) && !out.includes(PASSWORD), out);
      assert.ok(!/\n\s+at /.test(out), `a stack trace:\n${out}`);
    }
  });

  it('a missing password, an unreachable Redis and a bad URL are QueueErrors (exit 2) with the redacted URL', async () => {
    const missing = await queueStatus(`redis://127.0.0.1:${locked.port}`).catch((e: unknown) => e);
    assert.ok(missing instanceof QueueError && missing.exitCode === 2, String(missing));
    assert.match(missing.message, /needs a password/);
    const gone = await startRedis();
    await gone.stop();
    const unreachable = await queueStatus(`redis://:${WRONG}@127.0.0.1:${gone.port}`).catch((e: unknown) => e);
    assert.ok(unreachable instanceof QueueError, String(unreachable));
    assert.match(unreachable.message, /^cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: /);
    const badUrl = await queueStatus(`http://:${WRONG}@127.0.0.1:1`).catch((e: unknown) => e);
    assert.ok(badUrl instanceof QueueError, String(badUrl));
    assert.ok(!badUrl.message.includes(WRONG), badUrl.message);
    assert.equal(formatQueueCheck({ ok: false, url: 'redis://h:1', error: badUrl.message }), `${message.DOCTOR_QUEUE_HEADING}\n  no   ${badUrl.message}\n`);
  });

  it('warns when Redis may evict keys (maxmemory-policy other than noeviction)', async () => {
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    try {
      const status = await queueStatus(redis.url);
      assert.equal(status.maxmemory_policy, 'allkeys-lru');
      assert.deepEqual(status.warnings, [message.doctorQueueEviction(status.url, 'allkeys-lru')]);
      assert.match(formatQueueCheck({ ok: true, ...status }), /\n {9}warning: Redis at redis:\/\/127\.0\.0\.1:\d+\/0 has maxmemory-policy allkeys-lru: .*noeviction/);
    } finally {
      await client.config('SET', 'maxmemory-policy', 'noeviction');
    }
  });

  it('says when jobs wait and no worker is connected', async () => {
    await worker.close(true);
    const status = await queueStatus(redis.url);
    assert.deepEqual(status.workers, []);
    assert.deepEqual(status.warnings, [message.doctorQueueNoWorker(3)]);
    assert.match(message.doctorQueueLine(status), /, 0 workers, jobs: 3 waiting,/);
  });
});

describe("doctor's queue line", () => {
  const jobs = { waiting: 0, active: 2, delayed: 0, prioritized: 1, completed: 5, failed: 1 };
  it('names ten workers and counts the rest; says when Redis does not list them; prioritized only when some', () => {
    const workers = Array.from({ length: 12 }, (_, i) => `w${i + 1}`);
    assert.equal(
      message.doctorQueueLine({ url: 'redis://h:1/0', server: 'Valkey', version: '8.0.1', workers, jobs }),
      'redis://h:1/0: Valkey 8.0.1, 12 workers (w1, w2, w3, w4, w5, w6, w7, w8, w9, w10, and 2 more), jobs: 0 waiting, 1 prioritized, 2 active, 0 delayed, 5 completed, 1 failed',
    );
    assert.equal(
      message.doctorQueueLine({ url: 'redis://h:1/0', server: 'Redis', version: '7.2.4', workers: null, jobs: { ...jobs, prioritized: 0 } }),
      'redis://h:1/0: Redis 7.2.4, workers unknown (Redis does not allow CLIENT LIST), jobs: 0 waiting, 2 active, 0 delayed, 5 completed, 1 failed',
    );
  });
});
