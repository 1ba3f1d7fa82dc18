/**
 * A training step must fit the backend's memory: refused before anything is
 * allocated when the estimate (../memory.ts) exceeds the limit, naming the
 * largest batch size that fits.
 *
 * The limit is a parameter (`memoryProblem`): `validate` and `run` use the active
 * one, which is the WebAssembly backend's unless `setMemoryLimit` (the run, once
 * its backend is chosen) or TFEXP_BACKEND says training happens elsewhere.
 */
import type { Experiment, OptimizerConfig } from '../../config/index.js';
import { builtinDataset } from '../../data/datasets.js';
import * as message from '../../log/message.js';
import { estimateTrainingMemory, largestBatchWithin, type MemoryEstimate } from '../memory.js';
import type { ModelPlan } from '../plan.js';
import { readableBytes } from '../summary.js';
import type { ModelCheck } from './types.js';

/** A backend's memory for one training step. */
export interface MemoryLimit {
  /** The backend's name, as `--backend` spells it. */
  readonly backend: string;
  readonly bytes: number;
  /** Where the figure comes from, for messages. */
  readonly why: string;
}

/**
 * The most the wasm backend's heap can grow to: 65,535 pages of 64 KiB, one page
 * short of WebAssembly's 32-bit maximum (tfjs-backend-wasm 4.22's Emscripten
 * build: `getHeapMax()` returns 4294901760; the threaded module's memory is
 * declared with maximum 4 GiB).
 */
export const WASM_HEAP_MAX_BYTES = 4_294_901_760;

/**
 * Share of the heap kept back from the estimate: the allocator's fragmentation and
 * growth steps, XNNPACK's operator caches, tfexp's kernel scratch, the module's
 * code, stack and static data, none of which the estimate counts. Measured with
 * Conv2D's fused training kernels (2026-12-02; GB as tfexp prints them, 2^30 bytes):
 * the baseline at batch size 2861 (estimate 3.36 GB, 84% of the heap; its tensors'
 * peak 3.33 GB) trained; at 3069 (estimate 3.60 GB, 90%) the heap, 3.94 GB in use,
 * had no room left for a 294 MB tensor (fragmentation). 20% puts the limit (batch
 * size 2727) below the batch size that trained.
 */
export const WASM_RESERVE_FRACTION = 0.2;

/** The wasm backend's limit: the 4 GiB heap less the reserve (3.20 GB). */
export const WASM_MEMORY_LIMIT: MemoryLimit = {
  backend: 'wasm',
  bytes: Math.floor(WASM_HEAP_MAX_BYTES * (1 - WASM_RESERVE_FRACTION)),
  why: `a 4 GiB WebAssembly heap less a ${WASM_RESERVE_FRACTION * 100}% reserve`,
};

/**
 * The limit of a backend tfexp can know before training, or null when it has none it
 * can check: `cpu` (JavaScript memory, bounded by the machine), and `tensorflow` and
 * `webgpu` until they report their device's memory (pass it as `deviceBytes`).
 */
export function memoryLimitFor(backend: string, deviceBytes?: number): MemoryLimit | null {
  if (backend === 'wasm') return WASM_MEMORY_LIMIT;
  if (deviceBytes !== undefined && deviceBytes > 0) return { backend, bytes: deviceBytes, why: 'the memory the device reports' };
  return null;
}

/** Where training will run when nothing else says: wasm, unless TFEXP_BACKEND names another backend. */
export function defaultMemoryLimit(env: NodeJS.ProcessEnv = process.env): MemoryLimit | null {
  const request = env.TFEXP_BACKEND;
  return request === undefined || request === '' || request === 'auto' ? WASM_MEMORY_LIMIT : memoryLimitFor(request);
}

let active: MemoryLimit | null | undefined;

/**
 * Sets the limit the check uses from now on (run: the chosen backend's, from
 * `memoryLimitFor(choice.name)`); null checks nothing; undefined restores the default.
 */
export function setMemoryLimit(limit: MemoryLimit | null | undefined): void {
  active = limit;
}

/** The limit the check uses now. */
export function activeMemoryLimit(): MemoryLimit | null {
  return active === undefined ? defaultMemoryLimit() : active;
}

/**
 * Training samples per epoch when known before loading the data: a built-in
 * dataset's training set, or `data.train_limit`, less the validation split (as
 * splitIndices takes them); undefined for IDX files without a train_limit.
 */
export function trainingSamples(experiment: Experiment): number | undefined {
  const data = experiment.data;
  const size = builtinDataset(data.dataset)?.trainSize;
  const kept = size === undefined ? data.train_limit : Math.min(size, data.train_limit ?? size);
  if (kept === undefined) return undefined;
  return kept - Math.round(data.validation_split * kept);
}

/** Samples a training step takes: the batch size, or every training sample when there are fewer (one batch per epoch, as Keras). */
export function stepBatchSize(experiment: Experiment): number {
  const samples = trainingSamples(experiment);
  const batch = experiment.train.batch_size;
  return samples !== undefined && samples > 0 ? Math.min(batch, samples) : batch;
}

/** The estimate's parts, formatted. */
export function memoryFigures(e: MemoryEstimate): message.MemoryFigures {
  return {
    total: readableBytes(e.total),
    weights: readableBytes(e.weights),
    gradients: readableBytes(e.gradients),
    optimizerSlots: readableBytes(e.optimizerSlots),
    activations: readableBytes(e.activations),
    largestTemporary: readableBytes(e.largestTemporary),
  };
}

/**
 * Whether a training step of `batch` samples fits in `limitBytes`.
 * @param options.configuredBatch `train.batch_size` when the step takes fewer (all training samples), for the message.
 * @param options.why where the limit comes from, for the message.
 * @returns null when it fits, else the message (estimate, its parts, the limit and the largest batch that fits).
 */
export function memoryProblem(
  plan: ModelPlan,
  batch: number,
  optimizer: OptimizerConfig,
  limitBytes: number,
  backendName: string,
  options: { configuredBatch?: number; why?: string } = {},
): string | null {
  const estimate = estimateTrainingMemory(plan, batch, optimizer);
  if (estimate.total <= limitBytes) return null;
  return message.memoryOverLimit({
    backend: backendName,
    batch,
    ...(options.configuredBatch !== undefined ? { configuredBatch: options.configuredBatch } : {}),
    figures: memoryFigures(estimate),
    limit: readableBytes(limitBytes),
    limitWhy: options.why ?? (backendName === 'wasm' ? WASM_MEMORY_LIMIT.why : 'its memory'),
    fits: largestBatchWithin(plan, optimizer, limitBytes, batch),
    fixed: readableBytes(estimateTrainingMemory(plan, 0, optimizer).total),
  });
}

/** A training step fits the active backend's memory (see activeMemoryLimit). */
export const memoryFitsBackend: ModelCheck = ({ experiment, locator }, plan) => {
  const limit = activeMemoryLimit();
  if (limit === null) return [];
  const batch = stepBatchSize(experiment);
  const configured = experiment.train.batch_size;
  const problem = memoryProblem(plan, batch, experiment.train.optimizer, limit.bytes, limit.backend, {
    ...(configured > batch ? { configuredBatch: configured } : {}),
    why: limit.why,
  });
  return problem === null ? [] : [{ at: locator.locate(['train', 'batch_size']), message: problem }];
};
