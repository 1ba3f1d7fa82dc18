/** Keras optimizer configs -> tfjs optimizers. */
import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../config/index.js';
import { RMSPropOptimizer } from './rmsprop.js';

/**
 * Makes the tfjs optimizer for a validated config (defaults already filled
 * from the schema, i.e. Keras's: see src/config/schema/optimizers.ts).
 *
 * RMSprop is tfexp's subclass of tfjs's (one-pass update where the backend has
 * it; see rmsprop.ts). Porting Notes: Keras SGD with momentum > 0 is tfjs `momentum`; tfjs Adamax
 * takes a `decay` that Keras does not have, left at 0.
 */
export function buildOptimizer(config: OptimizerConfig): tf.Optimizer {
  switch (config.type) {
    case 'sgd':
      return config.momentum > 0 || config.nesterov
        ? tf.train.momentum(config.learning_rate, config.momentum, config.nesterov)
        : tf.train.sgd(config.learning_rate);
    case 'rmsprop':
      return new RMSPropOptimizer(config.learning_rate, config.rho, config.momentum, config.epsilon, config.centered);
    case 'adam':
      return tf.train.adam(config.learning_rate, config.beta_1, config.beta_2, config.epsilon);
    case 'adamax':
      return tf.train.adamax(config.learning_rate, config.beta_1, config.beta_2, config.epsilon, 0);
    case 'adagrad':
      return tf.train.adagrad(config.learning_rate, config.initial_accumulator_value);
    case 'adadelta':
      return tf.train.adadelta(config.learning_rate, config.rho, config.epsilon);
  }
}
