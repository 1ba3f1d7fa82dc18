/**
 * How a finished point's run folder travels back to the submitter without a shared filesystem:
 * every file (but `checkpoint/`, which only `tfexp resume` on the worker needs) is stored in
 * Redis in chunks of 4 MiB under `tfexp:artifacts:<job-id>:<file>:<chunk>`, each with a TTL of
 * 7 days; the job's return value is the small manifest (paths, sizes, SHA-256). The submitter
 * fetches the chunks, checks each file's hash, writes the run folder into the sweep folder and
 * deletes the keys. At most 1 GiB per run (VGG16-style's model is about 61 MB): Redis must
 * have the memory for the runs not yet gathered (its maxmemory policy must be noeviction, as
 * BullMQ requires anyway).
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import type { Redis } from 'ioredis';
import { QueueError } from '../errors.js';
import * as message from '../log/message.js';
import { writeFileAtomic } from '../runs/atomic.js';
import { QUEUE_PREFIX } from './job.js';

export const CHUNK_BYTES = 4 << 20;
export const MAX_ARTIFACT_BYTES = 1 << 30;
export const ARTIFACT_TTL_SECONDS = 7 * 24 * 3600;
/** Folders of a run that stay on the worker. */
const LEFT_ON_WORKER = new Set(['checkpoint']);

export interface ArtifactFile {
  /** Relative to the run folder, '/'-separated. */
  readonly path: string;
  readonly size: number;
  readonly sha256: string;
  readonly chunks: number;
}

/** A completed job's return value. */
export interface ArtifactManifest {
  /** The run folder's name (its id). */
  readonly run: string;
  /** Redis key prefix of the chunks: `<key>:<file index>:<chunk index>`. */
  readonly key: string;
  readonly files: readonly ArtifactFile[];
  readonly bytes: number;
  readonly worker: string;
}

function listFiles(root: string, dir = root): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (dir === root && LEFT_ON_WORKER.has(entry.name)) continue;
      out.push(...listFiles(root, full));
    } else if (entry.isFile()) {
      out.push(relative(root, full).split(sep).join('/'));
    }
  }
  return out.sort();
}

/**
 * Stores a run folder's files in Redis.
 * @throws QueueError when the files exceed MAX_ARTIFACT_BYTES.
 */
export async function storeArtifacts(redis: Redis, jobId: string, runDir: string, worker: string): Promise<ArtifactManifest> {
  const paths = listFiles(runDir);
  const bytes = paths.reduce((sum, p) => sum + statSync(join(runDir, p)).size, 0);
  if (bytes > MAX_ARTIFACT_BYTES) throw new QueueError(message.queueArtifactsTooBig(runDir, bytes, MAX_ARTIFACT_BYTES));
  // One key per try: a worker that lost its lock (stalled) and still finishes must not write over the
  // chunks of the worker that took the point over (BullMQ refuses its completion; its keys expire).
  const key = `${QUEUE_PREFIX}:artifacts:${jobId}:${randomUUID()}`;
  const files: ArtifactFile[] = [];
  for (const [i, path] of paths.entries()) {
    const data = readFileSync(join(runDir, path));
    const chunks = Math.max(1, Math.ceil(data.length / CHUNK_BYTES));
    const batch = redis.multi();
    for (let c = 0; c < chunks; c++) batch.set(`${key}:${i}:${c}`, data.subarray(c * CHUNK_BYTES, (c + 1) * CHUNK_BYTES), 'EX', ARTIFACT_TTL_SECONDS);
    await batch.exec();
    files.push({ path, size: data.length, sha256: createHash('sha256').update(data).digest('hex'), chunks });
  }
  return { run: runDir.split(sep).pop()!, key, files, bytes, worker };
}

/** A manifest path that stays inside the folder it is written to (it comes from another machine). */
function safeRelative(path: string): boolean {
  if (typeof path !== 'string' || path === '' || isAbsolute(path) || path.includes('\\') || path.includes('\0')) return false;
  const norm = normalize(path);
  return !norm.startsWith('..') && !isAbsolute(norm);
}

/** A run folder name from another machine: one plain segment. */
export function safeRunName(name: unknown): name is string {
  return typeof name === 'string' && /^[\w.-]{1,200}$/.test(name) && name !== '.' && name !== '..';
}

/**
 * Writes the manifest's files under `dest` (created), each checked against its hash. The chunks
 * stay in Redis: the caller deletes them (deleteArtifacts) once the folder is safely recorded.
 * @throws QueueError when a chunk expired, a hash differs, or a path would leave `dest`.
 */
export async function fetchArtifacts(redis: Redis, manifest: ArtifactManifest, dest: string): Promise<void> {
  if (typeof manifest.key !== 'string' || !manifest.key.startsWith(`${QUEUE_PREFIX}:artifacts:`)) throw new QueueError(message.queueBadJob('the artifact key is not a tfexp artifact key'));
  mkdirSync(dest, { recursive: true });
  for (const [i, file] of manifest.files.entries()) {
    if (!safeRelative(file.path)) throw new QueueError(message.queueBadJob(`artifact path ${JSON.stringify(file.path)} leaves the run folder`));
    const parts: Buffer[] = [];
    for (let c = 0; c < file.chunks; c++) {
      const chunk = await redis.getBuffer(`${manifest.key}:${i}:${c}`);
      if (chunk === null) throw new QueueError(message.queueBadJob(`artifact ${file.path} of run ${manifest.run} is gone from Redis (expired after ${ARTIFACT_TTL_SECONDS / 3600} h, or deleted)`));
      parts.push(chunk);
    }
    const data = Buffer.concat(parts);
    if (data.length !== file.size || createHash('sha256').update(data).digest('hex') !== file.sha256) {
      throw new QueueError(message.queueBadJob(`artifact ${file.path} of run ${manifest.run} arrived damaged (size or SHA-256 differs)`));
    }
    mkdirSync(dirname(join(dest, file.path)), { recursive: true });
    writeFileAtomic(join(dest, file.path), data);
  }
}

/** Deletes a manifest's chunks from Redis (only keys under tfexp's artifact prefix, which fetchArtifacts checked). */
export async function deleteArtifacts(redis: Redis, manifest: ArtifactManifest): Promise<void> {
  const keys = manifest.files.flatMap((f, i) => Array.from({ length: f.chunks }, (_, c) => `${manifest.key}:${i}:${c}`));
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
}
