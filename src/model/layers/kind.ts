/**
 * What every layer kind provides: a pure `plan` (output shape, weights, FLOPs,
 * for one sample) and a `build` that makes the tfjs layer. The plan is checked
 * against tfjs's own shapes and parameter counts in the tests.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LayerConfig, LayerType } from '../../config/index.js';

/** A sample's shape without the batch axis, e.g. [height, width, channels]. */
export type Shape = readonly number[];

/** What one layer does to one sample. */
export interface LayerPlan {
  /** Output shape without the batch axis. */
  readonly output: Shape;
  /** Weights updated by the optimizer (count of float32 values). */
  readonly trainable: number;
  /** Weights kept but not trained, e.g. BatchNormalization's moving statistics. */
  readonly nonTrainable: number;
  /** Forward FLOPs per sample: 2 x multiply-adds of the layer's kernel products; 0 for layers without a kernel. */
  readonly flops: number;
}

/** What a layer needs besides its config to become a tfjs layer. */
export interface BuildContext {
  readonly name: string;
  /** Seed for this layer's initializers and dropout, derived from the experiment seed and the layer index. */
  readonly seed: number;
  /** For the first layer only: the model's input shape. */
  readonly inputShape?: number[];
  /** The planned output shape without the batch axis (e.g. Reshape's target with -1 resolved). */
  readonly output: Shape;
}

/**
 * A shape or argument problem found while planning a layer. `plan.ts` adds the
 * layer index, name, type and YAML location.
 */
export class LayerProblem extends Error {
  /**
   * @param describe builds the message from the layer's reference ("layer 3 (conv2d_1, Conv2D)").
   * @param argument the argument to point at in the YAML, when one is to blame.
   */
  constructor(
    readonly describe: (layer: string) => string,
    readonly argument?: string,
  ) {
    super('layer problem');
  }
}

export interface LayerKind<C extends LayerConfig> {
  /**
   * @param input the input shape without the batch axis.
   * @throws LayerProblem when the input does not fit the layer.
   */
  plan(config: C, input: Shape): LayerPlan;
  build(config: C, context: BuildContext): tf.layers.Layer;
}

/** One `LayerKind` per layer type: TypeScript checks that none is missing. */
export type LayerKinds = { [T in LayerType]: LayerKind<Extract<LayerConfig, { type: T }>> };

/** Product of a shape's dimensions (1 for []). */
export function sizeOf(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** `n` or `[n, n]` as a pair. */
export function pair(value: number | readonly [number, number]): [number, number] {
  return typeof value === 'number' ? [value, value] : [value[0], value[1]];
}

/** The tfjs arguments every layer takes: its name, and the model input shape for the first layer. */
export function baseArgs(context: BuildContext): { name: string; inputShape?: number[] } {
  return context.inputShape === undefined ? { name: context.name } : { name: context.name, inputShape: context.inputShape };
}
