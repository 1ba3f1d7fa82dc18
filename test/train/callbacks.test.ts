import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadExperiment } from '../../src/config/index.js';
import type { EarlyStoppingConfig, ReduceLROnPlateauConfig } from '../../src/config/schema/callbacks.js';
import type { TrainConfig } from '../../src/config/schema/train.js';
import { TrainingError } from '../../src/errors.js';
import * as message from '../../src/log/message.js';
import { EarlyStopping } from '../../src/train/callbacks/early-stopping.js';
import { buildCallbacks } from '../../src/train/callbacks/index.js';
import { ReduceLROnPlateau } from '../../src/train/callbacks/reduce-lr.js';
import { LearningRateSchedule, scheduledRate } from '../../src/train/callbacks/schedule.js';
import { TerminateOnNaN } from '../../src/train/callbacks/terminate-on-nan.js';
import type { Callback, TrainingState } from '../../src/train/callbacks/types.js';
import { experimentYaml, writeFiles } from '../helpers.js';

/** A TrainingState that records what callbacks do. Weights are the epoch number they were copied at. */
class FakeState implements TrainingState {
  epoch = 1;
  step = 0;
  stepsPerEpoch = 10;
  rate = 0.1;
  rates: number[] = [];
  stops: string[] = [];
  restored: unknown[] = [];
  live = new Set<number>();
  lines: string[] = [];
  private nextId = 0;
  private copies = new Map<number, number>();
  learningRate() {
    return this.rate;
  }
  setLearningRate(rate: number) {
    this.rate = rate;
    this.rates.push(rate);
  }
  stop(reason: string) {
    this.stops.push(reason);
  }
  copyWeights() {
    const id = this.nextId++;
    this.copies.set(id, this.epoch);
    this.live.add(id);
    return id;
  }
  restoreWeights(weights: unknown) {
    assert.ok(this.live.has(weights as number), 'restoring dropped weights');
    this.restored.push(this.copies.get(weights as number));
  }
  dropWeights(weights: unknown) {
    assert.ok(this.live.delete(weights as number), 'dropping weights twice');
  }
  log(line: string) {
    this.lines.push(line);
  }
}

/** Runs epochs `from`.. with the given monitored values; returns the epoch stopped at (or undefined). */
function runEpochs(callback: Callback, state: FakeState, values: readonly number[], monitor = 'val_loss', from = 1): number | undefined {
  for (const [i, value] of values.entries()) {
    state.epoch = from + i;
    callback.onEpochEnd?.(state.epoch, { loss: 1, [monitor]: value }, state);
    if (state.stops.length > 0) return state.epoch;
  }
  return undefined;
}

const earlyDefaults: EarlyStoppingConfig = {
  monitor: 'val_loss', min_delta: 0, patience: 0, mode: 'auto', baseline: null, restore_best_weights: false, start_from_epoch: 0,
};
const early = (over: Partial<EarlyStoppingConfig>) => new EarlyStopping({ ...earlyDefaults, ...over });

const reduceDefaults: ReduceLROnPlateauConfig = {
  monitor: 'val_loss', factor: 0.1, patience: 10, mode: 'auto', min_delta: 1e-4, cooldown: 0, min_lr: 0,
};
const reduce = (over: Partial<ReduceLROnPlateauConfig>) => new ReduceLROnPlateau({ ...reduceDefaults, ...over });

describe('EarlyStopping', () => {
  it('stops after `patience` epochs without improvement, and not before', () => {
    const state = new FakeState();
    assert.equal(runEpochs(early({ patience: 2 }), state, [1.0, 0.8, 0.9, 0.85, 0.7]), 4);
    assert.deepEqual(state.stops, [message.earlyStopping(4, 'val_loss', 2, 0.8, 2)]);
  });

  it('patience 0 stops on the first non-improving epoch; an improvement resets the count', () => {
    assert.equal(runEpochs(early({}), new FakeState(), [1.0, 0.9, 0.95]), 3);
    // `wait` counts up before the check, so patience 1 also stops on the first non-improving epoch (as Keras 3).
    assert.equal(runEpochs(early({ patience: 1 }), new FakeState(), [1.0, 1.1]), 2);
    assert.equal(runEpochs(early({ patience: 2 }), new FakeState(), [1.0, 1.1, 0.9, 1.0, 0.8, 0.85, 0.9]), 7);
  });

  it('min_delta: a smaller change is no improvement', () => {
    assert.equal(runEpochs(early({ patience: 1, min_delta: 0.05 }), new FakeState(), [1.0, 0.97, 0.96]), 2);
    assert.equal(runEpochs(early({ patience: 1, min_delta: 0.05 }), new FakeState(), [1.0, 0.94, 0.88, 0.9]), 4);
  });

  it('mode auto maximises metrics named *acc*, and mode max does so for any name', () => {
    assert.equal(runEpochs(early({ monitor: 'val_accuracy' }), new FakeState(), [0.5, 0.6, 0.7, 0.65], 'val_accuracy'), 4);
    assert.equal(runEpochs(early({ monitor: 'val_loss' }), new FakeState(), [0.5, 0.6], 'val_loss'), 2);
    assert.equal(runEpochs(early({ monitor: 'val_loss', mode: 'max' }), new FakeState(), [0.5, 0.6, 0.7, 0.65]), 4);
    assert.equal(runEpochs(early({ monitor: 'val_accuracy', mode: 'min' }), new FakeState(), [0.5, 0.6], 'val_accuracy'), 2);
  });

  it('baseline: improvements that do not beat it still use up patience (Keras 3)', () => {
    // Epochs 1-2 improve but stay above the baseline 0.5, so wait reaches 2; epoch 3 does not improve: stop.
    assert.equal(runEpochs(early({ patience: 2, baseline: 0.5 }), new FakeState(), [0.9, 0.8, 0.85]), 3);
    // Beating the baseline resets the count.
    assert.equal(runEpochs(early({ patience: 2, baseline: 0.5 }), new FakeState(), [0.9, 0.4, 0.45, 0.46]), 4);
  });

  it('start_from_epoch: the first N epochs are not watched', () => {
    const state = new FakeState();
    // Epochs 1-2 ignored (their 0.1 would otherwise be the best); epoch 3 sets best, 4 fails to improve.
    assert.equal(runEpochs(early({ start_from_epoch: 2 }), state, [0.1, 0.1, 0.9, 1.0]), 4);
    assert.deepEqual(state.stops, [message.earlyStopping(4, 'val_loss', 1, 0.9, 3)]);
  });

  it('restore_best_weights restores the best epoch at train end, stopped early or not, and frees every copy', () => {
    for (const [values, stoppedAt] of [[[1.0, 0.7, 0.8, 0.9, 0.95], 5], [[1.0, 0.7, 0.8, 0.75], undefined]] as const) {
      const state = new FakeState();
      const callback = early({ patience: 3, restore_best_weights: true });
      assert.equal(runEpochs(callback, state, values), stoppedAt);
      callback.onTrainEnd?.(state);
      assert.deepEqual(state.restored, [2]);
      assert.deepEqual(state.lines, [message.restoringBestWeights(2)]);
      assert.equal(state.live.size, 0);
    }
  });

  it('without restore_best_weights, keeps the last weights and copies none', () => {
    const state = new FakeState();
    const callback = early({ patience: 1 });
    runEpochs(callback, state, [1.0, 0.7, 0.8]);
    callback.onTrainEnd?.(state);
    assert.deepEqual(state.restored, []);
    assert.equal(state.live.size, 0);
  });

  it('saveState/loadState (through JSON) continues a sequence exactly as an uninterrupted run', () => {
    const values = [1.0, 0.8, 0.85, 0.79, 0.9, 0.9, 0.9];
    const config = { patience: 2, min_delta: 0.005, baseline: 0.95 };
    const whole = new FakeState();
    const stoppedWhole = runEpochs(early(config), whole, values);
    assert.equal(stoppedWhole, 6);
    for (let cut = 1; cut < 5; cut++) {
      const first = early(config);
      runEpochs(first, new FakeState(), values.slice(0, cut));
      const resumed = early(config);
      resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
      const state = new FakeState();
      assert.equal(runEpochs(resumed, state, values.slice(cut), 'val_loss', cut + 1), stoppedWhole, `cut after epoch ${cut}`);
      assert.deepEqual(state.stops, whole.stops);
    }
  });

  it('after a resume, does not restore weights it never saw from the best epoch', () => {
    const first = early({ patience: 5, restore_best_weights: true });
    const before = new FakeState();
    runEpochs(first, before, [1.0, 0.5]);
    const resumed = early({ patience: 5, restore_best_weights: true });
    resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
    const state = new FakeState();
    runEpochs(resumed, state, [0.6, 0.7], 'val_loss', 3);
    resumed.onTrainEnd?.(state);
    assert.deepEqual(state.restored, []);
    assert.deepEqual(state.lines, [message.bestWeightsNotInCheckpoint(2)]);
  });

  it('rejects saved state of the wrong shape', () => {
    assert.throws(() => early({}).loadState({ wait: -1, best: null, best_epoch: 0, stopped_epoch: 0 }), TrainingError);
    assert.throws(() => early({}).loadState(null), TrainingError);
  });
});

describe('ReduceLROnPlateau', () => {
  it('multiplies the rate by `factor` after `patience` epochs without improvement (> min_delta)', () => {
    const state = new FakeState();
    runEpochs(reduce({ patience: 2, factor: 0.5 }), state, [1.0, 0.99995, 1.0, 0.9, 0.95, 0.95]);
    // Epochs 2 (within min_delta) and 3 do not improve -> reduce at 3; 4 improves; 5, 6 -> reduce at 6.
    assert.deepEqual(state.rates, [0.05, 0.025]);
    assert.deepEqual(state.lines, [message.reducingLearningRate(3, 0.05), message.reducingLearningRate(6, 0.025)]);
  });

  it('cooldown: epochs right after a reduction are not counted', () => {
    const state = new FakeState();
    const callback = reduce({ patience: 1, factor: 0.5, cooldown: 2 });
    const reducedAt: number[] = [];
    for (const [i, value] of [1.0, 1.0, 1.0, 1.0, 1.0, 1.0].entries()) {
      const before = state.rates.length;
      state.epoch = i + 1;
      callback.onEpochEnd?.(state.epoch, { val_loss: value }, state);
      if (state.rates.length > before) reducedAt.push(state.epoch);
    }
    // Reduce at 2 (cooldown counter 2). Epoch 3: counter -> 1, still cooling, not counted.
    // Epoch 4: counter -> 0 first, so it counts and reduces (Keras decrements before checking).
    assert.deepEqual(reducedAt, [2, 4, 6]);
    const noCooldown = new FakeState();
    runEpochs(reduce({ patience: 1, factor: 0.5 }), noCooldown, [1, 1, 1, 1, 1, 1]);
    assert.equal(noCooldown.rates.length, 5);
  });

  it('never goes below min_lr, and stops reducing once there', () => {
    const state = new FakeState();
    runEpochs(reduce({ patience: 1, factor: 0.1, min_lr: 0.002 }), state, [1, 1, 1, 1, 1]);
    assert.equal(state.rates.length, 2);
    assert.ok(Math.abs(state.rates[0]! - 0.01) < 1e-12);
    assert.equal(state.rates[1], 0.002);
  });

  it('mode auto maximises *acc* metrics', () => {
    const state = new FakeState();
    runEpochs(reduce({ monitor: 'val_accuracy', patience: 1 }), state, [0.5, 0.6, 0.7], 'val_accuracy');
    assert.deepEqual(state.rates, []);
    runEpochs(reduce({ monitor: 'val_accuracy', patience: 1 }), state, [0.5, 0.4], 'val_accuracy');
    assert.equal(state.rates.length, 1);
  });

  it('saveState/loadState (through JSON, best = Infinity before any epoch) continues identically', () => {
    const values = [1.0, 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95];
    const config = { patience: 2, factor: 0.5, cooldown: 1 };
    const whole = new FakeState();
    runEpochs(reduce(config), whole, values);
    assert.ok(whole.rates.length >= 2);
    for (let cut = 0; cut < values.length; cut++) {
      const first = reduce(config);
      const state = new FakeState();
      runEpochs(first, state, values.slice(0, cut));
      const resumed = reduce(config);
      resumed.loadState(JSON.parse(JSON.stringify(first.saveState())));
      runEpochs(resumed, state, values.slice(cut), 'val_loss', cut + 1);
      assert.deepEqual(state.rates, whole.rates, `cut after epoch ${cut}`);
    }
  });
});

describe('learning rate schedules (Keras formulas)', () => {
  it('exponential_decay: lr0 * rate ^ (step / decay_steps), floored with staircase', () => {
    for (const step of [0, 1, 99, 100, 150, 1000]) {
      const smooth = scheduledRate({ type: 'exponential_decay', decay_steps: 100, decay_rate: 0.96, staircase: false }, 0.01, step, 1);
      assert.ok(Math.abs(smooth - 0.01 * Math.pow(0.96, step / 100)) < 1e-15, `step ${step}`);
      const stairs = scheduledRate({ type: 'exponential_decay', decay_steps: 100, decay_rate: 0.96, staircase: true }, 0.01, step, 1);
      assert.ok(Math.abs(stairs - 0.01 * Math.pow(0.96, Math.floor(step / 100))) < 1e-15, `step ${step}`);
    }
    assert.equal(scheduledRate({ type: 'exponential_decay', decay_steps: 100, decay_rate: 0.5, staircase: true }, 0.01, 199, 1), 0.005);
  });

  it('cosine_decay: lr0 * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, D) / D)) + alpha)', () => {
    const keras = (step: number, alpha: number) => 0.1 * ((1 - alpha) * 0.5 * (1 + Math.cos((Math.PI * Math.min(step, 1000)) / 1000)) + alpha);
    for (const alpha of [0, 0.1]) {
      for (const step of [0, 250, 500, 999, 1000, 5000]) {
        const got = scheduledRate({ type: 'cosine_decay', decay_steps: 1000, alpha }, 0.1, step, 1);
        assert.ok(Math.abs(got - keras(step, alpha)) < 1e-15, `alpha ${alpha}, step ${step}`);
      }
    }
    assert.ok(Math.abs(scheduledRate({ type: 'cosine_decay', decay_steps: 1000, alpha: 0.1 }, 0.1, 5000, 1) - 0.01) < 1e-15);
  });

  it('step_decay: lr0 * factor ^ floor((epoch - 1) / every_epochs)', () => {
    const rates = [1, 2, 3, 4, 5, 6, 7].map((epoch) => scheduledRate({ type: 'step_decay', every_epochs: 3, factor: 0.5 }, 0.1, 0, epoch));
    assert.deepEqual(rates, [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]);
  });

  it('the callback sets the rate before each batch from state.step and the configured initial rate', () => {
    const state = new FakeState();
    state.rate = 123; // a resumed optimizer's decayed rate must not be the starting point
    const callback = new LearningRateSchedule({ type: 'exponential_decay', decay_steps: 10, decay_rate: 0.5, staircase: true }, 0.01);
    for (const step of [0, 10, 25]) {
      state.step = step;
      callback.onBatchBegin?.(1, state);
    }
    assert.deepEqual(state.rates, [0.01, 0.005, 0.0025]);
  });
});

describe('TerminateOnNaN', () => {
  for (const loss of [NaN, Infinity]) {
    it(`throws a TrainingError "loss became ${loss} at epoch E, batch B" and asks the loop to stop`, () => {
      const state = new FakeState();
      state.epoch = 3;
      const callback = new TerminateOnNaN();
      callback.onBatchEnd?.(119, { loss: 0.3 }, state);
      callback.onBatchEnd?.(119, { accuracy: 0.3 }, state);
      assert.deepEqual(state.stops, []);
      assert.throws(
        () => callback.onBatchEnd?.(120, { loss }, state),
        (error: unknown) => error instanceof TrainingError && error.exitCode === 1 && error.message === `loss became ${loss} at epoch 3, batch 120`,
      );
      assert.deepEqual(state.stops, [`loss became ${loss} at epoch 3, batch 120`]);
    });
  }
});

describe('a monitored metric that is not logged', () => {
  it('is a TrainingError naming the config key and listing the available metrics', () => {
    const logs = { loss: 1, accuracy: 0.5, val_loss: 1, val_accuracy: 0.5 };
    const available = Object.keys(logs);
    assert.throws(
      () => early({ monitor: 'val_acc' }).onEpochEnd?.(1, logs, new FakeState()),
      (error: unknown) =>
        error instanceof TrainingError &&
        error.message === message.monitorNotAvailable('train.early_stopping', 'val_acc', undefined, available) &&
        error.message.includes('loss, accuracy, val_loss, val_accuracy'),
    );
    assert.throws(
      () => reduce({ monitor: 'val_los' }).onEpochEnd?.(1, logs, new FakeState()),
      (error: unknown) =>
        error instanceof TrainingError && error.message === message.monitorNotAvailable('train.reduce_lr_on_plateau', 'val_los', 'val_loss', available),
    );
  });
});

describe('callbacks from the experiment file', () => {
  const load = (extra: string) => {
    const dir = writeFiles({ 'e.yaml': experimentYaml('[{type: Flatten}, {type: Dense, units: 10}]', extra) });
    return loadExperiment(join(dir, 'e.yaml')).experiment.train;
  };

  it('fills Keras defaults into an empty early_stopping / reduce_lr_on_plateau and a schedule', () => {
    const train = load('  early_stopping: {}\n  reduce_lr_on_plateau: {}\n  learning_rate_schedule: {type: cosine_decay, decay_steps: 100}');
    assert.deepEqual(train.early_stopping, earlyDefaults);
    assert.deepEqual(train.reduce_lr_on_plateau, reduceDefaults);
    assert.deepEqual(train.learning_rate_schedule, { type: 'cosine_decay', decay_steps: 100, alpha: 0 });
    assert.equal(train.terminate_on_nan, true);
  });

  it('leaves absent callbacks absent; buildCallbacks orders schedule, terminate_on_nan, reduce_lr, early_stopping', () => {
    const bare = load('');
    assert.equal(bare.early_stopping, undefined);
    assert.deepEqual(buildCallbacks(bare).map((c) => c.constructor.name), ['TerminateOnNaN']);
    assert.deepEqual(buildCallbacks({ ...bare, terminate_on_nan: false }), []);
    const all = load('  early_stopping: {}\n  learning_rate_schedule: {type: step_decay, every_epochs: 2}');
    assert.deepEqual(buildCallbacks(all).map((c) => c.constructor.name), ['LearningRateSchedule', 'TerminateOnNaN', 'EarlyStopping']);
    const withReduce: TrainConfig = { ...all, learning_rate_schedule: undefined, reduce_lr_on_plateau: reduceDefaults };
    assert.deepEqual(buildCallbacks(withReduce).map((c) => c.constructor.name), ['TerminateOnNaN', 'ReduceLROnPlateau', 'EarlyStopping']);
  });

  it('the schedule starts from the optimizer learning_rate', () => {
    const train = load('  optimizer: {type: sgd, learning_rate: 0.2}\n  learning_rate_schedule: {type: step_decay, every_epochs: 1}');
    const state = new FakeState();
    state.epoch = 2;
    buildCallbacks(train)[0]!.onBatchBegin?.(1, state);
    assert.deepEqual(state.rates, [0.1]);
  });

  it('refuses a schedule together with reduce_lr_on_plateau', () => {
    const train = load('  reduce_lr_on_plateau: {}\n  learning_rate_schedule: {type: step_decay, every_epochs: 2}');
    assert.throws(() => buildCallbacks(train), (error: unknown) => error instanceof TrainingError && error.message === message.SCHEDULE_WITH_REDUCE_LR);
  });
});
