/**
 * `npm run bench:queue -- [experiment.yaml] [--points 4] [--epochs 1] [--workers 2]`: a sweep
 * through the queue against the same sweep run locally, in one run on this machine.
 *
 *   1. starts a private redis-server (free loopback port, temp folder, append-only file on) and
 *      `--workers` tfexp workers, each with threads = cores / workers;
 *   2. runs the sweep (`--seeds <points>`, `--set train.epochs=<epochs>`) through the queue, then the
 *      same sweep locally with `--parallel <workers>`; wall time of each, from the command's start
 *      to its end (the workers' start-up is outside the queued figure: workers wait ahead of a sweep);
 *   3. the queue's overhead per job, from BullMQ's job timestamps and the run folders:
 *        enqueue -> a worker took it (for the first `workers` jobs; later ones wait their turn),
 *        taken -> run.json's started_at (job checks, data loading, model build),
 *        run.json's ended_at -> job finished (run.json rewrite, artifacts into Redis),
 *        job finished -> the run folder written in the sweep folder (the follower's fetch);
 *   4. Redis commands per job (INFO commandstats before and after) and artifact bytes per job.
 * Needs redis-server (Debian: apt-get install redis-server) and dist/ (npm run build).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const { values, positionals } = parseArgs({ allowPositionals: true, options: { points: { type: 'string', default: '4' }, epochs: { type: 'string', default: '1' }, workers: { type: 'string', default: '2' } } });
const file = resolve(positionals[0] ?? join(root, 'experiments/keras-convnet.yaml'));
const points = Number(values.points);
const epochs = Number(values.epochs);
const workerCount = Number(values.workers);
const threads = Math.max(1, Math.floor(cpus().length / workerCount));
const bin = join(root, 'bin/tfexp.js');
const tmp = mkdtempSync(join(tmpdir(), 'tfexp-bench-queue-'));

if (spawnSync('redis-server', ['--version']).status !== 0) {
  console.log('bench:queue skipped: redis-server is not installed (apt-get install redis-server)');
  process.exit(0);
}
const port = 20000 + Math.floor(Math.random() * 20000);
const redisServer = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', tmp, '--save', '', '--appendonly', 'yes'], { stdio: 'ignore' });
const url = `redis://127.0.0.1:${port}`;
const redis = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: null, retryStrategy: () => 100 });
redis.on('error', () => {}); // refused until redis-server listens: retried
await redis.ping();

const children: ReturnType<typeof spawn>[] = [];
function tfexp(args: string[], log = false): Promise<number> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', log ? 'inherit' : 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((done) => child.on('close', (code) => done(code ?? 1)));
}

async function commandCalls(): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

try {
  const workers = Array.from({ length: workerCount }, (_, i) => {
    const args = ['worker', '--queue', url, '--runs-dir', join(tmp, `w${i + 1}`), '--threads', String(threads), '--name', `w${i + 1}`, '--quiet'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(child);
    return new Promise<void>((ready) => child.stdout!.on('data', (d: Buffer) => d.toString().includes('waiting for sweep points') && ready()));
  });
  await Promise.all(workers);
  const sweepArgs = [file, '--seeds', String(points), '--set', `train.epochs=${epochs}`, '--quiet'];
  const callsBefore = await commandCalls();
  let t = performance.now();
  const queuedCode = await tfexp(['run', ...sweepArgs, '--queue', url, '--runs-dir', join(tmp, 'queued')]);
  const queuedSeconds = (performance.now() - t) / 1000;
  const calls = (await commandCalls()) - callsBefore;
  for (const w of children.slice(0, workerCount)) w.kill('SIGTERM');

  t = performance.now();
  const localCode = await tfexp(['run', ...sweepArgs, '--parallel', String(workerCount), '--threads', String(threads * workerCount), '--runs-dir', join(tmp, 'local')]);
  const localSeconds = (performance.now() - t) / 1000;

  const sweepDir = join(tmp, 'queued', readdirSync(join(tmp, 'queued'))[0]!);
  const sweep = JSON.parse(readFileSync(join(sweepDir, 'sweep.json'), 'utf8')) as { queue: { jobs: string[] }; points: { run: string | null }[] };
  const queue = new Queue('sweep-points', { connection: redis, prefix: 'tfexp' });
  const rows: { wait: number; start: number; end: number; gather: number; bytes: number }[] = [];
  for (const [i, id] of sweep.queue.jobs.entries()) {
    const job = (await queue.getJob(id))!;
    const run = join(sweepDir, sweep.points[i]!.run!);
    const info = JSON.parse(readFileSync(join(run, 'run.json'), 'utf8')) as { started_at: string; ended_at: string };
    const bytes = (job.returnvalue as { bytes: number }).bytes;
    rows.push({
      wait: (job.processedOn! - job.timestamp) / 1000,
      start: (Date.parse(info.started_at) - job.processedOn!) / 1000,
      end: (job.finishedOn! - Date.parse(info.ended_at)) / 1000,
      gather: (statSync(join(run, 'run.json')).mtimeMs - job.finishedOn!) / 1000,
      bytes,
    });
  }
  await queue.close();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const f = (x: number) => x.toFixed(2);
  console.log(`\nbench:queue ${new Date().toISOString().slice(0, 10)}, ${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}`);
  console.log(`${file.replace(`${root}/`, '')}: ${points} points x ${epochs} epoch(s), ${workerCount} workers x ${threads} thread(s)`);
  console.log(`  queued (${workerCount} workers):     ${queuedSeconds.toFixed(1)} s (exit ${queuedCode})`);
  console.log(`  local --parallel ${workerCount}:       ${localSeconds.toFixed(1)} s (exit ${localCode})`);
  console.log(`  ratio queued / local:      ${(queuedSeconds / localSeconds).toFixed(3)}`);
  console.log(`  per job (mean of ${rows.length}):`);
  console.log(`    enqueue -> taken (first ${workerCount}): ${f(mean(rows.slice(0, workerCount).map((r) => r.wait)))} s`);
  console.log(`    taken -> training started:   ${f(mean(rows.map((r) => r.start)))} s (job checks, data, model build)`);
  console.log(`    training ended -> finished:  ${f(mean(rows.map((r) => r.end)))} s (artifacts into Redis)`);
  console.log(`    finished -> gathered:        ${f(mean(rows.map((r) => r.gather)))} s (the follower's fetch)`);
  console.log(`    artifacts:                   ${(mean(rows.map((r) => r.bytes)) / 2 ** 20).toFixed(2)} MiB`);
  console.log(`    Redis commands:              ${Math.round(calls / rows.length)} (${calls} for the sweep, follower polls included)`);
} finally {
  for (const c of children) c.kill('SIGTERM');
  redis.disconnect();
  redisServer.kill('SIGTERM');
  redisServer.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
}
