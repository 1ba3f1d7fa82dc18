/**
 * The model plan: for each layer of the flattened stack, its output shape,
 * weight counts and FLOPs, computed without tfjs. Shape problems become
 * `ConfigError`s that name the layer index, name and type and point at the
 * YAML that defined it.
 *
 * FLOPs convention: 2 x multiply-adds of convolution and dense kernels, per
 * sample, forward pass; bias additions, activations, pooling and normalisation
 * count 0 (as keras-flops and fvcore's default count).
 */
import type { LoadedExperiment, ResolvedLayer } from '../config/index.js';
import { ConfigError } from '../errors.js';
import * as message from '../log/message.js';
import { LAYER_KINDS, LayerProblem, type LayerKind, type LayerPlan, type Shape } from './layers/index.js';

/** A planned layer: the resolved layer and what it does to one sample. */
export interface PlannedLayer extends LayerPlan {
  readonly layer: ResolvedLayer;
  readonly input: Shape;
}

export interface ModelPlan {
  /** Input shape without the batch axis. */
  readonly input: Shape;
  readonly layers: readonly PlannedLayer[];
  /** Output shape without the batch axis. */
  readonly output: Shape;
  readonly trainableParams: number;
  readonly nonTrainableParams: number;
  /** Forward FLOPs per sample (see the convention above). */
  readonly flops: number;
  /** Bytes of all weights in float32 (4 bytes each). */
  readonly weightBytes: number;
}

/** Bytes per weight: tfjs trains in float32. */
export const BYTES_PER_WEIGHT = 4;

/** "layer 3 (conv2d_1, Conv2D)": how messages name a layer. */
export function layerRef(layer: ResolvedLayer): string {
  return message.layerRef(layer.index, layer.name, layer.config.type);
}

/**
 * Plans every layer in order.
 * @throws ConfigError at the first layer whose input does not fit it.
 */
export function planModel({ experiment, layers, locator }: LoadedExperiment): ModelPlan {
  const input: Shape = experiment.model.input_shape;
  let shape = input;
  const planned: PlannedLayer[] = [];
  for (const layer of layers) {
    const kind = LAYER_KINDS[layer.config.type] as LayerKind<typeof layer.config>;
    try {
      const plan = kind.plan(layer.config, shape);
      planned.push({ ...plan, layer, input: shape });
      shape = plan.output;
    } catch (error) {
      if (!(error instanceof LayerProblem)) throw error;
      const path = error.argument !== undefined && error.argument in layer.config ? [...layer.path, error.argument] : layer.path;
      throw new ConfigError([{ at: locator.locate(path), message: error.describe(layerRef(layer)) }]);
    }
  }
  const sum = (pick: (l: PlannedLayer) => number) => planned.reduce((total, l) => total + pick(l), 0);
  const trainableParams = sum((l) => l.trainable);
  const nonTrainableParams = sum((l) => l.nonTrainable);
  return {
    input,
    layers: planned,
    output: shape,
    trainableParams,
    nonTrainableParams,
    flops: sum((l) => l.flops),
    weightBytes: (trainableParams + nonTrainableParams) * BYTES_PER_WEIGHT,
  };
}
