import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sha256 } from '../../src/data/checksum.js';
import { loadDataset } from '../../src/data/load.js';
import { DataError } from '../../src/errors.js';
import { tempDir } from '../helpers.js';
import { npzBytes } from './fixtures.js';

const npz = npzBytes(6, 2);
const checksums = { 'mnist.npz': sha256(npz) };
let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    if (req.url === '/ok/mnist.npz') {
      res.writeHead(200, { 'content-length': npz.length });
      res.end(npz);
    } else if (req.url === '/cut/mnist.npz') {
      // Promise the whole file, send half, then drop the connection.
      res.writeHead(200, { 'content-length': npz.length });
      res.write(npz.subarray(0, npz.length >> 1), () => res.socket?.destroy());
    } else {
      res.writeHead(404, 'Not Found');
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function envFor(path: string) {
  const cache = tempDir();
  return { cache, datasetDir: join(cache, 'tfexp', 'datasets', 'mnist'), env: { XDG_CACHE_HOME: cache, TFEXP_DATASET_BASE_URL: `${base}/${path}` } };
}

test('download: fetched into the cache, verified by SHA-256, then found there without downloading again', async () => {
  const { datasetDir, env } = envFor('ok');
  const lines: string[] = [];
  const d = await loadDataset('mnist', { env, checksums, progress: false, log: (l) => lines.push(l) });
  assert.equal(d.source.downloaded, true);
  assert.equal(d.source.dir, datasetDir);
  assert.equal(d.source.files[0]!.checksum, 'ok');
  assert.equal(d.train.count, 6);
  assert.deepEqual(readdirSync(datasetDir), ['mnist.npz']);
  assert.equal(lines.length, 1);
  const again = await loadDataset('mnist', { env: { ...env, TFEXP_DATASET_BASE_URL: 'http://127.0.0.1:1' }, checksums });
  assert.equal(again.source.downloaded, false);
  assert.equal(again.source.origin, 'cache');
});

test('download: a connection dropped halfway leaves nothing in the cache, not even the folders it created', async () => {
  const { cache, datasetDir, env } = envFor('cut');
  await assert.rejects(loadDataset('mnist', { env, checksums, progress: false }), (e: unknown) => e instanceof DataError && e.message.includes(`${base}/cut/mnist.npz failed`));
  assert.equal(existsSync(datasetDir), false);
  assert.deepEqual(readdirSync(cache), []); // tfexp/datasets/ were created by this download: removed too
});

test('download: bytes whose SHA-256 differs from the known one are rejected and removed', async () => {
  const { datasetDir, env } = envFor('ok');
  await assert.rejects(
    loadDataset('mnist', { env, checksums: { 'mnist.npz': '0'.repeat(64) }, progress: false }),
    (e: unknown) => e instanceof DataError && e.file === `${base}/ok/mnist.npz` && e.message.includes('expected 0000'),
  );
  assert.equal(existsSync(datasetDir), false);
});

test('download: offline, the error lists the folders searched, the URL, the reason and the files to provide', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  const cache = tempDir();
  const dataDir = tempDir();
  const env = { XDG_CACHE_HOME: cache, TFEXP_DATASET_BASE_URL: `http://127.0.0.1:${port}` };
  const error = await loadDataset('mnist', { dataDir, env, progress: false }).then(
    () => assert.fail('expected a DataError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DataError);
  assert.equal(error.exitCode, 2);
  const text = error.message;
  assert.match(text, /dataset "mnist" was not found/);
  assert.ok(text.includes(`${join(dataDir, 'mnist')} (--data-dir): no such folder`), text);
  assert.ok(text.includes(`${join(cache, 'tfexp', 'datasets', 'mnist')} (cache): no such folder`), text);
  assert.ok(text.includes(`http://127.0.0.1:${port}/mnist.npz failed`), text);
  assert.match(text, /ECONNREFUSED/);
  assert.ok(text.includes(`put mnist.npz, or the four IDX files train-images-idx3-ubyte, train-labels-idx1-ubyte`), text);
});

test('download: an HTTP error status is reported as such', async () => {
  const { env } = envFor('missing');
  await assert.rejects(loadDataset('mnist', { env, progress: false }), (e: unknown) => e instanceof DataError && e.message.includes('HTTP 404 Not Found'));
});

/** A fetch that fails as Node's does when the network is down (TypeError "fetch failed" with the cause). */
const failingFetch = async (): Promise<Response> => {
  throw Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND storage.googleapis.com'), { code: 'ENOTFOUND' }) });
};

/** A fetch whose response sends `bytes` of a promised `total`, then fails (a reset connection). */
const resetAfter = (bytes: Uint8Array, total: number) => async (): Promise<Response> => {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes);
      controller.error(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    },
  });
  return new Response(body, { status: 200, headers: { 'content-length': String(total) } });
};

test('download: a failed fetch (injected) leaves no dataset folder, nor the cache folders above it', async () => {
  const cache = tempDir();
  const calls: string[] = [];
  const fetch = async (url: string) => {
    calls.push(url);
    return failingFetch();
  };
  const error = await loadDataset('mnist', { env: { XDG_CACHE_HOME: cache }, progress: false, fetch }).then(
    () => assert.fail('expected a DataError'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof DataError && error.exitCode === 2);
  assert.deepEqual(calls, ['https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz']);
  assert.match(error.message, /mnist\.npz failed: fetch failed: getaddrinfo ENOTFOUND/);
  assert.deepEqual(readdirSync(cache), []);
});

test('download: a connection reset mid-file (injected) removes the temporary file and the folders it created', async () => {
  for (const dataset of ['mnist', 'fashion-mnist'] as const) {
    const cache = tempDir();
    const fetch = resetAfter(npz.subarray(0, 100), npz.length);
    await assert.rejects(loadDataset(dataset, { env: { XDG_CACHE_HOME: cache }, checksums: {}, progress: false, fetch }), (e: unknown) => e instanceof DataError && /ECONNRESET/.test(e.message));
    assert.deepEqual(readdirSync(cache), [], dataset);
  }
});

test('download: folders that existed before the download are kept, even empty; files already downloaded are kept', async () => {
  // An empty dataset folder the user made: not ours to remove.
  const cache = tempDir();
  const datasetDir = join(cache, 'tfexp', 'datasets', 'mnist');
  mkdirSync(datasetDir, { recursive: true });
  await assert.rejects(loadDataset('mnist', { env: { XDG_CACHE_HOME: cache }, progress: false, fetch: resetAfter(npz.subarray(0, 10), npz.length) }), DataError);
  assert.deepEqual(readdirSync(datasetDir), []);

  // fashion-mnist comes as four files: the first arrives, the second fails. The folder holds a verified
  // file (not empty), so it stays, and the next run downloads only what is missing.
  const cache2 = tempDir();
  const idx = new Uint8Array(64);
  let served = 0;
  const fetch = async (url: string): Promise<Response> => {
    if (served++ === 0) return new Response(idx, { status: 200, headers: { 'content-length': String(idx.length) } });
    return resetAfter(idx.subarray(0, 8), idx.length)();
  };
  const urls: string[] = [];
  await assert.rejects(
    loadDataset('fashion-mnist', { env: { XDG_CACHE_HOME: cache2 }, checksums: {}, progress: false, fetch, log: (l) => urls.push(l) }),
    (e: unknown) => e instanceof DataError && /train-labels-idx1-ubyte\.gz failed/.test(e.message),
  );
  assert.equal(urls.length, 2);
  assert.deepEqual(readdirSync(join(cache2, 'tfexp', 'datasets', 'fashion-mnist')), ['train-images-idx3-ubyte.gz']);
});
