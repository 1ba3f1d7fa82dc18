/** Keras argument values -> tfjs argument values (activations, initializers, regularizers). */
import { tf } from './tfjs.js';
import type { ActivationName, InitializerName } from '../../config/index.js';

type Initializer = ReturnType<typeof tf.initializers.zeros>;
type Regularizer = ReturnType<typeof tf.regularizers.l1l2>;

type TfActivation = 'linear' | 'relu' | 'relu6' | 'elu' | 'selu' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'softmax' | 'softplus' | 'softsign' | 'swish' | 'mish' | 'gelu';

/** tfjs identifier of a Keras activation name (`hard_sigmoid` -> `hardSigmoid`, `silu` -> `swish`). */
export function activation(name: ActivationName): TfActivation {
  switch (name) {
    case 'hard_sigmoid':
      return 'hardSigmoid';
    case 'silu':
      return 'swish';
    default:
      return name;
  }
}

/**
 * A seeded tfjs initializer for a Keras initializer name. Keras defaults for the
 * random ones: RandomNormal(mean 0, stddev 0.05), RandomUniform(-0.05, 0.05),
 * TruncatedNormal(mean 0, stddev 0.05), Orthogonal(gain 1).
 */
export function initializer(name: InitializerName, seed: number): Initializer {
  const init = tf.initializers;
  switch (name) {
    case 'glorot_uniform':
      return init.glorotUniform({ seed });
    case 'glorot_normal':
      return init.glorotNormal({ seed });
    case 'he_uniform':
      return init.heUniform({ seed });
    case 'he_normal':
      return init.heNormal({ seed });
    case 'lecun_uniform':
      return init.leCunUniform({ seed });
    case 'lecun_normal':
      return init.leCunNormal({ seed });
    case 'zeros':
      return init.zeros();
    case 'ones':
      return init.ones();
    case 'random_normal':
      return init.randomNormal({ mean: 0, stddev: 0.05, seed });
    case 'random_uniform':
      return init.randomUniform({ minval: -0.05, maxval: 0.05, seed });
    case 'truncated_normal':
      return init.truncatedNormal({ mean: 0, stddev: 0.05, seed });
    case 'orthogonal':
      return init.orthogonal({ gain: 1, seed });
  }
}

/** Keras L1L2 regularizer, or undefined when none is configured. */
export function regularizer(config: { l1: number; l2: number } | undefined): Regularizer | undefined {
  return config === undefined ? undefined : tf.regularizers.l1l2({ l1: config.l1, l2: config.l2 });
}
