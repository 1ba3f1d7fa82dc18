/**
 * `rediss://`: Redis over TLS with a private CA. The client trusts the CA through Node's
 * NODE_EXTRA_CA_CERTS, which Node reads only when a process starts, so everything that should
 * trust it runs as a child process: a connection, a worker and a one-point sweep. Without the CA,
 * the worker stops with a clear exit 2 that names NODE_EXTRA_CA_CERTS. The password is never printed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers.js';
import { tfexp } from '../train/spawn.js';
import { writeRunFixture } from '../train/fixtures.js';
import { startRedis, tlsSkipReason, type RedisServer } from './redis.js';

const skip = tlsSkipReason();
const PASSWORD = 'tls-secret-pw';

/** This process's environment with NODE_EXTRA_CA_CERTS set to `ca`, or removed. */
function envWithCa(ca: string | undefined): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return ca === undefined ? env : { ...env, NODE_EXTRA_CA_CERTS: ca };
}

/** Runs `node --import tsx` on an ES module given as text, in the repository; resolves with its output. */
function nodeModule(code: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => void (stderr += d.toString()));
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** A child that connects with connectRedis and prints PING's answer, or the QueueError and its exit code. */
function connectChild(url: string, ca: string | undefined) {
  const source = (file: string) => JSON.stringify(pathToFileURL(join(REPO_ROOT, file)).href);
  return nodeModule(
    [
      `import { connectRedis } from ${source('src/queue/connect.ts')};`,
      `import { parseQueueUrl } from ${source('src/queue/url.ts')};`,
      `const target = parseQueueUrl(process.env.QUEUE_URL);`,
      `try {`,
      `  const client = await connectRedis(target);`,
      `  console.log(target.shown, await client.ping(), await client.set('tfexp:tls-test', 'ok'), await client.get('tfexp:tls-test'));`,
      `  client.disconnect();`,
      `} catch (error) {`,
      `  console.log('exit', error.exitCode, error.message);`,
      `}`,
    ].join('\n'),
    { ...envWithCa(ca), QUEUE_URL: url },
  );
}

describe('rediss:// (Redis over TLS)', { skip, timeout: 120_000 }, () => {
  let redis: RedisServer;
  before(async () => void (redis = await startRedis({ tls: true, password: PASSWORD })));
  after(async () => await redis?.stop());

  it('connects when the CA is trusted through NODE_EXTRA_CA_CERTS, for 127.0.0.1 and localhost, without printing the password', async () => {
    assert.match(redis.url, /^rediss:\/\//);
    for (const url of [redis.url, redis.url.replace('127.0.0.1', 'localhost')]) {
      const result = await connectChild(url, redis.caFile);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^rediss:\/\/:\*\*\*@(127\.0\.0\.1|localhost):\d+\/0 PONG OK ok$/m, `${result.stdout}\n${result.stderr}`);
      // No DeprecationWarning (DEP0123: an IP address as the TLS servername).
      assert.doesNotMatch(result.stderr, /DeprecationWarning|DEP0123/);
      assert.ok(!result.stdout.includes(PASSWORD), result.stdout);
    }
  });

  it('a certificate from an untrusted CA is a clear exit 2 that names NODE_EXTRA_CA_CERTS, in connectRedis and in tfexp worker', async () => {
    const direct = await connectChild(redis.url, undefined);
    assert.match(direct.stdout, /^exit 2 Redis at rediss:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0 has a TLS certificate this machine does not trust: self-signed certificate in certificate chain; .*NODE_EXTRA_CA_CERTS=/m, `${direct.stdout}\n${direct.stderr}`);

    let output = '';
    const worker = tfexp(['worker', '--queue', redis.url, '--runs-dir', tempDir(), '--name', 'w-untrusted', '--quiet'], (t) => void (output += t), envWithCa(undefined));
    assert.equal(await worker.done, 2, output);
    assert.match(output, /has a TLS certificate this machine does not trust: self-signed certificate in certificate chain; if a private CA signed it, start tfexp with NODE_EXTRA_CA_CERTS=\/path\/to\/ca\.pem/);
    assert.ok(!/\n\s+at /.test(output), `no stack trace:\n${output}`);
    assert.ok(!output.includes(PASSWORD), output);
  });

  it('runs a one-point sweep end to end: a worker and a submitter, both trusting the CA', async () => {
    const file = writeRunFixture();
    const runsDir = tempDir();
    const env = envWithCa(redis.caFile);
    let workerLog = '';
    const worker = tfexp(['worker', '--queue', redis.url, '--runs-dir', join(tempDir(), 'worker-runs'), '--data-dir', dirname(file), '--threads', '1', '--backend', 'wasm', '--name', 'w-tls', '--quiet'], (t) => void (workerLog += t), env);
    try {
      let submitLog = '';
      const submitter = tfexp(['run', file, '--sweep', 'train.batch_size=16', '--set', 'train.epochs=1', '--queue', redis.url, '--runs-dir', runsDir, '--quiet'], (t) => void (submitLog += t), env);
      const code = await submitter.done;
      assert.equal(code, 0, `${submitLog}\n--- worker:\n${workerLog}`);
      assert.match(submitLog, /\[1\/1\] train\.batch_size=16: completed/);
      for (const text of [submitLog, workerLog]) assert.ok(!text.includes(PASSWORD), text);
      const [sweepName] = readdirSync(runsDir);
      const sweepText = readFileSync(join(runsDir, sweepName!, 'sweep.json'), 'utf8');
      const sweep = JSON.parse(sweepText) as { queue: { url: string }; points: { status: string; run?: string }[] };
      assert.equal(sweep.queue.url, `rediss://:***@127.0.0.1:${redis.port}/0`);
      assert.deepEqual(sweep.points.map((p) => p.status), ['completed']);
      assert.ok(!sweepText.includes(PASSWORD));
      const info = JSON.parse(readFileSync(join(runsDir, sweepName!, sweep.points[0]!.run!, 'run.json'), 'utf8'));
      assert.equal(info.status, 'completed');
      assert.equal(info.worker.name, 'w-tls');
    } finally {
      worker.child.kill('SIGTERM');
      await worker.done;
    }
  });
});
