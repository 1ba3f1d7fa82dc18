/**
 * Callback part of the train section: `train.early_stopping`,
 * `train.reduce_lr_on_plateau`, `train.learning_rate_schedule` and
 * `train.terminate_on_nan`, with Keras names and Keras defaults
 * (keras/src/callbacks/early_stopping.py, reduce_lr_on_plateau.py,
 * terminate_on_nan.py; keras/src/optimizers/schedules/learning_rate_schedule.py).
 * The implementations live in src/train/callbacks/.
 *
 * Porting Notes:
 * - `verbose` is not offered: tfexp always prints the callbacks' actions.
 * - `min_delta` must be >= 0 (Keras EarlyStopping takes its absolute value;
 *   ReduceLROnPlateau would silently invert its meaning with a negative one).
 * - `step_decay` has no Keras class: Keras users write it as a
 *   `LearningRateScheduler` function; here it is declared.
 * - `cosine_decay` takes no `warmup_target`/`warmup_steps`.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Defaulted, PositiveInt, StringEnum, Tagged } from './common.js';

const closed = { additionalProperties: false } as const;

const MODES = ['auto', 'min', 'max'] as const;
export type MonitorMode = (typeof MODES)[number];

const monitor = () =>
  Defaulted(
    Type.String({
      minLength: 1,
      description: 'Metric to watch, as logged each epoch: loss, accuracy, val_loss, val_accuracy, ... Keras default: val_loss.',
    }),
    'val_loss',
  );
const mode = () =>
  Defaulted(
    StringEnum(MODES, {
      description:
        '`min`: improving means decreasing; `max`: increasing; `auto`: `max` when the monitor name contains "acc", else `min`. Keras default: auto.',
    }),
    'auto',
  );
const epochs = (description: string, fallback: number) =>
  Defaulted(Type.Integer({ minimum: 0, description: `${description} Keras default: ${fallback}.` }), fallback);

export const EarlyStopping = Type.Object(
  {
    monitor: monitor(),
    min_delta: Defaulted(
      Type.Number({ minimum: 0, description: 'Smallest change of the monitor that counts as an improvement. Keras default: 0.' }),
      0,
    ),
    patience: epochs('Epochs without improvement after which training stops.', 0),
    mode: mode(),
    baseline: Defaulted(
      Type.Union([Type.Number(), Type.Null()], {
        description: 'The patience counter restarts only on epochs that also beat this value; null for none. Keras default: null.',
      }),
      null,
    ),
    restore_best_weights: Defaulted(
      Type.Boolean({
        description: "At the end of training (stopped early or not), restore the weights of the best epoch. Keras default: false (keep the last epoch's).",
      }),
      false,
    ),
    start_from_epoch: epochs('Warm-up epochs during which the monitor is not watched.', 0),
  },
  { ...closed, description: 'Stop training when the monitored metric has stopped improving (Keras EarlyStopping).' },
);

export const ReduceLROnPlateau = Type.Object(
  {
    monitor: monitor(),
    factor: Defaulted(
      Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1, description: 'new_lr = lr * factor; must be < 1. Keras default: 0.1.' }),
      0.1,
    ),
    patience: epochs('Epochs without improvement after which the learning rate is reduced.', 10),
    mode: mode(),
    min_delta: Defaulted(
      Type.Number({ minimum: 0, description: 'Smallest change of the monitor that counts as an improvement. Keras default: 1e-4.' }),
      1e-4,
    ),
    cooldown: epochs('Epochs to wait after a reduction before counting epochs without improvement again.', 0),
    min_lr: Defaulted(Type.Number({ minimum: 0, description: 'Lower bound on the learning rate. Keras default: 0.' }), 0),
  },
  { ...closed, description: 'Reduce the learning rate when the monitored metric has stopped improving (Keras ReduceLROnPlateau).' },
);

export const ExponentialDecay = Type.Object(
  {
    type: Type.Literal('exponential_decay'),
    decay_steps: PositiveInt({ description: 'Optimizer steps (batches) per decay period.' }),
    decay_rate: Type.Number({ exclusiveMinimum: 0, description: 'Factor applied per decay period.' }),
    staircase: Defaulted(
      Type.Boolean({ description: 'Decay in whole periods (step / decay_steps rounded down). Keras default: false.' }),
      false,
    ),
  },
  {
    ...closed,
    description: 'lr = learning_rate * decay_rate ^ (step / decay_steps), step counting optimizer steps from 0 (Keras ExponentialDecay).',
  },
);

export const CosineDecay = Type.Object(
  {
    type: Type.Literal('cosine_decay'),
    decay_steps: PositiveInt({ description: 'Optimizer steps (batches) over which to decay; the rate stays at its floor afterwards.' }),
    alpha: Defaulted(
      Type.Number({ minimum: 0, maximum: 1, description: 'Floor of the rate, as a fraction of learning_rate. Keras default: 0.' }),
      0,
    ),
  },
  {
    ...closed,
    description:
      'lr = learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha) (Keras CosineDecay).',
  },
);

export const StepDecay = Type.Object(
  {
    type: Type.Literal('step_decay'),
    every_epochs: PositiveInt({ description: 'Epochs per step.' }),
    factor: Defaulted(
      Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Factor applied at each step. Default: 0.5 (tfexp; Keras has no such class).' }),
      0.5,
    ),
  },
  {
    ...closed,
    description:
      'lr = learning_rate * factor ^ floor((epoch - 1) / every_epochs), epochs from 1 (in Keras, a LearningRateScheduler function).',
  },
);

export const LearningRateSchedule = Tagged([ExponentialDecay, CosineDecay, StepDecay], {
  description: "Learning rate as a function of the step or epoch, starting from the optimizer's learning_rate.",
});

/** The callback properties of `train` (spread into the Train object). */
export const callbackProperties = {
  early_stopping: Type.Optional(EarlyStopping),
  reduce_lr_on_plateau: Type.Optional(ReduceLROnPlateau),
  learning_rate_schedule: Type.Optional(LearningRateSchedule),
  terminate_on_nan: Defaulted(
    Type.Boolean({ description: 'Stop training as soon as a batch loss is NaN or infinite. Default: true (in Keras, TerminateOnNaN is opt-in).' }),
    true,
  ),
};

export type EarlyStoppingConfig = Static<typeof EarlyStopping>;
export type ReduceLROnPlateauConfig = Static<typeof ReduceLROnPlateau>;
export type LearningRateScheduleConfig = Static<typeof LearningRateSchedule>;
