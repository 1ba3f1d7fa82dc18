/**
 * Every layer type: the plan's output shape and parameter count equal tfjs's,
 * and the count equals the Keras formula written out here independently.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTfjs } from '../../src/backend/quiet.js';
import { loadExperiment } from '../../src/config/index.js';
import { LAYER_TYPES } from '../../src/config/schema/index.js';
import { buildModel } from '../../src/model/build.js';
import { planModel } from '../../src/model/plan.js';
import { writeFiles } from '../helpers.js';

quietTfjs();

interface Case {
  /** The layer under test, as YAML flow mapping. */
  layer: string;
  /** Input shape fed to it. */
  input: number[];
  /** Keras output shape without the batch axis. */
  output: number[];
  /** Parameter count by the Keras formula. */
  params: number;
  /** Of those, non-trainable. */
  nonTrainable?: number;
}

// Formulas: Conv2D k_h*k_w*c_in*filters + filters; DepthwiseConv2D k_h*k_w*c_in*m + c_in*m;
// SeparableConv2D k_h*k_w*c_in*m + c_in*m*filters + filters; Dense d*units + units;
// BatchNormalization 4*c (2*c trainable); LayerNormalization 2*d.
const CASES: Record<string, Case[]> = {
  Conv2D: [
    { layer: '{type: Conv2D, filters: 8, kernel_size: 3}', input: [10, 10, 3], output: [8, 8, 8], params: 3 * 3 * 3 * 8 + 8 },
    { layer: '{type: Conv2D, filters: 4, kernel_size: [3, 5], strides: 2, padding: same}', input: [9, 9, 2], output: [5, 5, 4], params: 3 * 5 * 2 * 4 + 4 },
    { layer: '{type: Conv2D, filters: 4, kernel_size: 3, dilation_rate: 2, use_bias: false}', input: [9, 9, 1], output: [5, 5, 4], params: 3 * 3 * 1 * 4 },
  ],
  DepthwiseConv2D: [
    { layer: '{type: DepthwiseConv2D, kernel_size: 3, depth_multiplier: 2}', input: [8, 8, 3], output: [6, 6, 6], params: 3 * 3 * 3 * 2 + 3 * 2 },
    { layer: '{type: DepthwiseConv2D, kernel_size: 3, strides: 2, padding: same}', input: [8, 8, 4], output: [4, 4, 4], params: 3 * 3 * 4 + 4 },
  ],
  SeparableConv2D: [
    { layer: '{type: SeparableConv2D, filters: 5, kernel_size: 3, padding: same}', input: [7, 7, 3], output: [7, 7, 5], params: 3 * 3 * 3 + 3 * 5 + 5 },
    { layer: '{type: SeparableConv2D, filters: 6, kernel_size: 2, depth_multiplier: 2, strides: 2}', input: [8, 8, 2], output: [4, 4, 6], params: 2 * 2 * 2 * 2 + 2 * 2 * 6 + 6 },
  ],
  MaxPooling2D: [
    { layer: '{type: MaxPooling2D}', input: [7, 7, 3], output: [3, 3, 3], params: 0 },
    { layer: '{type: MaxPooling2D, pool_size: 3, strides: 1, padding: same}', input: [7, 7, 3], output: [7, 7, 3], params: 0 },
  ],
  AveragePooling2D: [{ layer: '{type: AveragePooling2D, pool_size: [2, 3]}', input: [8, 9, 2], output: [4, 3, 2], params: 0 }],
  GlobalMaxPooling2D: [{ layer: '{type: GlobalMaxPooling2D}', input: [5, 5, 7], output: [7], params: 0 }],
  GlobalAveragePooling2D: [{ layer: '{type: GlobalAveragePooling2D}', input: [5, 5, 7], output: [7], params: 0 }],
  Dense: [
    { layer: '{type: Dense, units: 12}', input: [20], output: [12], params: 20 * 12 + 12 },
    { layer: '{type: Dense, units: 3, use_bias: false}', input: [4, 5], output: [4, 3], params: 5 * 3 },
  ],
  Dropout: [{ layer: '{type: Dropout, rate: 0.3}', input: [6, 6, 2], output: [6, 6, 2], params: 0 }],
  Flatten: [{ layer: '{type: Flatten}', input: [3, 4, 5], output: [60], params: 0 }],
  Reshape: [
    { layer: '{type: Reshape, target_shape: [6, 10]}', input: [3, 4, 5], output: [6, 10], params: 0 },
    { layer: '{type: Reshape, target_shape: [-1, 2]}', input: [3, 4, 5], output: [30, 2], params: 0 },
  ],
  BatchNormalization: [
    { layer: '{type: BatchNormalization}', input: [4, 4, 6], output: [4, 4, 6], params: 4 * 6, nonTrainable: 2 * 6 },
    { layer: '{type: BatchNormalization, center: false}', input: [10], output: [10], params: 3 * 10, nonTrainable: 2 * 10 },
  ],
  LayerNormalization: [{ layer: '{type: LayerNormalization}', input: [4, 4, 6], output: [4, 4, 6], params: 2 * 6 }],
  Activation: [{ layer: '{type: Activation, activation: gelu}', input: [5], output: [5], params: 0 }],
  ZeroPadding2D: [
    { layer: '{type: ZeroPadding2D}', input: [28, 28, 1], output: [30, 30, 1], params: 0 },
    { layer: '{type: ZeroPadding2D, padding: [[1, 3], [0, 2]]}', input: [28, 28, 1], output: [32, 30, 1], params: 0 },
    { layer: '{type: ZeroPadding2D, padding: [2, 1]}', input: [28, 28, 1], output: [32, 30, 1], params: 0 },
  ],
  Rescaling: [{ layer: '{type: Rescaling, scale: 0.00392156862745098}', input: [28, 28, 1], output: [28, 28, 1], params: 0 }],
};

function loadSingle(c: Case) {
  // A data section is required; the model checks (not run here) would object to the shapes.
  const text = `name: t\ndata: {dataset: mnist}\nmodel:\n  input_shape: ${JSON.stringify(c.input)}\n  layers: [${c.layer}]\ntrain: {loss: mean_squared_error}\n`;
  return loadExperiment(join(writeFiles({ 'e.yaml': text }), 'e.yaml'));
}

describe('layer kinds', () => {
  it('has a test case for every layer type in the schema', () => {
    assert.deepEqual(Object.keys(CASES).sort(), [...LAYER_TYPES].sort());
  });

  for (const [type, cases] of Object.entries(CASES)) {
    for (const c of cases) {
      it(`${type}: ${c.layer} on [${c.input}] -> [${c.output}], ${c.params} params`, () => {
        const loaded = loadSingle(c);
        const plan = planModel(loaded);
        const [planned] = plan.layers;
        assert.deepEqual(planned?.output, c.output, 'plan shape = Keras shape');
        assert.equal(plan.trainableParams + plan.nonTrainableParams, c.params, 'plan params = Keras formula');
        assert.equal(plan.nonTrainableParams, c.nonTrainable ?? 0);
        const model = buildModel(loaded.experiment, plan);
        try {
          assert.deepEqual(model.outputs[0]!.shape, [null, ...c.output], 'tfjs shape = plan shape');
          assert.equal(model.countParams(), c.params, 'tfjs params = plan params');
          const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce<number>((a, b) => a * (b ?? 1), 1), 0);
          assert.equal(trainable, c.params - (c.nonTrainable ?? 0), 'tfjs trainable = plan trainable');
          tf.tidy(() => {
            const y = model.predict(tf.ones([2, ...c.input])) as tf.Tensor;
            assert.deepEqual(y.shape, [2, ...c.output], 'a forward pass gives the planned shape');
          });
        } finally {
          model.dispose();
        }
      });
    }
  }
});

describe('layer arguments reach tfjs', () => {
  it('maps activations, initializers and regularizers by their Keras names', () => {
    const loaded = loadSingle({
      layer: '{type: Dense, units: 2, activation: hard_sigmoid, kernel_initializer: he_normal, kernel_regularizer: {l2: 0.01}}',
      input: [3],
      output: [2],
      params: 8,
    });
    const model = buildModel(loaded.experiment, planModel(loaded));
    const config = model.layers[0]!.getConfig() as Record<string, unknown>;
    assert.equal(config.activation, 'hardSigmoid');
    assert.equal((config.kernelInitializer as { className: string }).className, 'VarianceScaling');
    assert.deepEqual((config.kernelRegularizer as { config: unknown }).config, { l1: 0, l2: 0.01 });
    model.dispose();
  });

  it('gives the same initial weights for the same seed, different for another', () => {
    const weights = (seed: number) => {
      const loaded = loadSingle({ layer: '{type: Dense, units: 4}', input: [5], output: [4], params: 24 });
      const model = buildModel({ ...loaded.experiment, seed }, planModel(loaded));
      const values = Array.from(model.getWeights()[0]!.dataSync());
      model.dispose();
      return values;
    };
    assert.deepEqual(weights(1), weights(1));
    assert.notDeepEqual(weights(1), weights(2));
  });
});
