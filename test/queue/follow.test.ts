/**
 * The submitting side over a whole sweep, with two real worker processes and a real redis-server:
 * a 4-point grid x 2 seeds gathered for compare; a point that fails in its experiment; the
 * submitter detached (Ctrl-C) or killed and `tfexp resume` re-attaching; Redis killed and
 * restarted mid-sweep; `tfexp sweep cancel` and resuming after it; the follower and a worker
 * stopped while Redis is away.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { compareRuns } from '../../src/compare/index.js';
import { readSweep } from '../../src/compare/load.js';
import { connectRedis } from '../../src/queue/connect.js';
import { claimSweepId } from '../../src/queue/control.js';
import type { QueuedSweepFile } from '../../src/queue/follow.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { tempDir, within } from '../helpers.js';
import { tfexp } from '../train/spawn.js';
import { writeRunFixture } from '../train/fixtures.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

const skip = redisServerPath() === null ? REDIS_MISSING : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Child {
  readonly proc: ReturnType<typeof tfexp>;
  readonly log: () => string;
}

function start(args: string[], env: NodeJS.ProcessEnv = process.env): Child {
  let text = '';
  const proc = tfexp(args, (t) => void (text += t), env);
  return { proc, log: () => text };
}

async function until(what: string, check: () => boolean, child: Child, ms = 90_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (child.proc.child.exitCode !== null) throw new Error(`ended (exit ${child.proc.child.exitCode}) before ${what}:\n${child.log()}`);
    if (Date.now() - started > ms) throw new Error(`no ${what} within ${ms / 1000} s:\n${child.log()}`);
    await sleep(100);
  }
}

function sweepOf(runsDir: string): { dir: string; sweep: QueuedSweepFile } {
  const [name] = readdirSync(runsDir).filter((n) => !n.startsWith('.'));
  const dir = join(runsDir, name!);
  return { dir, sweep: JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8')) as QueuedSweepFile };
}

function runJson(dir: string, run: string | null): { status: string; worker?: { name: string; job: string } } {
  return JSON.parse(readFileSync(join(dir, run!, 'run.json'), 'utf8'));
}

describe('following a queued sweep', { skip, timeout: 600_000 }, () => {
  let redis: RedisServer;
  let file: string;
  const workers: Child[] = [];
  const workerLogs = () => workers.map((w) => w.log()).join('\n---\n');

  before(async () => {
    redis = await startRedis();
    file = writeRunFixture();
    for (const name of ['w1', 'w2']) {
      // A lock of 10 s: longer than the Redis restart below, so no point is taken for lost meanwhile.
      const w = start(['worker', '--queue', redis.url, '--runs-dir', join(tempDir(), name), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', name, '--lock-seconds', '10', '--quiet']);
      workers.push(w);
      await until('worker start', () => w.log().includes('waiting for sweep points'), w, 60_000);
    }
  });

  after(async () => {
    for (const w of workers) w.proc.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.proc.done));
    await redis?.stop();
  });

  it('a 4-point grid x 2 seeds on two workers: 8 run folders gathered, compare groups the seeds, each run.json names its worker', async () => {
    const runsDir = tempDir();
    // `--queue` alone: the URL from $TFEXP_QUEUE.
    const submitter = start(['run', file, '--sweep', 'train.batch_size=16,32', '--sweep', 'train.optimizer.learning_rate=0.01,0.02', '--seeds', '2', '--set', 'train.epochs=1', '--runs-dir', runsDir, '--quiet', '--queue'], { ...process.env, TFEXP_QUEUE: redis.url });
    assert.equal(await submitter.proc.done, 0, `${submitter.log()}\n--- workers:\n${workerLogs()}`);
    const { dir, sweep } = sweepOf(runsDir);
    assert.equal(sweep.points.length, 8);
    assert.deepEqual(new Set(sweep.points.map((p) => p.status)), new Set(['completed']));
    const names = sweep.points.map((p) => runJson(dir, p.run).worker?.name);
    assert.ok(names.every((n) => n === 'w1' || n === 'w2'), names.join(','));
    assert.ok(names.includes('w1') && names.includes('w2'), `both workers ran points: ${names.join(',')}`);
    // Each point's folder holds the job it came from: gathered once each.
    assert.deepEqual(sweep.points.map((p) => runJson(dir, p.run).worker?.job).sort(), [...sweep.queue.jobs].sort());
    const compared = await compareRuns([dir], { out: join(tempDir(), 'cmp'), warn: () => {} });
    const seeds = compared.table.columns.indexOf('seeds');
    assert.ok(seeds >= 0, compared.table.columns.join(','));
    assert.equal(compared.table.rows.length, 4);
    assert.deepEqual(compared.table.rows.map((r) => r[seeds]), [2, 2, 2, 2]);
  });

  it('claiming a sweep id: a second submitter never gets one already claimed', async () => {
    const client = await connectRedis(parseQueueUrl(redis.url));
    try {
      assert.equal(await claimSweepId(client, 'same-second-sweep'), true);
      assert.equal(await claimSweepId(client, 'same-second-sweep'), false);
    } finally {
      client.disconnect();
    }
  });

  it('a point that fails in its experiment (NaN loss) fails after --attempts tries with its reason; the other point completes', async () => {
    const runsDir = tempDir();
    const layers = 'model.layers=[{type: Flatten}, {type: Rescaling, scale: 1}, {type: Dense, units: 3, activation: softmax}]';
    const submitter = start(['run', file, '--set', layers, '--set', 'train.loss=mean_squared_error', '--set', 'train.epochs=1', '--sweep', 'model.layers.1.scale=1,1e39', '--attempts', '2', '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
    assert.equal(await submitter.proc.done, 1, submitter.log());
    const { sweep } = sweepOf(runsDir);
    assert.deepEqual(sweep.points.map((p) => p.status), ['completed', 'failed']);
    assert.match(sweep.points[1]!.reason!, /loss became (NaN|Infinity|-Infinity)/);
    assert.equal(sweep.points[1]!.handoffs, undefined, 'a retry after a failure is a new try, not a hand-over');
    assert.doesNotMatch(workerLogs(), /lost by w\d/);
    const id = sweep.queue.jobs[1]!;
    assert.equal(workerLogs().split(`job ${id}: point 2 of sweep`).length - 1, 2, `tried twice:\n${workerLogs()}`);
    assert.match(submitter.log(), /queued again \(attempt 2\)|\[2\/2\][^\n]*failed/);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`the submitter stopped by ${signal}: the sweep goes on, and tfexp resume re-attaches and gathers every point once`, async () => {
      const runsDir = tempDir();
      // Long enough for the refused second follower below (two CLI starts) to come while it runs.
      const submitter = start(['run', file, '--sweep', 'train.batch_size=16,32', '--set', `train.epochs=${signal === 'SIGINT' ? 30 : 4}`, '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
      await until('a running point', () => /running on w\d/.test(submitter.log()), submitter);
      const { dir: followed } = sweepOf(runsDir);
      if (signal === 'SIGINT') {
        // One follower at a time: a second one is refused while the submitter follows; so is another server.
        const second = start(['resume', followed, '--queue', redis.url]);
        const elsewhere = start(['resume', followed, '--queue', 'redis://127.0.0.1:1']);
        assert.equal(await second.proc.done, 2, second.log());
        assert.match(second.log(), /is followed already, by pid \d+ on /);
        assert.equal(await elsewhere.proc.done, 2, elsewhere.log());
        assert.match(elsewhere.log(), /--queue redis:\/\/127\.0\.0\.1:1\/0 is not the queue .* was sent through \(redis:\/\/127\.0\.0\.1:\d+\/0\)/);
      }
      // What the follower saw goes into sweep.json for `tfexp ui`, and leaves with a follower that stops on its own.
      await until('sweep.json naming a running point', () => sweepOf(runsDir).sweep.points.some((p) => p.live?.state === 'running' && /^running on w\d/.test(p.live.detail)), submitter);
      submitter.proc.child.kill(signal);
      const code = await submitter.proc.done;
      if (signal === 'SIGKILL') {
        // Killed outright, it could not clear its live lines; readers see its process is gone and drop them.
        const { dir: killed, sweep: left } = sweepOf(runsDir);
        assert.ok(left.points.some((p) => p.live !== undefined) && left.live_by !== undefined, 'the killed follower left its lines, naming itself');
        assert.ok(readSweep(killed)!.points.every((p) => p.live === null), 'stale live lines are not shown');
      }
      if (signal === 'SIGINT') {
        assert.ok(sweepOf(runsDir).sweep.points.every((p) => p.live === undefined), 'a detached follower leaves no live state behind');
        assert.equal(code, 130, submitter.log());
        assert.match(submitter.log(), /stopped following; the sweep goes on on the workers\. Follow it again \(and gather its runs\) with: npx tfexp resume \S+ --queue redis:\/\/127\.0\.0\.1:\d+\/0/);
      }
      const { dir } = sweepOf(runsDir);
      const resumed = start(['resume', dir, '--queue', redis.url]);
      assert.equal(await resumed.proc.done, 0, `${resumed.log()}\n--- workers:\n${workerLogs()}`);
      const { sweep } = sweepOf(runsDir);
      assert.deepEqual(sweep.points.map((p) => p.status), ['completed', 'completed']);
      assert.ok(sweep.points.every((p) => p.live === undefined), 'ended points have no live state');
      assert.equal(readdirSync(dir).filter((n) => n !== 'sweep.json').length, 2, readdirSync(dir).join(','));
      for (const p of sweep.points) assert.equal(runJson(dir, p.run).status, 'completed');
      for (const id of sweep.queue.jobs) assert.equal(workerLogs().split(`job ${id}: point`).length - 1, 1, `job ${id} ran once`);
    });
  }

  it('Redis killed (kill -9) and restarted mid-sweep: the follower and workers reconnect and every point completes', async () => {
    const runsDir = tempDir();
    // Epochs enough that no point ends before Redis is killed (6 could all finish in the 1.5 s below).
    const epochs = 30;
    const submitter = start(['run', file, '--sweep', 'train.batch_size=16,32,48', '--set', `train.epochs=${epochs}`, '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
    await until('a running point', () => /running on w\d/.test(submitter.log()), submitter);
    // appendfsync everysec: what Redis took more than a second ago is on disk.
    await sleep(1500);
    await redis.restart('SIGKILL', 2000);
    assert.equal(await submitter.proc.done, 0, `${submitter.log()}\n--- workers:\n${workerLogs()}`);
    assert.match(submitter.log(), /lost the connection to Redis at redis:\/\/127\.0\.0\.1:\d+\/0; reconnecting/);
    assert.match(submitter.log(), /connected to Redis at \S+ again/);
    const { dir, sweep } = sweepOf(runsDir);
    assert.deepEqual(sweep.points.map((p) => p.status), ['completed', 'completed', 'completed']);
    for (const p of sweep.points) {
      const metrics = JSON.parse(readFileSync(join(dir, p.run!, 'metrics.json'), 'utf8')) as { history: { epoch: number }[] };
      assert.deepEqual(metrics.history.map((h) => h.epoch), Array.from({ length: epochs }, (_, i) => i + 1), `point ${p.index}: epochs contiguous`);
    }
  });

  it('tfexp sweep cancel removes the queued points and stops the running ones; resume runs them again, the stopped ones from their checkpoints', async () => {
    const runsDir = tempDir();
    const submitter = start(['run', file, '--sweep', 'train.batch_size=16,24,32,48', '--set', 'train.epochs=40', '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
    await until('two running points', () => (submitter.log().match(/\] [^\n]*: running on w\d, epoch \d+/g) ?? []).length >= 2 && new Set(submitter.log().match(/running on w\d/g)).size === 2, submitter);
    const { dir } = sweepOf(runsDir);
    const cancel = start(['sweep', 'cancel', dir, '--queue', redis.url]);
    assert.equal(await cancel.proc.done, 0, cancel.log());
    assert.match(cancel.log(), /Cancelled: removed 2 queued points; stopped 2 running points after its batch \(point \d on w\d, point \d on w\d; checkpoints kept\)/);
    assert.equal(await submitter.proc.done, 130, submitter.log());
    assert.match(submitter.log(), /sweep cancelled: 4 of 4 points did not run to the end; run them later with: npx tfexp resume/);
    let { sweep } = sweepOf(runsDir);
    assert.deepEqual(sweep.points.map((p) => p.status), ['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    assert.match(workerLogs(), /cancelled by tfexp sweep cancel/);

    const resumed = start(['resume', dir, '--queue', redis.url]);
    assert.equal(await resumed.proc.done, 0, `${resumed.log()}\n--- workers:\n${workerLogs()}`);
    assert.match(resumed.log(), /the sweep was cancelled; resuming runs its points again/);
    ({ sweep } = sweepOf(runsDir));
    assert.deepEqual(sweep.points.map((p) => p.status), ['completed', 'completed', 'completed', 'completed']);
    // The two stopped points went back to a worker with their checkpoint: resumed (from_epoch > 1) when that worker had their folder, else restarted.
    const taken = sweep.points.filter((p) => (p.handoffs ?? []).length > 0);
    assert.equal(taken.length, 2, JSON.stringify(sweep.points.map((p) => p.handoffs)));
    for (const p of taken) assert.equal(p.handoffs![0]!.why, 'handed back');
    for (const p of sweep.points) {
      const metrics = JSON.parse(readFileSync(join(dir, p.run!, 'metrics.json'), 'utf8')) as { history: { epoch: number }[] };
      assert.deepEqual(metrics.history.map((h) => h.epoch), Array.from({ length: 40 }, (_, i) => i + 1), `point ${p.index}: epochs 1..40 once each`);
    }
  });
});

describe('stopping while Redis is away', { skip, timeout: 120_000 }, () => {
  /** The child's exit code, or 'running' if it has not ended `ms` after this call. */
  const exitWithin = (child: Child, ms: number) => within(child.proc.done, ms, 'running' as const);

  it('Ctrl-C detaches the follower, and SIGTERM stops an idle worker, within seconds, though their connections wait to reconnect', async () => {
    const redis = await startRedis();
    const file = writeRunFixture();
    const runsDir = tempDir();
    // No worker takes the points: they stay queued while the follower follows.
    const submitter = start(['run', file, '--sweep', 'train.batch_size=16,32', '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
    const worker = start(['worker', '--queue', `${redis.url}/1`, '--runs-dir', tempDir(), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--quiet']);
    try {
      const sweepFile = () => join(runsDir, readdirSync(runsDir).find((n) => !n.startsWith('.')) ?? '-', 'sweep.json');
      await until('the follower showing its points', () => existsSync(sweepFile()) && sweepOf(runsDir).sweep.points.every((p) => p.live?.state === 'queued'), submitter);
      await until('worker start', () => worker.log().includes('waiting for sweep points'), worker, 60_000);
      await redis.stop('SIGKILL');
      await until('the follower noticing', () => /lost the connection to Redis/.test(submitter.log()), submitter);
      submitter.proc.child.kill('SIGINT');
      worker.proc.child.kill('SIGTERM');
      const [followerCode, workerCode] = await Promise.all([exitWithin(submitter, 10_000), exitWithin(worker, 10_000)]);
      assert.equal(followerCode, 130, submitter.log());
      assert.match(submitter.log(), /stopped following; the sweep goes on on the workers/);
      assert.equal(workerCode, 0, worker.log());
      assert.match(worker.log(), /stopped/);
    } finally {
      for (const child of [submitter, worker]) child.proc.child.kill('SIGKILL');
      await redis.stop('SIGKILL');
    }
  });

  it('a worker stopped with a point in hand while Redis is away hands it back once Redis is back, then exits', async () => {
    const redis = await startRedis();
    const file = writeRunFixture();
    const runsDir = tempDir();
    const worker = start(['worker', '--queue', redis.url, '--runs-dir', tempDir(), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', 'w1', '--quiet']);
    let submitter: Child | undefined;
    try {
      await until('worker start', () => worker.log().includes('waiting for sweep points'), worker, 60_000);
      // Far more epochs than run before the stop: the point is still running then.
      submitter = start(['run', file, '--set', 'train.epochs=100000', '--sweep', 'train.batch_size=16', '--queue', redis.url, '--runs-dir', runsDir, '--quiet']);
      const following = submitter;
      await until('a running point', () => /running on w1, epoch \d+/.test(following.log()), following);
      const restarting = redis.restart('SIGKILL', 3000);
      await sleep(500);
      worker.proc.child.kill('SIGTERM');
      await restarting;
      assert.equal(await exitWithin(worker, 20_000), 0, worker.log());
      assert.match(worker.log(), /handed back to the queue/);
      assert.match(worker.log(), /stopped/);
      await until('the follower seeing it queued again', () => /handed back by w1, queued/.test(following.log()), following);
    } finally {
      for (const child of [submitter, worker]) child?.proc.child.kill('SIGKILL');
      await redis.stop('SIGKILL');
    }
  });
});

describe('submitting through a queue: arguments', () => {
  it('--attempts must be a whole number from 1; --queue alone needs $TFEXP_QUEUE', async () => {
    const file = writeRunFixture();
    const zero = start(['run', file, '--queue', 'redis://127.0.0.1:1', '--attempts', '0']);
    assert.equal(await zero.proc.done, 2, zero.log());
    assert.match(zero.log(), /--attempts 0: give a whole number of tries, 1 or more/);
    const env = { ...process.env };
    delete env.TFEXP_QUEUE;
    const bare = start(['run', file, '--queue'], env);
    assert.equal(await bare.proc.done, 2, bare.log());
    assert.match(bare.log(), /--queue needs a URL/);
  });
});
