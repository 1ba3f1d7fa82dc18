/** Model section: input shape and the layer stack. */
import { Type, type Static } from '@sinclair/typebox';
import { PositiveInt } from './common.js';
import { LayerEntry } from './layers.js';

export const Model = Type.Object(
  {
    input_shape: Type.Array(PositiveInt(), {
      minItems: 1,
      maxItems: 3,
      description: 'Shape of one sample without the batch axis, e.g. [height, width, channels] = [28, 28, 1].',
    }),
    layers: Type.Array(LayerEntry, { minItems: 1, description: 'The layers, in order (a Keras Sequential model).' }),
  },
  { additionalProperties: false, description: 'A sequential model: input shape and layer stack.' },
);

export type ModelConfig = Static<typeof Model>;
