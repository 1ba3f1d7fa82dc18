/**
 * tfexp resume continues exactly the run that was interrupted: stopped at every epoch boundary
 * and resumed each time, a run's metrics.json equals the uninterrupted run's to the last digit
 * (same backend and thread count), with dropout, RMSprop or Adam (or Adamax), and a
 * learning-rate schedule.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { resumeRun, runExperiment, type RunOptions } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';
import { interruptingAt } from './interrupting.js';

const EPOCHS = 4;
/** The history's numbers, without the timings. */
const numbers = (history: Record<string, number>[]) => history.map(({ seconds: _s, ...rest }) => rest);

/** Options that press Ctrl-C as soon as epoch `at` starts, so the run keeps epochs 1..at-1. */
const stoppingAt = (at: number, sets: string[], runsDir: string): RunOptions => interruptingAt(`Epoch ${at}/${EPOCHS}`, { backend: 'cpu', runsDir, sets });

for (const optimizer of ['{type: rmsprop, learning_rate: 0.01}', '{type: adam, learning_rate: 0.01}', '{type: adamax, learning_rate: 0.01}']) {
  describe(`resume with ${optimizer}, dropout and exponential_decay`, () => {
    const sets = [`train.optimizer=${optimizer}`, `train.epochs=${EPOCHS}`, 'train.learning_rate_schedule={type: exponential_decay, decay_steps: 7, decay_rate: 0.8}'];

    it('stopped at every epoch boundary and resumed: metrics.json equals the straight run to the last digit', async () => {
      const file = writeRunFixture();
      const straight = await runExperiment(file, { backend: 'cpu', runsDir: tempDir(), sets, quiet: true, write: () => {} });

      const runsDir = tempDir();
      let dir = '';
      await assert.rejects(runExperiment(file, { ...stoppingAt(2, sets, runsDir), onRunDir: (d) => void (dir = d) }), /interrupted/);
      for (let at = 3; at <= EPOCHS; at++) await assert.rejects(resumeRun(dir, stoppingAt(at, [], runsDir)), /interrupted/);
      const last = await resumeRun(dir, { backend: 'cpu', quiet: true, write: () => {} });

      assert.equal(last.info.status, 'completed');
      const saved = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as { history: Record<string, number>[]; test: unknown };
      assert.deepEqual(numbers(saved.history), numbers(straight.metrics.history));
      assert.deepEqual(saved.test, straight.metrics.test);
    });
  });
}
