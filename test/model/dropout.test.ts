/** Dropout draws a new mask for every batch (tfjs's seeded dropout would not). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { quietTfjs } from '../../src/backend/quiet.js';
import { loadExperiment } from '../../src/config/index.js';
import { buildModel } from '../../src/model/build.js';
import { planModel } from '../../src/model/plan.js';
import { experimentYaml, writeFiles } from '../helpers.js';

quietTfjs();

it('two training-mode calls of a Dropout layer drop different units', () => {
  const loaded = loadExperiment(join(writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten}, {type: Dropout, rate: 0.5}, {type: Dense, units: 10}]') }), 'e.yaml'));
  const model = buildModel(loaded.experiment, planModel(loaded));
  const dropout = model.layers[1]!;
  const x = tf.ones([1, 784]);
  const a = Array.from((dropout.apply(x, { training: true }) as tf.Tensor).dataSync());
  const b = Array.from((dropout.apply(x, { training: true }) as tf.Tensor).dataSync());
  assert.notDeepEqual(a, b);
  model.dispose();
});
