/** The baseline is the Keras blog's model exactly: shapes, parameters and FLOPs. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { planExperiment } from '../../src/model/index.js';
import { BASELINE } from '../helpers.js';

// Output shapes Keras prints for the blog model (batch axis omitted).
const KERAS_SHAPES = [
  [28, 28, 32], [28, 28, 32], [14, 14, 32],
  [14, 14, 64], [14, 14, 64], [7, 7, 64],
  [7, 7, 128], [7, 7, 128], [3, 3, 128],
  [3, 3, 256], [3, 3, 256],
  [2304], [2304], [10],
];

/** 2 x multiply-adds of a 3x3 same-padded conv: h * w * c_out * 9 * c_in each. */
function convFlops(size: number, cIn: number, cOut: number): number {
  return 2 * size * size * cOut * 3 * 3 * cIn;
}

describe('baseline.yaml', () => {
  const plan = planExperiment(loadExperiment(BASELINE));

  it('has the output shape Keras reports for every layer', () => {
    assert.deepEqual(plan.layers.map((l) => l.output), KERAS_SHAPES);
  });

  it('has 1,194,730 parameters, all trainable', () => {
    assert.equal(plan.trainableParams, 1_194_730);
    assert.equal(plan.nonTrainableParams, 0);
    assert.equal(plan.weightBytes, 1_194_730 * 4);
  });

  it('has the analytic forward FLOP count', () => {
    const analytic =
      convFlops(28, 1, 32) + convFlops(28, 32, 32) +
      convFlops(14, 32, 64) + convFlops(14, 64, 64) +
      convFlops(7, 64, 128) + convFlops(7, 128, 128) +
      convFlops(3, 128, 256) + convFlops(3, 256, 256) +
      2 * 2304 * 10;
    assert.equal(plan.flops, analytic);
    assert.equal(plan.flops, 74_225_664);
  });

  it('uses the blog training setup: RMSprop 0.001, sparse CE, batch 64, 20 epochs', () => {
    const { experiment } = loadExperiment(BASELINE);
    assert.deepEqual(experiment.train.optimizer, { type: 'rmsprop', learning_rate: 0.001, rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    assert.equal(experiment.train.loss.type, 'sparse_categorical_crossentropy');
    assert.equal(experiment.train.batch_size, 64);
    assert.equal(experiment.train.epochs, 20);
  });
});
