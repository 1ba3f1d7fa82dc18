/** Callbacks inside real runs: NaN failure, a schedule in metrics.json, early stopping with restore_best_weights. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { TrainingError } from '../../src/errors.js';
import { runExperiment } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';

const quiet = { quiet: true, backend: 'wasm' as const, threads: 2, write: () => {} };

describe('callbacks in a run', () => {
  it('a NaN loss fails the run with the reason, keeping what finished', async () => {
    const runsDir = tempDir();
    const file = writeRunFixture();
    // 1e39 overflows float32 to Infinity, so the first batch's loss is NaN.
    const layers = 'model.layers=[{type: Flatten}, {type: Rescaling, scale: 1e39}, {type: Dense, units: 3, activation: softmax}]';
    // Softmax of NaN is NaN, and mean squared error does not clip it away as crossentropy does.
    await assert.rejects(runExperiment(file, { ...quiet, runsDir, sets: [layers, 'train.loss=mean_squared_error'] }), (error: unknown) => {
      assert.ok(error instanceof TrainingError);
      assert.equal(error.exitCode, 1);
      assert.match(error.message, /^loss became (NaN|Infinity|-Infinity) at epoch \d+, batch \d+$/);
      return true;
    });
    const [id] = readdirSync(runsDir);
    const run = JSON.parse(readFileSync(join(runsDir, id!, 'run.json'), 'utf8'));
    assert.equal(run.status, 'failed');
    assert.deepEqual(readdirSync(join(runsDir, id!)).sort(), ['experiment.yaml', 'metrics.json', 'plots', 'report.html', 'run.json', 'summary.txt']);
    assert.match(run.failure_reason, /^loss became (NaN|Infinity|-Infinity) at epoch \d+, batch \d+$/);
    assert.ok(run.ended_at !== null);
  });

  it('an exponential decay schedule shows in metrics.json learning_rate', async () => {
    // 192 training samples / batch 16 = 12 steps per epoch; the rate halves every 12 steps.
    const { metrics } = await runExperiment(writeRunFixture('  learning_rate_schedule: {type: exponential_decay, decay_steps: 12, decay_rate: 0.5}'), { ...quiet, runsDir: tempDir() });
    const rates = metrics.history.map((r) => r.learning_rate!);
    // The record holds the rate in force after the epoch's last step (set before step 12k: 0.01 * 0.5^((12k-1)/12)).
    rates.forEach((rate, i) => assert.ok(Math.abs(rate - 0.01 * 0.5 ** ((12 * (i + 1) - 1) / 12)) < 1e-9, `epoch ${i + 1}: ${rate}`));
    assert.ok(rates[2]! < rates[0]!);
  });

  it('early stopping stops the run and restore_best_weights restores the best epoch', async () => {
    // Validation on the test set, so the final test loss must equal the best epoch's val_loss.
    const file = writeRunFixture('  early_stopping: {monitor: val_accuracy, min_delta: 0.5, patience: 1, restore_best_weights: true}', '  validation: test');
    const { info, metrics } = await runExperiment(file, { ...quiet, runsDir: tempDir(), sets: ['data.validation_split=0', 'train.epochs=10'] });
    assert.equal(info.status, 'completed');
    assert.equal(info.epochs_completed, 2, 'no later epoch improves val_accuracy by 0.5, so patience 1 stops after epoch 2');
    assert.ok(info.stopped_early !== null);
    assert.ok(Math.abs(metrics.test!.loss! - metrics.history[0]!.val_loss!) < 1e-6, `test ${metrics.test!.loss} vs epoch 1 ${metrics.history[0]!.val_loss}`);
  });
});
