/**
 * Optimizer section: Keras names and Keras defaults (keras/src/optimizers/*.py).
 *
 * Porting Notes: tfjs has no `amsgrad` for Adam and no `epsilon` argument for
 * Adagrad (it uses the backend epsilon, 1e-7 in float32), so neither is offered.
 */
import { Type, type Static } from '@sinclair/typebox';
import { Defaulted, Shorthand, Tagged } from './common.js';

const closed = { additionalProperties: false } as const;

const learningRate = (fallback: number) =>
  Defaulted(Type.Number({ exclusiveMinimum: 0, description: `Step size. Keras default: ${fallback}.` }), fallback);
const epsilon = () =>
  Defaulted(Type.Number({ exclusiveMinimum: 0, description: 'Numerical stability constant. Keras default: 1e-7.' }), 1e-7);
const beta = (name: string, fallback: number) =>
  Defaulted(
    Type.Number({ minimum: 0, exclusiveMaximum: 1, description: `Decay rate of the ${name} moment estimates. Keras default: ${fallback}.` }),
    fallback,
  );

export const SGD = Type.Object(
  {
    type: Type.Literal('sgd'),
    learning_rate: learningRate(0.01),
    momentum: Defaulted(Type.Number({ minimum: 0, description: 'Momentum factor. Keras default: 0.' }), 0),
    nesterov: Defaulted(Type.Boolean({ description: 'Use Nesterov momentum. Keras default: false.' }), false),
  },
  { ...closed, description: 'Stochastic gradient descent, with optional (Nesterov) momentum.' },
);

export const RMSprop = Type.Object(
  {
    type: Type.Literal('rmsprop'),
    learning_rate: learningRate(0.001),
    rho: Defaulted(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Discount of the squared-gradient average. Keras default: 0.9.' }), 0.9),
    momentum: Defaulted(Type.Number({ minimum: 0, description: 'Momentum factor. Keras default: 0.' }), 0),
    epsilon: epsilon(),
    centered: Defaulted(Type.Boolean({ description: 'Normalise by the gradient variance estimate. Keras default: false.' }), false),
  },
  { ...closed, description: 'RMSprop (Hinton, lecture 6e).' },
);

export const Adam = Type.Object(
  { type: Type.Literal('adam'), learning_rate: learningRate(0.001), beta_1: beta('first', 0.9), beta_2: beta('second', 0.999), epsilon: epsilon() },
  { ...closed, description: 'Adam (Kingma & Ba, 2014).' },
);

export const Adamax = Type.Object(
  { type: Type.Literal('adamax'), learning_rate: learningRate(0.001), beta_1: beta('first', 0.9), beta_2: beta('infinity-norm', 0.999), epsilon: epsilon() },
  { ...closed, description: 'Adamax: Adam with the infinity norm (Kingma & Ba, 2014, section 7).' },
);

export const Adagrad = Type.Object(
  {
    type: Type.Literal('adagrad'),
    learning_rate: learningRate(0.001),
    initial_accumulator_value: Defaulted(
      Type.Number({ minimum: 0, description: 'Starting value of the per-parameter accumulators. Keras default: 0.1.' }),
      0.1,
    ),
  },
  { ...closed, description: 'Adagrad (Duchi et al., 2011).' },
);

export const Adadelta = Type.Object(
  {
    type: Type.Literal('adadelta'),
    learning_rate: learningRate(0.001),
    rho: Defaulted(Type.Number({ minimum: 0, exclusiveMaximum: 1, description: 'Decay rate. Keras default: 0.95.' }), 0.95),
    epsilon: epsilon(),
  },
  { ...closed, description: 'Adadelta (Zeiler, 2012).' },
);

const OptimizerUnion = Tagged([SGD, RMSprop, Adam, Adamax, Adagrad, Adadelta]);

export const OPTIMIZER_TYPES = ['sgd', 'rmsprop', 'adam', 'adamax', 'adagrad', 'adadelta'] as const;

export const Optimizer = Shorthand(OPTIMIZER_TYPES, OptimizerUnion, {
  description:
    'Optimizer: a name (`adam`) or an object with `type` and its arguments. Keras class names in any case (`RMSprop`, `Adam`, `SGD`) are read as these names.',
});

export type OptimizerConfig = Static<typeof Optimizer>;
export type OptimizerType = OptimizerConfig['type'];
