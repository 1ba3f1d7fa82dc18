import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import { snakeCase } from '../../src/config/layers.js';
import { ConfigError } from '../../src/errors.js';
import { experimentYaml, writeFiles } from '../helpers.js';

const load = (layers: string) => loadExperiment(join(writeFiles({ 'e.yaml': experimentYaml(layers) }), 'e.yaml'));

describe('repeat blocks', () => {
  it('stacks N copies of a list of layers, in order, with Keras-style names', () => {
    const { layers } = load(`
    - repeat: 2
      layers:
        - {type: Conv2D, filters: 8, kernel_size: 3, padding: same}
        - {type: MaxPooling2D}
    - {type: Flatten}
    - {type: Dense, units: 10}`);
    assert.deepEqual(
      layers.map((l) => `${l.index}:${l.name}`),
      ['0:conv2d', '1:max_pooling2d', '2:conv2d_1', '3:max_pooling2d_1', '4:flatten', '5:dense'],
    );
    assert.deepEqual(layers[2]!.path, ['model', 'layers', 0, 'layers', 0], 'copies point at the YAML they came from');
  });

  it('expands nested repeats and fills defaults inside them', () => {
    const { layers } = load(`
    - repeat: 2
      layers:
        - repeat: 3
          layers: [{type: Conv2D, filters: 4, kernel_size: 1}]
        - {type: Dropout, rate: 0.1}
    - {type: Flatten}
    - {type: Dense, units: 10}`);
    assert.equal(layers.filter((l) => l.config.type === 'Conv2D').length, 6);
    assert.equal(layers.length, 10);
    assert.equal((layers[0]!.config as { padding: string }).padding, 'valid');
  });

  it('rejects a named layer inside a repeat (duplicate names)', () => {
    assert.throws(
      () => load(`[{repeat: 2, layers: [{type: Dense, units: 10, name: head}]}]`),
      (error: unknown) => error instanceof ConfigError && /layer name "head" is used by layer 0 \(head, Dense\) and layer 1/.test(error.message),
    );
  });

  it('validates repeat blocks: count >= 1, known keys only', () => {
    assert.throws(() => load(`[{repeat: 0, layers: [{type: Flatten}]}]`), /"repeat" must be >= 1/);
    assert.throws(() => load(`[{repeat: 2, layer: [{type: Flatten}]}]`), /unknown key "layer" in repeat block; did you mean "layers"\?/);
  });
});

describe('snakeCase', () => {
  it('names layers as Keras does', () => {
    assert.deepEqual(
      ['Conv2D', 'MaxPooling2D', 'BatchNormalization', 'DepthwiseConv2D', 'GlobalAveragePooling2D', 'ZeroPadding2D'].map(snakeCase),
      ['conv2d', 'max_pooling2d', 'batch_normalization', 'depthwise_conv2d', 'global_average_pooling2d', 'zero_padding2d'],
    );
  });
});
