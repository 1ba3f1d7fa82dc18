/**
 * The model summary: a Keras-style table (`model.summary()`) with a FLOPs
 * column, and the same figures as JSON.
 */
import type { ModelPlan } from './plan.js';

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
}

export function summaryJson(name: string, plan: ModelPlan): SummaryJson {
  return {
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
 * The summary table: one row per layer with name (type), output shape
 * `(None, h, w, c)`, parameter count and forward FLOPs per sample, then totals.
 */
export function formatSummary(name: string, plan: ModelPlan): string {
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
    '',
  ].join('\n');
}
