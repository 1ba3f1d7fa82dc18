/** Train section: optimizer, loss, metrics, epochs, batch size (the arguments of Keras `compile` and `fit`) and callbacks (callbacks.ts). */
import { Type, type Static } from '@sinclair/typebox';
import { callbackProperties } from './callbacks.js';
import { Defaulted, PositiveInt, Shorthand, StringEnum } from './common.js';
import { Optimizer } from './optimizers.js';

/** Losses tfjs implements, by their Keras names. */
export const LOSSES = [
  'sparse_categorical_crossentropy',
  'categorical_crossentropy',
  'binary_crossentropy',
  'mean_squared_error',
  'mean_absolute_error',
  'mean_absolute_percentage_error',
  'mean_squared_logarithmic_error',
  'hinge',
  'squared_hinge',
  'categorical_hinge',
  'log_cosh',
  'kl_divergence',
  'poisson',
  'cosine_similarity',
] as const;
export type LossName = (typeof LOSSES)[number];

/** The losses for which `from_logits` has a meaning. */
export const CROSSENTROPY_LOSSES: readonly LossName[] = [
  'sparse_categorical_crossentropy',
  'categorical_crossentropy',
  'binary_crossentropy',
];

export const Loss = Shorthand(
  LOSSES,
  Type.Object(
    {
      type: StringEnum(LOSSES, { description: 'Loss function (Keras name).' }),
      from_logits: Defaulted(
        Type.Boolean({
          description: 'The model outputs logits (no softmax/sigmoid); crossentropy losses only. Keras default: false.',
        }),
        false,
      ),
    },
    { additionalProperties: false },
  ),
  {
    description:
      'Loss: a name (`sparse_categorical_crossentropy`) or {type, from_logits}. Keras class names and aliases (`SparseCategoricalCrossentropy`, `mse`, `mae`, `mape`, `msle`, `bce`, `kld`) are read as these names.',
  },
);

/** Metrics by their Keras names; `accuracy` is reported as `accuracy` / `val_accuracy`. */
export const METRICS = [
  'accuracy',
  'sparse_categorical_accuracy',
  'categorical_accuracy',
  'binary_accuracy',
  'sparse_top_k_categorical_accuracy',
] as const;
export type MetricName = (typeof METRICS)[number];

export const Train = Type.Object(
  {
    optimizer: Defaulted(Optimizer, { type: 'rmsprop' } as Static<typeof Optimizer>),
    loss: Loss,
    metrics: Defaulted(
      Type.Array(StringEnum(METRICS), {
        uniqueItems: true,
        description:
          'Metrics to report each epoch (sparse_top_k_categorical_accuracy uses k = 5, the Keras default). Keras spellings (`acc`, `SparseCategoricalAccuracy`, ...) are read as these names.',
      }),
      ['accuracy'],
    ),
    epochs: Defaulted(PositiveInt({ description: 'Passes over the training set. Keras default: 1.' }), 1),
    batch_size: Defaulted(PositiveInt({ description: 'Samples per gradient step. Keras default: 32.' }), 32),
    ...callbackProperties,
  },
  { additionalProperties: false, description: 'How to train: the arguments of Keras `compile` and `fit`.' },
);

export type TrainConfig = Static<typeof Train>;
export type LossConfig = TrainConfig['loss'];
