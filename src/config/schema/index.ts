/**
 * The experiment schema, assembled from one file per section:
 *
 *   schema/
 *     common.ts      helpers (defaults, tagged unions, shorthands) and shared enums
 *     layers.ts      model.layers: one object per Keras layer type, and `repeat` blocks
 *     model.ts       model: input_shape, layers
 *     optimizers.ts  train.optimizer
 *     train.ts       train: loss, metrics, epochs, batch_size
 *     callbacks.ts   train: early_stopping, reduce_lr_on_plateau, learning_rate_schedule, terminate_on_nan
 *     data.ts        data: dataset
 *     evaluation.ts  evaluation: the test evaluation's misclassified samples
 *     sweep.ts       sweep (grid of settings) and seeds
 *
 * `schemas/experiment.schema.json` is emitted from `ExperimentSchema` by
 * `npm run schema`; a test fails when the committed file is stale.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Defaulted } from './common.js';
import { Data } from './data.js';
import { EvaluationSettings } from './evaluation.js';
import { Model } from './model.js';
import { Sweep, Seeds } from './sweep.js';
import { Train } from './train.js';

export const ExperimentSchema = Type.Object(
  {
    extends: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Path of another experiment file (relative to this one) to start from: objects are merged deeply, lists replaced.',
      }),
    ),
    name: Type.String({ minLength: 1, description: 'Experiment name; used in run directory names.' }),
    description: Defaulted(Type.String({ description: 'Free text shown in reports.' }), ''),
    seed: Defaulted(
      Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'Seed for weight initialisation, dropout, shuffling and splits. Default: 42.' }),
      42,
    ),
    data: Data,
    model: Model,
    train: Train,
    evaluation: EvaluationSettings,
    sweep: Sweep,
    seeds: Seeds,
  },
  {
    title: 'tfexp experiment',
    description: 'A deep-learning experiment: data, a Keras-style sequential model, and how to train it.',
    additionalProperties: false,
  },
);

/** A validated experiment with every default filled in (extends and overrides applied, `repeat` blocks not yet expanded). */
export type Experiment = Static<typeof ExperimentSchema>;

export * from './common.js';
export * from './data.js';
export * from './evaluation.js';
export * from './layers.js';
export * from './model.js';
export * from './optimizers.js';
export * from './train.js';
