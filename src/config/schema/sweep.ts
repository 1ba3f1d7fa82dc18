/** Sweep section: a grid of settings to try and seeds to repeat each with (Hydra/DVC-style). */
import { Type } from '@sinclair/typebox';

export const Sweep = Type.Optional(
  Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$' }), Type.Array(Type.Unknown(), { minItems: 1 }), {
    description:
      'Grid of settings: dotted path -> values to try, e.g. {train.optimizer.learning_rate: [0.001, 0.0003], train.batch_size: [64, 128]} is 4 runs. `tfexp run --sweep path=a,b` adds or replaces an axis.',
  }),
);

export const Seeds = Type.Optional(
  Type.Array(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }), {
    minItems: 1,
    uniqueItems: true,
    description: 'Repeat every grid point with each of these seeds (`tfexp run --seeds 3` means [1, 2, 3]).',
  }),
);
