/** Confusion matrix, per-class scores and averages (scikit-learn's classification_report), the misclassified ranking. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationReport, confusionMatrix } from '../../src/evaluation/classification.js';
import { classNamesOf } from '../../src/evaluation/class-names.js';
import { EvaluationBuilder, evaluationChartNames, evaluationFileName } from '../../src/evaluation/evaluation.js';
import { MostConfidentlyWrong } from '../../src/evaluation/misclassified.js';
import { formatClassificationReport } from '../../src/evaluation/report-text.js';
import { fingerprint } from '../../src/runs/fingerprint.js';
import { loadExperiment } from '../../src/config/index.js';
import { join } from 'node:path';
import { experimentYaml, writeFiles } from '../helpers.js';

// 3 classes, 10 samples; class 2 is never predicted (its precision divides by zero).
const TRUE = [0, 0, 0, 1, 1, 1, 1, 2, 2, 2];
const PRED = [0, 0, 1, 1, 1, 0, 1, 0, 1, 1];
const NAMES = ['0', '1', '2'];

/** Equal to 12 decimals (the scores are ratios of small integers). */
function near(actual: number, expected: number, what: string) {
  assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} != ${expected}`);
}

describe('confusion matrix and classification report', () => {
  it('counts rows as true classes and columns as predicted ones', () => {
    assert.deepEqual(confusionMatrix(TRUE, PRED, 3), [
      [2, 1, 0],
      [1, 3, 0],
      [1, 2, 0],
    ]);
    assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), RangeError);
    assert.throws(() => confusionMatrix([0], [0, 1], 3), RangeError);
  });

  it('per class: precision TP/(TP+FP), recall TP/(TP+FN), F1; 0 where a denominator is 0 (zero_division=0)', () => {
    const report = classificationReport(confusionMatrix(TRUE, PRED, 3), NAMES);
    // Computed by hand: class 0 TP 2 FP 2 FN 1; class 1 TP 3 FP 3 FN 1; class 2 TP 0 FP 0 FN 3.
    const expected = [
      { class: '0', precision: 2 / 4, recall: 2 / 3, f1: 4 / 7, support: 3 },
      { class: '1', precision: 3 / 6, recall: 3 / 4, f1: 6 / 10, support: 4 },
      { class: '2', precision: 0, recall: 0, f1: 0, support: 3 },
    ];
    report.per_class.forEach((got, i) => {
      const want = expected[i]!;
      assert.equal(got.class, want.class);
      assert.equal(got.support, want.support);
      for (const key of ['precision', 'recall', 'f1'] as const) near(got[key], want[key], `class ${i} ${key}`);
    });
    assert.equal(report.accuracy, 0.5);
  });

  it('macro: the unweighted mean over classes; weighted: by support; both with support = all samples', () => {
    const { macro_avg: macro, weighted_avg: weighted } = classificationReport(confusionMatrix(TRUE, PRED, 3), NAMES);
    near(macro.precision, (0.5 + 0.5 + 0) / 3, 'macro precision');
    near(macro.recall, (2 / 3 + 3 / 4 + 0) / 3, 'macro recall');
    near(macro.f1, (4 / 7 + 6 / 10 + 0) / 3, 'macro f1');
    near(weighted.precision, (0.5 * 3 + 0.5 * 4 + 0 * 3) / 10, 'weighted precision');
    near(weighted.recall, (2 / 3 * 3 + 3 / 4 * 4) / 10, 'weighted recall');
    near(weighted.f1, (4 / 7 * 3 + 6 / 10 * 4) / 10, 'weighted f1');
    assert.equal(macro.support, 10);
    assert.equal(weighted.support, 10);
  });

  it('a class absent from both truth and predictions scores 0 and still counts in the macro mean (labels=range(K))', () => {
    const report = classificationReport(confusionMatrix([0, 1], [0, 1], 3), NAMES);
    assert.deepEqual(report.per_class[2], { class: '2', precision: 0, recall: 0, f1: 0, support: 0 });
    near(report.macro_avg.precision, 2 / 3, 'macro precision');
    assert.equal(report.weighted_avg.precision, 1);
  });

  it('prints classification_report\'s text layout (digits=2 gives scikit-learn\'s exact output)', () => {
    const report = classificationReport(confusionMatrix(TRUE, PRED, 3), NAMES);
    const text = formatClassificationReport({ ...report, samples: 10 }, 2);
    // print(classification_report(y_true, y_pred, zero_division=0)) for the lists above.
    const sklearn = [
      '              precision    recall  f1-score   support',
      '',
      '           0       0.50      0.67      0.57         3',
      '           1       0.50      0.75      0.60         4',
      '           2       0.00      0.00      0.00         3',
      '',
      '    accuracy                           0.50        10',
      '   macro avg       0.33      0.47      0.39        10',
      'weighted avg       0.35      0.50      0.41        10',
      '',
    ].join('\n');
    assert.equal(text, sklearn);
    // Long class names widen the name column.
    const named = formatClassificationReport({ ...classificationReport([[1, 0], [0, 1]], ['T-shirt/top and more', 'Bag']), samples: 2 });
    assert.match(named, /^T-shirt\/top and more {5}1\.0000 {4}1\.0000 {4}1\.0000 {9}1$/m);
  });
});

describe('misclassified ranking', () => {
  it('keeps the N most confident mistakes, highest first, ties by index; correct predictions never enter', () => {
    const ranking = new MostConfidentlyWrong(3);
    const offers = [
      { index: 0, true: 1, predicted: 1, confidence: 0.99 }, // correct
      { index: 1, true: 0, predicted: 2, confidence: 0.6 },
      { index: 2, true: 2, predicted: 0, confidence: 0.9 },
      { index: 3, true: 1, predicted: 0, confidence: 0.6 }, // ties index 1
      { index: 4, true: 1, predicted: 2, confidence: 0.4 }, // falls out
      { index: 5, true: 0, predicted: 1, confidence: 0.95 },
    ];
    for (const offer of offers) ranking.offer(offer);
    assert.deepEqual(ranking.list().map((m) => m.index), [5, 2, 1]);
    const all = new MostConfidentlyWrong();
    for (const offer of offers) all.offer(offer);
    assert.deepEqual(all.list().map((m) => m.index), [5, 2, 1, 3, 4]);
    assert.deepEqual(new MostConfidentlyWrong(0).list(), []);
  });

  it('the builder takes argmax per sample (first on a tie), its probability as confidence, and the sample indices given', () => {
    const builder = new EvaluationBuilder(3, 2);
    // Batch 1: samples 10, 11 (both right); batch 2: samples 12 (wrong, 0.7), 13 (wrong, a tie 0.4/0.4 -> class 0), 14 (wrong, 0.5).
    builder.add([0.8, 0.1, 0.1, 0.2, 0.7, 0.1], [0, 1], [10, 11]);
    builder.add([0.1, 0.7, 0.2, 0.4, 0.4, 0.2, 0.5, 0.2, 0.3], [2, 2, 1], [12, 13, 14]);
    const evaluation = builder.finish('test', NAMES, 0.5);
    assert.deepEqual(evaluation.confusion_matrix, [
      [1, 0, 0],
      [1, 1, 0],
      [1, 1, 0],
    ]);
    assert.deepEqual(evaluation.misclassified, [
      { index: 12, true: 2, predicted: 1, confidence: 0.7 },
      { index: 14, true: 1, predicted: 0, confidence: 0.5 },
    ]);
    assert.equal(evaluation.samples, 5);
    assert.equal(evaluation.accuracy, 2 / 5);
    assert.deepEqual(Object.keys(evaluation), ['format', 'split', 'samples', 'class_names', 'accuracy', 'loss', 'confusion_matrix', 'per_class', 'macro_avg', 'weighted_avg', 'misclassified']);
    assert.throws(() => builder.add([0.5, 0.5], [0], [1]), RangeError);
  });
});

describe('class names and file names', () => {
  it('data.class_names, else the built-in dataset\'s, else "0".."K-1"', () => {
    assert.deepEqual(classNamesOf({ dataset: 'mnist' }, 10), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    assert.deepEqual(classNamesOf({ dataset: 'fashion-mnist' }, 10).slice(0, 3), ['T-shirt/top', 'Trouser', 'Pullover']);
    assert.deepEqual(classNamesOf({ dataset: 'idx' }, 3), ['0', '1', '2']);
    assert.deepEqual(classNamesOf({ dataset: 'idx', class_names: ['cat', 'dog', 'bird'] }, 3), ['cat', 'dog', 'bird']);
  });

  it('renaming classes keeps a checkpoint valid (class_names is not in the fingerprint)', () => {
    const load = (data: string) => loadExperiment(join(writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10, activation: softmax}]').replace('data: {dataset: mnist}', data) }), 'e.yaml')).experiment;
    const plain = fingerprint(load('data: {dataset: mnist}'));
    assert.equal(fingerprint(load(`data: {dataset: mnist, class_names: [${'abcdefghij'.split('').join(', ')}]}`)).sha256, plain.sha256);
    assert.notEqual(fingerprint(load('data: {dataset: mnist, normalize: false}')).sha256, plain.sha256);
  });

  it('test keeps the plain names; train gets a suffix', () => {
    assert.equal(evaluationFileName('test'), 'evaluation.json');
    assert.equal(evaluationFileName('train'), 'evaluation_train.json');
    assert.deepEqual(evaluationChartNames('test'), { confusion: 'confusion_matrix', misclassified: 'misclassified' });
    assert.deepEqual(evaluationChartNames('train'), { confusion: 'confusion_matrix_train', misclassified: 'misclassified_train' });
  });
});
