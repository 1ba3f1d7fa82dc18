/**
 * The model summary: a Keras-style table (`model.summary()`) with a FLOPs
 * column, the training memory estimate (memory.ts), and the same figures as JSON.
 */
import type { OptimizerConfig } from '../config/index.js';
import * as message from '../log/message.js';
import { estimateTrainingMemory, largestBatchWithin, optimizerSlots, type MemoryEstimate } from './memory.js';
import type { ModelPlan } from './plan.js';

/** What the summary says about memory: the estimate at the step's batch size, and the backend's limit when one applies. */
export interface MemorySection {
  readonly estimate: MemoryEstimate;
  readonly optimizer: OptimizerConfig['type'];
  readonly slotsPerWeight: number;
  /** `train.batch_size` when a step takes fewer samples (all of the training set). */
  readonly configuredBatch: number | null;
  readonly limit: { readonly backend: string; readonly bytes: number } | null;
  /** The largest batch size within the limit; null without a limit. */
  readonly largestBatch: number | null;
}

/**
 * The memory section for a step of `batch` samples.
 * @param limit the backend's memory (checks/memory.ts `activeMemoryLimit`), or null for none.
 */
export function memorySection(
  plan: ModelPlan,
  batch: number,
  optimizer: OptimizerConfig,
  limit: { backend: string; bytes: number } | null,
  configuredBatch: number = batch,
): MemorySection {
  return {
    estimate: estimateTrainingMemory(plan, batch, optimizer),
    optimizer: optimizer.type,
    slotsPerWeight: optimizerSlots(optimizer),
    configuredBatch: configuredBatch > batch ? configuredBatch : null,
    limit: limit === null ? null : { backend: limit.backend, bytes: limit.bytes },
    largestBatch: limit === null ? null : largestBatchWithin(plan, optimizer, limit.bytes),
  };
}

/** Machine-readable summary (`tfexp summary --json`). Counts are float32 weights; bytes and FLOPs per sample. */
export interface SummaryJson {
  name: string;
  input_shape: number[];
  layers: { name: string; type: string; output_shape: (number | null)[]; params: number; flops: number }[];
  total_params: number;
  trainable_params: number;
  non_trainable_params: number;
  flops_per_sample: number;
  weight_bytes: number;
  /** Bytes of one training step (see src/model/memory.ts), when the caller gave the batch size and optimizer. */
  training_memory?: {
    batch_size: number;
    weights: number;
    gradients: number;
    optimizer_slots: number;
    activations: number;
    largest_temporary: number;
    total: number;
    /** The backend's memory the check compares with; null when none applies. */
    limit: { backend: string; bytes: number } | null;
    fits: boolean | null;
    /** The largest batch size within the limit (0: none); null without a limit. */
    largest_batch_size: number | null;
  };
}

export function summaryJson(name: string, plan: ModelPlan, memory?: MemorySection): SummaryJson {
  const json: SummaryJson = {
    name,
    input_shape: [...plan.input],
    layers: plan.layers.map((l) => ({
      name: l.layer.name,
      type: l.layer.config.type,
      output_shape: [null, ...l.output],
      params: l.trainable + l.nonTrainable,
      flops: l.flops,
    })),
    total_params: plan.trainableParams + plan.nonTrainableParams,
    trainable_params: plan.trainableParams,
    non_trainable_params: plan.nonTrainableParams,
    flops_per_sample: plan.flops,
    weight_bytes: plan.weightBytes,
  };
  if (memory !== undefined) {
    const e = memory.estimate;
    json.training_memory = {
      batch_size: e.batchSize,
      weights: e.weights,
      gradients: e.gradients,
      optimizer_slots: e.optimizerSlots,
      activations: e.activations,
      largest_temporary: e.largestTemporary,
      total: e.total,
      limit: memory.limit,
      fits: memory.limit === null ? null : e.total <= memory.limit.bytes,
      largest_batch_size: memory.largestBatch,
    };
  }
  return json;
}

const count = (n: number) => n.toLocaleString('en-US');

/** `value` divided by `base` until it is below `base`, with the matching unit prefix. */
function scaled(value: number, base: number, units: readonly string[]): { value: number; unit: string; scaledDown: boolean } {
  let unit = 0;
  while (value >= base && unit < units.length - 1) {
    value /= base;
    unit += 1;
  }
  return { value, unit: units[unit]!, scaledDown: unit > 0 };
}

/** Bytes as Keras prints them (summary_utils.readable_memory_size): 1024-based, two decimals. */
export function readableBytes(bytes: number): string {
  const { value, unit } = scaled(bytes, 1024, ['B', 'KB', 'MB', 'GB', 'TB']);
  return `${value.toFixed(2)} ${unit}`;
}

/** FLOPs with an SI prefix: 74.23 MFLOPs. */
export function readableFlops(flops: number): string {
  const { value, unit, scaledDown } = scaled(flops, 1000, ['', 'K', 'M', 'G', 'T']);
  return `${scaledDown ? value.toFixed(2) : value} ${unit}FLOPs`;
}

/**
 * The memory block: one line per term of the estimate, then the total and the
 * backend's limit (and, when over it, the largest batch size that fits).
 */
export function formatMemory(memory: MemorySection): string[] {
  const e = memory.estimate;
  const batch = memory.configuredBatch === null ? `${e.batchSize}` : `${e.batchSize} (all training samples; train.batch_size is ${memory.configuredBatch})`;
  const slots = `${memory.optimizer}: ${memory.slotsPerWeight} per trainable weight`;
  const rows: [string, number, string?][] = [
    ['Weights', e.weights],
    ['Gradients', e.gradients],
    ['Optimizer slots', e.optimizerSlots, slots],
    ['Activations', e.activations, 'kept for the backward pass, with their gradients'],
    ['Largest temporary', e.largestTemporary],
    ['Total', e.total],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  const lines = [`Training memory per step at batch size ${batch} (estimate, float32):`];
  for (const [label, bytes, note] of rows) lines.push(`  ${`${label}:`.padEnd(width)} ${readableBytes(bytes)}${note ? ` (${note})` : ''}`);
  if (memory.limit !== null) {
    const { backend, bytes } = memory.limit;
    const verdict =
      e.total <= bytes
        ? `fits the ${backend} backend (at most ${readableBytes(bytes)})`
        : memory.largestBatch === 0
          ? `over the ${backend} backend's ${readableBytes(bytes)} even at batch size 1`
          : `over the ${backend} backend's ${readableBytes(bytes)}: the largest batch size that fits is ${memory.largestBatch}`;
    lines.push(`  ${verdict.charAt(0).toUpperCase()}${verdict.slice(1)}`);
  }
  return lines;
}

/** One line for a run's header: `about 100.98 MB per training step at batch size 64 (the wasm backend holds at most 3.20 GB)`. */
export function formatMemoryLine(memory: MemorySection): string {
  const limit = memory.limit === null ? null : { backend: memory.limit.backend, bytes: readableBytes(memory.limit.bytes) };
  return message.memoryEstimateLine(readableBytes(memory.estimate.total), memory.estimate.batchSize, limit);
}

/**
 * The summary table: one row per layer with name (type), output shape
 * `(None, h, w, c)`, parameter count and forward FLOPs per sample, then totals,
 * then the training memory when given.
 */
export function formatSummary(name: string, plan: ModelPlan, memory?: MemorySection): string {
  const rows = plan.layers.map((l) => [
    `${l.layer.name} (${l.layer.config.type})`,
    `(None, ${l.output.join(', ')})`,
    count(l.trainable + l.nonTrainable),
    count(l.flops),
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', 'FLOPs'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('   ').trimEnd();
  const width = widths.reduce((a, b) => a + b, 0) + 3 * (widths.length - 1);
  const total = plan.trainableParams + plan.nonTrainableParams;
  const bytesOf = (params: number) => readableBytes(params * 4);
  return [
    `Model: "${name}"`,
    '_'.repeat(width),
    line(header),
    '='.repeat(width),
    ...rows.map(line),
    '='.repeat(width),
    `Total params: ${count(total)} (${bytesOf(total)})`,
    `Trainable params: ${count(plan.trainableParams)} (${bytesOf(plan.trainableParams)})`,
    `Non-trainable params: ${count(plan.nonTrainableParams)} (${bytesOf(plan.nonTrainableParams)})`,
    `Forward FLOPs per sample: ${count(plan.flops)} (${readableFlops(plan.flops)})`,
    `Weights memory: ${count(plan.weightBytes)} bytes (float32)`,
    ...(memory === undefined ? [] : ['', ...formatMemory(memory)]),
    '',
  ].join('\n');
}
