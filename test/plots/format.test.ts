/** Number formats of the HTML reports (src/plots/format.ts): one format per column. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cellNumber, columnFormat, formatCount, formatLearningRate, formatMetric, formatNumber, formatPlain, formatSeconds } from '../../src/plots/format.js';

describe('number formats', () => {
  it('counts get thousands separators (en-US whatever the locale); a mean over seeds keeps one decimal', () => {
    assert.equal(formatCount(60000), '60,000');
    assert.equal(formatCount(1194730), '1,194,730');
    assert.equal(formatCount(999), '999');
    assert.equal(formatCount(0), '0');
    assert.equal(formatCount(2.5), '2.5');
    assert.equal(formatCount(-1234), '-1,234');
  });

  it('metrics have 4 significant digits, trailing zeros kept, grouped from 1000 up, scientific below 0.0001', () => {
    assert.equal(formatMetric(0.96875), '0.9688');
    assert.equal(formatMetric(0.0504), '0.05040');
    assert.equal(formatMetric(1), '1.000');
    assert.equal(formatMetric(1.0986123), '1.099');
    assert.equal(formatMetric(-0.5), '-0.5000');
    assert.equal(formatMetric(0), '0.000');
    assert.equal(formatMetric(1234.5), '1,235');
    assert.equal(formatMetric(12345.6), '12,350');
    assert.equal(formatMetric(999.96), '1,000', 'rounding up into the thousands groups too');
    assert.equal(formatMetric(9999.7), '10,000', 'never "1.000e+4"');
    assert.equal(formatMetric(0.0000123456), '1.235e-5');
  });

  it('writes a diverged value as JavaScript does, in every format', () => {
    for (const format of ['metric', 'seconds', 'rate', 'count', 'id', 'plain'] as const) {
      assert.equal(formatNumber(NaN, format), 'NaN', format);
      assert.equal(formatNumber(Infinity, format), 'Infinity', format);
      assert.equal(formatNumber(-Infinity, format), '-Infinity', format);
    }
  });

  it('durations are seconds with one decimal', () => {
    assert.equal(formatSeconds(1.605), '1.6');
    assert.equal(formatSeconds(2), '2.0');
    assert.equal(formatSeconds(0.04), '0.0');
    assert.equal(formatSeconds(1234.56), '1,234.6');
  });

  it('learning rates are plain from 0.001 up, compact scientific below', () => {
    assert.equal(formatLearningRate(0.001), '0.001');
    assert.equal(formatLearningRate(0.01), '0.01');
    assert.equal(formatLearningRate(0.0015), '0.0015');
    assert.equal(formatLearningRate(1), '1');
    assert.equal(formatLearningRate(0.0003), '3e-4');
    assert.equal(formatLearningRate(0.000025), '2.5e-5');
    assert.equal(formatLearningRate(0.00031622776), '3.162e-4');
    assert.equal(formatLearningRate(0.0009999), '9.999e-4');
    assert.equal(formatLearningRate(5000), '5e3');
    assert.equal(formatLearningRate(0), '0');
  });

  it('other numbers: up to 6 significant digits, grouped', () => {
    assert.equal(formatPlain(0.9), '0.9');
    assert.equal(formatPlain(0.999), '0.999');
    assert.equal(formatPlain(1234.5), '1,234.5');
    assert.equal(formatPlain(1 / 3), '0.333333');
    assert.equal(formatPlain(0.000001), '1e-6');
    assert.equal(formatNumber(12345, 'id'), '12345', 'a seed is a name, not a quantity');
  });
});

describe('columnFormat', () => {
  it('knows metrics, durations, learning rates and seeds by name, in dotted settings and _std columns too', () => {
    for (const column of ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'test_accuracy', 'test_loss', 'best_val_accuracy', 'loss_std', 'val_sparse_top_k_categorical_accuracy']) {
      assert.equal(columnFormat(column, [0.5, 1]), 'metric', column);
    }
    for (const column of ['seconds', 'duration_s', 'duration_s_std', 'duration']) assert.equal(columnFormat(column, [1, 2]), 'seconds', column);
    for (const column of ['learning_rate', 'train.optimizer.learning_rate', 'lr']) assert.equal(columnFormat(column, [0.001]), 'rate', column);
    assert.equal(columnFormat('seed', [12345]), 'id');
  });

  it('else counts for integer columns, plain numbers for the rest', () => {
    assert.equal(columnFormat('epochs', [1, 20]), 'count');
    assert.equal(columnFormat('best_epoch', [3]), 'count');
    assert.equal(columnFormat('params', [1194730]), 'count');
    assert.equal(columnFormat('train.batch_size', [64, 128]), 'count');
    assert.equal(columnFormat('train.optimizer.beta_1', [0.9, 0.99]), 'plain');
    assert.equal(columnFormat('data.validation_split', [0, 0.1]), 'plain');
    assert.equal(columnFormat('empty', []), 'count');
  });
});

describe('cellNumber', () => {
  it('reads numbers and strings that are exactly a number, nothing else', () => {
    assert.equal(cellNumber(0.5), 0.5);
    assert.equal(cellNumber('0.001'), 0.001);
    assert.equal(cellNumber('64'), 64);
    assert.equal(cellNumber('1e-4'), 0.0001);
    assert.equal(cellNumber('-3.5'), -3.5);
    for (const text of ['-', '', 'adam', 'false', 'C32-C32-P-10', '20261202-005953-tiny', '[28, 28, 1]', '1,000', 'NaN', '0x10']) assert.equal(cellNumber(text), undefined, text);
    assert.equal(cellNumber(null), undefined);
  });
});
