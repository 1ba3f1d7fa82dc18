/**
 * Keras's own spellings (issue 12, section 5): what Keras 3 accepts is read as
 * tfexp's canonical name and rendered that way; what Keras rejects is still
 * rejected, with a did-you-mean at the value's file:line:col.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { loadExperiment, type Experiment } from '../../src/config/index.js';
import {
  canonicalLoss,
  canonicalMetric,
  canonicalMonitor,
  canonicalOptimizer,
  canonicalPadding,
  KERAS_INITIALIZER_ALIASES,
  KERAS_LOSS_ALIASES,
  KERAS_METRIC_ALIASES,
  KERAS_OPTIMIZER_CLASSES,
  kerasSpellingsAt,
} from '../../src/config/keras-names.js';
import { INITIALIZERS, LOSSES, METRICS, OPTIMIZER_TYPES } from '../../src/config/schema/index.js';
import { closestMatch } from '../../src/config/suggest.js';
import * as message from '../../src/log/message.js';
import { configErrorOf, runCli, writeFiles } from '../helpers.js';

interface Parts {
  optimizer?: string;
  loss?: string;
  metrics?: string;
  padding?: string;
  extraTrain?: string;
}

/**
 * A small experiment. Positions (1-based) of what the parts fill in:
 *   line 6:  `    - {type: Conv2D, filters: 4, kernel_size: 3, padding: P}`  P at col 59
 *   line 10: `  optimizer: O`  O at col 14
 *   line 11: `  loss: L`       L at col 9
 *   line 12: `  metrics: M`    M at col 12 (a flow list: first item at col 13)
 */
function yamlOf(parts: Parts = {}): string {
  return [
    'name: keras-names',
    'data: {dataset: mnist, validation_split: 0.1}',
    'model:',
    '  input_shape: [28, 28, 1]',
    '  layers:',
    `    - {type: Conv2D, filters: 4, kernel_size: 3, padding: ${parts.padding ?? 'valid'}}`,
    '    - {type: Flatten}',
    '    - {type: Dense, units: 10, activation: softmax}',
    'train:',
    `  optimizer: ${parts.optimizer ?? 'rmsprop'}`,
    `  loss: ${parts.loss ?? 'sparse_categorical_crossentropy'}`,
    `  metrics: ${parts.metrics ?? '[accuracy]'}`,
    parts.extraTrain ?? '',
  ].join('\n');
}

function fileOf(text: string): string {
  return join(writeFiles({ 'e.yaml': text }), 'e.yaml');
}

function load(parts: Parts, sets: string[] = []): Experiment {
  return loadExperiment(fileOf(yamlOf(parts)), sets).experiment;
}

/** The problems as `line:col: message`. */
function problemsOf(parts: Parts, sets: string[] = []): string[] {
  return configErrorOf(() => loadExperiment(fileOf(yamlOf(parts)), sets)).problems.map((p) => `${p.at.line}:${p.at.col}: ${p.message}`);
}

describe('Keras spellings are read as tfexp names', () => {
  it('optimizers: Keras class names in any case, as a name or as `type`', () => {
    for (const type of OPTIMIZER_TYPES) {
      const keras = KERAS_OPTIMIZER_CLASSES[type];
      for (const spelling of [keras, keras.toUpperCase(), keras.toLowerCase(), `${keras[0]!.toLowerCase()}${keras.slice(1)}`]) {
        assert.equal(load({ optimizer: spelling }).train.optimizer.type, type, spelling);
        const object = load({ optimizer: `{type: ${spelling}, learning_rate: 0.01}` }).train.optimizer;
        assert.equal(object.type, type, spelling);
        assert.equal(object.learning_rate, 0.01);
      }
    }
    // The defaults are those of the optimizer named, so its own arguments are accepted.
    assert.deepEqual(load({ optimizer: '{type: RMSprop, rho: 0.8}' }).train.optimizer, {
      type: 'rmsprop',
      learning_rate: 0.001,
      rho: 0.8,
      momentum: 0,
      epsilon: 1e-7,
      centered: false,
    });
  });

  it('losses: Keras class names and the mse/mae/mape/msle/bce/kld aliases, as a name or as `type`', () => {
    for (const [alias, canonical] of KERAS_LOSS_ALIASES) {
      assert.deepEqual(load({ loss: alias }).train.loss, { type: canonical, from_logits: false }, alias);
      assert.equal(load({ loss: `{type: ${alias}}` }).train.loss.type, canonical, alias);
    }
    for (const alias of ['mse', 'MSE', 'mae', 'MAE', 'mape', 'MAPE', 'msle', 'MSLE', 'SparseCategoricalCrossentropy', 'CategoricalCrossentropy', 'MeanSquaredError']) {
      assert.ok(KERAS_LOSS_ALIASES.has(alias), alias);
    }
    const logits = load({ loss: '{type: SparseCategoricalCrossentropy, from_logits: true}' }).train.loss;
    assert.deepEqual(logits, { type: 'sparse_categorical_crossentropy', from_logits: true });
  });

  it('metrics: acc and accuracy in any case, and Keras metric class names', () => {
    for (const spelling of ['acc', 'ACC', 'Acc', 'accuracy', 'Accuracy', 'ACCURACY']) {
      assert.deepEqual(load({ metrics: `[${spelling}]` }).train.metrics, ['accuracy'], spelling);
    }
    for (const [alias, canonical] of KERAS_METRIC_ALIASES) {
      assert.deepEqual(load({ metrics: `[acc, ${alias}]` }).train.metrics, ['accuracy', canonical], alias);
    }
  });

  it('callback monitors follow the metric names: val_acc is val_accuracy', () => {
    const train = load({
      metrics: '[acc]',
      extraTrain: '  early_stopping: {monitor: val_acc}\n  reduce_lr_on_plateau: {monitor: acc}',
    }).train;
    assert.equal(train.early_stopping?.monitor, 'val_accuracy');
    assert.equal(train.reduce_lr_on_plateau?.monitor, 'accuracy');
    assert.equal(canonicalMonitor('val_SparseCategoricalAccuracy'), 'val_sparse_categorical_accuracy');
    assert.equal(canonicalMonitor('val_loss'), 'val_loss');
    assert.equal(canonicalMonitor('val_accuarcy'), 'val_accuarcy');
  });

  it('padding in any case on every layer with a padding mode, inside repeat blocks too', () => {
    const text = yamlOf().replace(
      '    - {type: Conv2D, filters: 4, kernel_size: 3, padding: valid}',
      [
        '    - {type: Conv2D, filters: 4, kernel_size: 3, padding: SAME}',
        '    - {type: DepthwiseConv2D, kernel_size: 3, padding: Same}',
        '    - {type: SeparableConv2D, filters: 4, kernel_size: 3, padding: sAmE}',
        '    - repeat: 1',
        '      layers:',
        '        - {type: MaxPooling2D, padding: VALID}',
        '        - {type: AveragePooling2D, padding: Valid}',
      ].join('\n'),
    );
    const { layers } = loadExperiment(fileOf(text));
    const paddings = layers.filter((l) => 'padding' in l.config).map((l) => [l.config.type, (l.config as { padding: unknown }).padding]);
    assert.deepEqual(paddings, [
      ['Conv2D', 'same'],
      ['DepthwiseConv2D', 'same'],
      ['SeparableConv2D', 'same'],
      ['MaxPooling2D', 'valid'],
      ['AveragePooling2D', 'valid'],
    ]);
  });

  it('initializer class names and the normal/uniform/one/zero aliases', () => {
    const text = yamlOf().replace(
      '    - {type: Conv2D, filters: 4, kernel_size: 3, padding: valid}',
      [
        '    - {type: Conv2D, filters: 4, kernel_size: 3, kernel_initializer: HeNormal, bias_initializer: zero}',
        '    - {type: SeparableConv2D, filters: 4, kernel_size: 3, depthwise_initializer: GlorotUniform, pointwise_initializer: normal}',
        '    - repeat: 1',
        '      layers:',
        '        - {type: BatchNormalization, gamma_initializer: one, beta_initializer: Zeros, moving_variance_initializer: Ones}',
      ].join('\n'),
    );
    const { layers } = loadExperiment(fileOf(text));
    const conv = layers[0]!.config as { kernel_initializer: string; bias_initializer: string };
    assert.deepEqual([conv.kernel_initializer, conv.bias_initializer], ['he_normal', 'zeros']);
    const separable = layers[1]!.config as { depthwise_initializer: string; pointwise_initializer: string };
    assert.deepEqual([separable.depthwise_initializer, separable.pointwise_initializer], ['glorot_uniform', 'random_normal']);
    const norm = layers[2]!.config as { gamma_initializer: string; beta_initializer: string; moving_variance_initializer: string };
    assert.deepEqual([norm.gamma_initializer, norm.beta_initializer, norm.moving_variance_initializer], ['ones', 'zeros', 'ones']);
    for (const [alias, canonical] of KERAS_INITIALIZER_ALIASES) {
      const one = loadExperiment(fileOf(yamlOf().replace('padding: valid}', `padding: valid, kernel_initializer: ${alias}}`))).layers[0]!;
      assert.equal((one.config as { kernel_initializer: string }).kernel_initializer, canonical, alias);
    }
  });

  it('through --set, extends and sweep axes too', () => {
    const viaSet = load({}, ['train.optimizer=Adam', 'train.loss=mae', 'train.metrics=[acc]', 'model.layers.0.padding=SAME']);
    assert.equal(viaSet.train.optimizer.type, 'adam');
    assert.equal(viaSet.train.loss.type, 'mean_absolute_error');
    assert.deepEqual(viaSet.train.metrics, ['accuracy']);
    assert.equal((viaSet.model.layers[0] as { padding: string }).padding, 'same');
    assert.equal(load({}, ['train.optimizer.type=SGD']).train.optimizer.type, 'sgd');

    const dir = writeFiles({
      'base.yaml': yamlOf({ optimizer: '{type: Adam, beta_1: 0.8}', loss: 'SparseCategoricalCrossentropy' }),
      'child.yaml': 'extends: base.yaml\ntrain: {optimizer: {type: ADAM, learning_rate: 0.01}, metrics: [SparseCategoricalAccuracy]}\nsweep: {train.optimizer: [Adam, SGD], train.loss: [mse, {type: MAE}], train.metrics: [[acc], [BinaryAccuracy]]}\n',
    });
    const child = loadExperiment(join(dir, 'child.yaml')).experiment;
    assert.deepEqual(child.train.optimizer, { type: 'adam', learning_rate: 0.01, beta_1: 0.8, beta_2: 0.999, epsilon: 1e-7 });
    assert.equal(child.train.loss.type, 'sparse_categorical_crossentropy');
    assert.deepEqual(child.train.metrics, ['sparse_categorical_accuracy']);
    assert.deepEqual(child.sweep, {
      'train.optimizer': ['adam', 'sgd'],
      'train.loss': ['mean_squared_error', { type: 'mean_absolute_error' }],
      'train.metrics': [['accuracy'], ['binary_accuracy']],
    });
  });

  it('`tfexp render` prints the canonical names, and `tfexp validate` says ok', async () => {
    const file = fileOf(yamlOf({ optimizer: '{type: RMSprop}', loss: 'SparseCategoricalCrossentropy', metrics: '[acc]', padding: 'SAME' }));
    const validate = await runCli(['validate', file]);
    assert.equal(validate.code, 0, validate.stderr);
    const { code, stdout, stderr } = await runCli(['render', file, '--set', 'train.early_stopping.monitor=val_acc']);
    assert.equal(code, 0, stderr);
    const rendered = parseYaml(stdout) as Experiment;
    assert.equal(rendered.train.optimizer.type, 'rmsprop');
    assert.equal(rendered.train.loss.type, 'sparse_categorical_crossentropy');
    assert.deepEqual(rendered.train.metrics, ['accuracy']);
    assert.equal(rendered.train.early_stopping?.monitor, 'val_accuracy');
    assert.equal((rendered.model.layers[0] as { padding: string }).padding, 'same');
    for (const alias of ['RMSprop', 'SparseCategoricalCrossentropy', 'acc]', '- acc\n', 'SAME', 'val_acc\n']) assert.ok(!stdout.includes(alias), alias);
    // What render prints loads to the same experiment.
    const again = join(writeFiles({ 'r.yaml': stdout }), 'r.yaml');
    writeFileSync(again, stdout);
    assert.deepEqual(loadExperiment(again).experiment, loadExperiment(file, ['train.early_stopping.monitor=val_acc']).experiment);
  });
});

describe('near misses get a did-you-mean at their location', () => {
  it('optimizer, loss, metric and padding typos', () => {
    assert.deepEqual(problemsOf({ optimizer: 'rmsprob', loss: 'sparse_categorial_crossentropy', metrics: '[accuarcy]', padding: 'SMAE' }), [
      `6:59: ${message.notInEnum('padding', 'SMAE', 'same', ['valid', 'same'])}`,
      `10:14: ${message.unknownType('optimizer', 'rmsprob', 'rmsprop', [])}`,
      `11:9: ${message.unknownType('loss', 'sparse_categorial_crossentropy', 'sparse_categorical_crossentropy', [])}`,
      `12:13: ${message.notInEnum('metrics[0]', 'accuarcy', 'accuracy', METRICS)}`,
    ]);
  });

  it('in object form, and in Keras class-name style', () => {
    assert.deepEqual(problemsOf({ optimizer: '{type: RMSProb}', loss: '{type: SparseCategoricalCrossEntropy}', metrics: '[acc, Binary_Accuracy]' }), [
      `10:21: ${message.unknownType('optimizer', 'RMSProb', 'rmsprop', [])}`,
      `11:16: ${message.unknownType('loss', 'SparseCategoricalCrossEntropy', 'SparseCategoricalCrossentropy', [])}`,
      `12:18: ${message.notInEnum('metrics[1]', 'Binary_Accuracy', 'binary_accuracy', METRICS)}`,
    ]);
  });

  it('a typo given with --set is blamed on that --set', () => {
    const [problem] = configErrorOf(() => loadExperiment(fileOf(yamlOf()), ['train.optimizer=Adamm'])).problems;
    assert.equal(problem?.at.file, '--set train.optimizer=Adamm');
    assert.equal(problem?.message, message.unknownType('optimizer', 'Adamm', 'adam', []));
  });
});

describe('what Keras rejects is still rejected', () => {
  it('loss, metric, initializer and layer names are exact in Keras: a wrong case is no alias', () => {
    for (const loss of ['Mse', 'mSE', 'SparseCategoricalCrossEntropy', 'Sparse_Categorical_Crossentropy', 'meansquarederror', 'logcosh', 'kullback_leibler_divergence']) {
      const problems = problemsOf({ loss });
      assert.equal(problems.length, 1, `${loss}: ${problems.join('\n')}`);
      assert.match(problems[0]!, new RegExp(`^11:9: unknown loss type "${loss}"`));
      assert.equal(canonicalLoss(loss), undefined);
    }
    for (const metric of ['Binary_Accuracy', 'sparsecategoricalaccuracy', 'accuracy_score', 'ac']) {
      assert.equal(canonicalMetric(metric), undefined, metric);
      assert.match(problemsOf({ metrics: `[${metric}]` })[0] ?? '', new RegExp(`^12:13: "metrics\\[0\\]" cannot be "${metric}"`));
    }
    const layers = configErrorOf(() =>
      loadExperiment(fileOf(yamlOf().replace('{type: Flatten}', '{type: MaxPool2d}').replace('padding: valid}', 'padding: valid, kernel_initializer: HENormal}'))),
    ).problems.map((p) => p.message);
    assert.ok(layers.some((m) => m.startsWith('unknown layer type "MaxPool2d"')), layers.join('\n'));
    assert.ok(layers.some((m) => m.startsWith('"kernel_initializer" cannot be "HENormal"; did you mean "HeNormal"?')), layers.join('\n'));
  });

  it('padding modes Keras does not have, padding on ZeroPadding2D, and optimizers tfexp lacks', () => {
    assert.match(problemsOf({ padding: 'causal' })[0] ?? '', /^6:59: "padding" cannot be "causal"; allowed: valid, same\./);
    assert.match(problemsOf({ padding: 'full' })[0] ?? '', /^6:59: "padding" cannot be "full"/);
    const zero = configErrorOf(() => loadExperiment(fileOf(yamlOf().replace('{type: Flatten}', '{type: ZeroPadding2D, padding: SAME}')))).problems;
    assert.equal(zero.length, 1);
    assert.match(zero[0]!.message, /"padding" must be .*got the string "SAME"/);
    assert.match(problemsOf({ optimizer: 'Nadam' })[0] ?? '', /^10:14: unknown optimizer type "Nadam"/);
  });

  it('no name from Object.prototype is taken for a Keras name', () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      assert.equal(canonicalLoss(name), undefined);
      assert.equal(canonicalMetric(name), undefined);
      assert.equal(canonicalOptimizer(name), undefined);
      assert.equal(canonicalPadding(name), undefined);
      assert.match(problemsOf({ loss: name })[0] ?? '', /^11:9: unknown loss type/);
    }
  });
});

describe('the alias tables', () => {
  it('map only to canonical names, and no alias shadows a canonical name', () => {
    const tables: [ReadonlyMap<string, string>, readonly string[]][] = [
      [KERAS_LOSS_ALIASES, LOSSES],
      [KERAS_METRIC_ALIASES, METRICS],
      [KERAS_INITIALIZER_ALIASES, INITIALIZERS],
    ];
    for (const [aliases, canonical] of tables) {
      for (const [alias, name] of aliases) {
        assert.ok(canonical.includes(name), `${alias} -> ${name}`);
        assert.ok(!canonical.includes(alias), alias);
      }
    }
    for (const name of [...LOSSES]) assert.equal(canonicalLoss(name), name);
    for (const name of [...METRICS]) assert.equal(canonicalMetric(name), name);
    for (const name of [...OPTIMIZER_TYPES]) assert.equal(canonicalOptimizer(name), name);
  });

  it('give validation the Keras spellings to suggest from (kerasSpellingsAt)', () => {
    const suggest = (value: string, known: readonly string[], path: (string | number)[]) => closestMatch(value, [...known, ...kerasSpellingsAt(path)]);
    assert.equal(suggest('Mse', LOSSES, ['train', 'loss', 'type']), 'mse');
    assert.equal(suggest('SparseCategoricalCrossEntropy', LOSSES, ['train', 'loss', 'type']), 'SparseCategoricalCrossentropy');
    assert.equal(suggest('SparseCategoricalAcc', METRICS, ['train', 'metrics', '0']), 'SparseCategoricalAccuracy');
    assert.equal(suggest('HENormal', INITIALIZERS, ['model', 'layers', '0', 'kernel_initializer']), 'HeNormal');
    assert.deepEqual(kerasSpellingsAt(['model', 'layers', '1', 'type']), ['Convolution2D', 'SeparableConvolution2D', 'MaxPool2D', 'AvgPool2D', 'GlobalMaxPool2D', 'GlobalAvgPool2D']);
    assert.deepEqual(kerasSpellingsAt(['train', 'epochs']), []);
    assert.deepEqual(kerasSpellingsAt(['model', 'layers', '0', 'padding']), []);
  });
});

describe('Keras layer aliases and suggestions from Keras spellings', () => {
  it('MaxPool2D, AvgPool2D, Convolution2D ... are read as their tfexp layer types', () => {
    const yaml = [
      'name: t',
      'data: {dataset: mnist}',
      'model:',
      '  input_shape: [28, 28, 1]',
      '  layers: [{type: Convolution2D, filters: 4, kernel_size: 3}, {type: MaxPool2D}, {type: AvgPool2D}, {type: GlobalAvgPool2D}, {type: Dense, units: 10, activation: softmax}]',
      'train: {loss: sparse_categorical_crossentropy}',
    ].join('\n');
    const { experiment } = loadExperiment(join(writeFiles({ 'e.yaml': yaml }), 'e.yaml'));
    assert.deepEqual(
      experiment.model.layers.map((l) => (l as { type: string }).type),
      ['Conv2D', 'MaxPooling2D', 'AveragePooling2D', 'GlobalAveragePooling2D', 'Dense'],
    );
  });

  it('a wrong-case Keras alias gets a did-you-mean to the Keras spelling (Mse -> mse)', async () => {
    const yaml = ['name: t', 'data: {dataset: mnist}', 'model:', '  input_shape: [28, 28, 1]', '  layers: [{type: Flatten}, {type: Dense, units: 10}]', 'train: {loss: Mse}'].join('\n');
    const dir = writeFiles({ 'e.yaml': yaml });
    const { code, stderr } = await runCli(['validate', join(dir, 'e.yaml')]);
    assert.equal(code, 2);
    assert.match(stderr, /unknown loss type "Mse"; did you mean "mse"\?/);
  });
});
