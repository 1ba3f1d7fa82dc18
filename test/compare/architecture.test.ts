/** The architecture notation of compare's `model` column (src/compare/architecture.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { architecture, flatLayers, layerToken, NOTATED_TYPES } from '../../src/compare/architecture.js';
import { MAX_LAYERS } from '../../src/config/limits.js';
import { LAYER_TYPES } from '../../src/config/schema/layers.js';
import { libraryExperiment } from './fixtures.js';

describe('architecture notation', () => {
  it('covers every layer type of the schema', () => {
    assert.deepEqual([...NOTATED_TYPES].sort(), [...LAYER_TYPES].sort());
  });

  it('gives each layer type its token, arguments only when not the usual value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ type: 'Conv2D', filters: 32, kernel_size: 3, strides: 1, dilation_rate: 1 }, 'C32'],
      [{ type: 'Conv2D', filters: 32, kernel_size: 5 }, 'C32k5'],
      [{ type: 'Conv2D', filters: 64, kernel_size: [5, 3], strides: 2 }, 'C64k5x3s2'],
      [{ type: 'Conv2D', filters: 16, kernel_size: [3, 3], strides: [1, 1], dilation_rate: 2 }, 'C16d2'],
      [{ type: 'SeparableConv2D', filters: 64, kernel_size: 3, depth_multiplier: 1 }, 'SC64'],
      [{ type: 'SeparableConv2D', filters: 64, kernel_size: 3, depth_multiplier: 2 }, 'SC64m2'],
      [{ type: 'DepthwiseConv2D', kernel_size: 3, depth_multiplier: 1 }, 'DW'],
      [{ type: 'DepthwiseConv2D', kernel_size: 5, depth_multiplier: 2 }, 'DWm2k5'],
      [{ type: 'MaxPooling2D', pool_size: 2, strides: null }, 'P'],
      [{ type: 'MaxPooling2D', pool_size: 3, strides: 2 }, 'P3s2'],
      [{ type: 'AveragePooling2D', pool_size: 2 }, 'A'],
      [{ type: 'AveragePooling2D', pool_size: [3, 3], strides: [3, 3] }, 'A3'],
      [{ type: 'GlobalMaxPooling2D' }, 'GMP'],
      [{ type: 'GlobalAveragePooling2D' }, 'GAP'],
      [{ type: 'Dense', units: 10, activation: 'softmax' }, '10'],
      [{ type: 'Dropout', rate: 0.5 }, 'D0.5'],
      [{ type: 'Flatten' }, 'F'],
      [{ type: 'Reshape', target_shape: [7, 7, 16] }, 'R[7,7,16]'],
      [{ type: 'Reshape', target_shape: [-1, 16] }, 'R[-1,16]'],
      [{ type: 'BatchNormalization', axis: -1 }, 'BN'],
      [{ type: 'LayerNormalization' }, 'LN'],
      [{ type: 'Activation', activation: 'relu' }, 'relu'],
      [{ type: 'ZeroPadding2D', padding: 2 }, 'Z2'],
      [{ type: 'ZeroPadding2D', padding: [1, 2] }, 'Z1x2'],
      [{ type: 'ZeroPadding2D', padding: [[1, 1], [2, 2]] }, 'Z[[1,1],[2,2]]'],
      [{ type: 'Rescaling', scale: 1 / 255, offset: 0 }, 'S1/255'],
      [{ type: 'Rescaling', scale: 1 / 127.5, offset: -1 }, 'S(1/127.5,-1)'],
      [{ type: 'Rescaling', scale: 2 }, 'S2'],
      [{ type: 'FutureLayer' }, 'FutureLayer'],
    ];
    for (const [layer, token] of cases) assert.equal(layerToken(layer), token, JSON.stringify(layer));
  });

  it('expands repeat blocks, nested ones too', () => {
    const layers = [{ repeat: 2, layers: [{ type: 'Conv2D', filters: 8 }, { repeat: 2, layers: [{ type: 'BatchNormalization' }] }] }, { type: 'Flatten' }];
    assert.equal(flatLayers(layers).length, 7);
    assert.equal(architecture(layers), 'C8-BN-BN-C8-BN-BN-F');
  });

  it('stops at the layer limit however large a run folder\'s repeat counts are', () => {
    const bomb = [{ repeat: 1e9, layers: [{ repeat: 1e9, layers: [{ type: 'Dense', units: 1 }, { type: 'Dropout', rate: 0.5 }] }] }, { type: 'Flatten' }];
    // Unbounded, this would build an array of 2e18 entries (out of memory).
    const flat = flatLayers(bomb);
    assert.equal(flat.length, MAX_LAYERS);
    assert.deepEqual(flat.slice(0, 3).map((l) => l.type), ['Dense', 'Dropout', 'Dense']);
    assert.equal(flatLayers(bomb, 5).length, 5);
  });

  it('writes the library experiments as Keras-like strings', () => {
    const of = (name: string) => architecture((libraryExperiment(name).model as { layers: unknown }).layers);
    assert.equal(of('baseline'), 'C32-C32-P-C64-C64-P-C128-C128-P-C256-C256-F-D0.5-10');
    assert.equal(of('keras-convnet'), 'C32-P-C64-P-C128-F-10');
    assert.equal(of('baseline-bn'), 'C32-BN-relu-C32-BN-relu-P-C64-BN-relu-C64-BN-relu-P-C128-BN-relu-C128-BN-relu-P-C256-BN-relu-C256-BN-relu-F-D0.5-10');
    assert.equal(of('vgg16-style-narrow'), 'Z2-C16-C16-P-C32-C32-P-C64-C64-C64-P-C128-C128-C128-P-C128-C128-C128-P-F-128-D0.5-128-D0.5-10');
  });
});
