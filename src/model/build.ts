/** The thin step from plan to tfjs: a `tf.Sequential` with one tfjs layer per planned layer. */
import * as tf from '@tensorflow/tfjs';
import type { Experiment } from '../config/index.js';
import { InternalError } from '../errors.js';
import { LAYER_KINDS, type LayerKind } from './layers/index.js';
import type { ModelPlan } from './plan.js';

/**
 * Seed of layer `index`'s initializers and dropout: a fixed mix of the
 * experiment seed and the index, so layers differ and runs repeat.
 * @returns an integer in [0, 2^31 - 1).
 */
export function layerSeed(seed: number, index: number): number {
  return (seed * 1_000_003 + (index + 1) * 7_919) % 2_147_483_647;
}

/**
 * Builds the tfjs model for a plan (uncompiled).
 * @returns a model taking float32 [batch, ...input_shape] and giving [batch, ...plan.output].
 * @throws InternalError when tfjs's parameter count differs from the plan's (a tfexp bug).
 */
export function buildModel(experiment: Experiment, plan: ModelPlan): tf.Sequential {
  const model = tf.sequential({ name: experiment.name.replace(/[^A-Za-z0-9_.-]/g, '_') });
  plan.layers.forEach(({ layer, output }, i) => {
    const kind = LAYER_KINDS[layer.config.type] as LayerKind<typeof layer.config>;
    model.add(
      kind.build(layer.config, {
        name: layer.name,
        seed: layerSeed(experiment.seed, layer.index),
        output,
        ...(i === 0 ? { inputShape: [...plan.input] } : {}),
      }),
    );
  });
  const planned = plan.trainableParams + plan.nonTrainableParams;
  if (model.countParams() !== planned) {
    throw new InternalError(`tfjs counts ${model.countParams()} parameters, the plan ${planned}`);
  }
  return model;
}
