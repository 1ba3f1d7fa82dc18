/** What a worker accepts from the queue (idx paths only under --data-dir, no extends), and artifacts as large as VGG16-style's model. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { ConfigError, QueueError } from '../../src/errors.js';
import { deleteArtifacts, fetchArtifacts, storeArtifacts } from '../../src/queue/artifacts.js';
import { connectRedis } from '../../src/queue/connect.js';
import { JOB_FORMAT, jobId, materializeJob, pointJob } from '../../src/queue/job.js';
import { parseQueueUrl } from '../../src/queue/url.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from '../train/fixtures.js';
import { REDIS_MISSING, redisServerPath, startRedis, type RedisServer } from './redis.js';

function jobWith(yaml: string) {
  return { format: JOB_FORMAT, sweep: 's1', name: 'tiny', index: 1, experiment: yaml };
}

describe('a job on the worker', () => {
  const file = writeRunFixture();
  const dataDir = dirname(file);
  const text = readFileSync(file, 'utf8');

  it('the submitter sends idx paths relative, and the worker resolves them under its --data-dir', () => {
    const job = pointJob('s1', 'tiny', 2, loadExperiment(file).experiment, dataDir);
    assert.match(job.experiment, /train_images: data\/train-images/);
    assert.equal(jobId('s1', 2), 's1.2');
    const other = tempDir();
    mkdirSync(join(other, 'data'));
    for (const f of ['train-images', 'train-labels', 'test-images', 'test-labels']) writeFileSync(join(other, 'data', f), readFileSync(join(dataDir, 'data', f)));
    const made = materializeJob(job, other, tempDir());
    assert.equal(loadExperiment(made).experiment.data.train_images, join(other, 'data/train-images'));
  });

  it('the submitter refuses an idx path outside the folder paths are sent relative to', () => {
    assert.throws(() => pointJob('s1', 'tiny', 1, loadExperiment(file).experiment, tempDir()), (e: unknown) => e instanceof QueueError && /give --data-dir/.test(e.message));
  });

  for (const [what, path] of [
    ['an absolute path', '/etc/passwd'],
    ['.. out of the data dir', '../../../etc/passwd'],
    ['a path that climbs back in', 'data/../../x'],
  ] as const) {
    it(`refuses ${what}`, () => {
      const yaml = text.replace('train_images: data/train-images', `train_images: ${path}`);
      assert.throws(() => materializeJob(jobWith(yaml), dataDir, tempDir()), (e: unknown) => e instanceof QueueError && /not a relative path inside the worker's --data-dir/.test(e.message));
    });
  }

  it('refuses a symbolic link inside the data dir that leads out of it', () => {
    symlinkSync('/etc/hostname', join(dataDir, 'data', 'link'));
    const yaml = text.replace('train_images: data/train-images', 'train_images: data/link');
    assert.throws(() => materializeJob(jobWith(yaml), dataDir, tempDir()), QueueError);
  });

  it('refuses idx data without a --data-dir, extends, malformed jobs, and invalid experiments', () => {
    assert.throws(() => materializeJob(jobWith(text), undefined, tempDir()), /has no --data-dir/);
    assert.throws(() => materializeJob(jobWith(`extends: /etc/passwd\n${text}`), dataDir, tempDir()), /cannot `extends`/);
    assert.throws(() => materializeJob({ ...jobWith(text), format: 99 }, dataDir, tempDir()), /job format 99/);
    assert.throws(() => materializeJob({ ...jobWith(text), sweep: '../x' }, dataDir, tempDir()), /sweep id/);
    assert.throws(() => materializeJob(null, dataDir, tempDir()), /not a tfexp sweep point/);
    assert.throws(() => materializeJob(jobWith(text.replace('batch_size: 16', 'batch_size: -1')), dataDir, tempDir()), ConfigError);
  });
});

describe('artifacts through Redis', { skip: redisServerPath() === null ? REDIS_MISSING : false }, () => {
  let redis: RedisServer;
  before(async () => void (redis = await startRedis()));
  after(async () => await redis?.stop());

  it('a 61 MB model comes back whole, the checkpoint stays, and the chunks are deleted', async () => {
    const run = join(tempDir(), '20260101-000000-vgg-1');
    mkdirSync(join(run, 'model'), { recursive: true });
    mkdirSync(join(run, 'checkpoint'));
    const weights = randomBytes(61 * 1024 * 1024);
    writeFileSync(join(run, 'model', 'weights.bin'), weights);
    writeFileSync(join(run, 'run.json'), '{}');
    writeFileSync(join(run, 'checkpoint', 'weights.bin'), 'x');
    const client = await connectRedis(parseQueueUrl(redis.url));
    try {
      const manifest = await storeArtifacts(client, 's.1', run, 'w');
      assert.deepEqual(manifest.files.map((f) => f.path), ['model/weights.bin', 'run.json']);
      assert.equal(manifest.files[0]!.chunks, 16);
      assert.ok(JSON.stringify(manifest).length < 2000, 'the return value stays small');
      const dest = join(tempDir(), manifest.run);
      await fetchArtifacts(client, manifest, dest);
      assert.ok(readFileSync(join(dest, 'model', 'weights.bin')).equals(weights));
      assert.equal((await client.keys('tfexp:artifacts:*')).length, 17, 'kept until the caller has recorded the folder');
      await deleteArtifacts(client, manifest);
      assert.equal((await client.keys('tfexp:artifacts:*')).length, 0);
      await assert.rejects(fetchArtifacts(client, { ...manifest, files: [{ ...manifest.files[1]!, path: '../escape' }] }, dest), /leaves the run folder/);
      // A manifest naming keys outside tfexp's artifacts is refused (nothing read or deleted there).
      await assert.rejects(fetchArtifacts(client, { ...manifest, key: 'bull:other' }, dest), /not a tfexp artifact key/);
      // Each try stores under its own key: a stalled worker that still finishes cannot overwrite the chunks of the one that took over.
      const again = await storeArtifacts(client, 's.1', run, 'w');
      assert.notEqual(again.key, manifest.key);
      await fetchArtifacts(client, again, join(tempDir(), again.run));
    } finally {
      client.disconnect();
    }
  });
});
