/** Keras-style progress: ETA and step-time formats, the bar on and off a terminal, evaluation bars, status lines. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EpochProgress, evaluationProgress, formatElapsed, formatEta, formatStepTime, PLAIN_INTERVAL_MS, Progbar, StatusLine, type ProgressOptions } from '../../src/train/progress.js';

/** Options writing into `out`, with a clock the test moves (milliseconds). */
function captured(live: boolean, extra: Partial<ProgressOptions> = {}) {
  const out: string[] = [];
  const clock = { t: 0 };
  const options: ProgressOptions = { write: (text) => void out.push(text), live, quiet: false, now: () => clock.t, ...extra };
  return { out, clock, options };
}

describe('formatElapsed', () => {
  it('rounds the whole time first: no "60s" at a minute boundary', () => {
    assert.equal(formatElapsed(12.4), '12s');
    assert.equal(formatElapsed(59.6), '1m0s');
    assert.equal(formatElapsed(239.6), '4m0s');
    assert.equal(formatElapsed(3599.7), '1h0m');
    assert.equal(formatElapsed(3725), '1h2m');
  });
});

describe('formatEta (Keras 3 progbar.py)', () => {
  it('writes whole seconds under a minute, truncated', () => {
    assert.equal(formatEta(0), '0s');
    assert.equal(formatEta(12.9), '12s');
    assert.equal(formatEta(60), '60s', 'Keras switches above 60, not at it');
  });

  it('writes m:ss above a minute', () => {
    assert.equal(formatEta(83), '1:23');
    assert.equal(formatEta(60.5), '1:00');
    assert.equal(formatEta(3599), '59:59');
    assert.equal(formatEta(3600), '60:00');
  });

  it('writes h:mm:ss above an hour', () => {
    assert.equal(formatEta(3601), '1:00:01');
    assert.equal(formatEta(2 * 3600 + 5 * 60 + 7), '2:05:07');
    assert.equal(formatEta(27 * 3600), '27:00:00');
  });

  it('time per step in s, ms or us', () => {
    assert.equal(formatStepTime(1.4), '1s/step');
    assert.equal(formatStepTime(0.025), '25ms/step');
    assert.equal(formatStepTime(0.00004), '40us/step');
    assert.equal(formatStepTime(0), '0s/step');
  });
});

describe('the epoch bar', () => {
  it('off a terminal: a line at most every 30 s with step, ETA and the running means; one finished line', () => {
    const { out, clock, options } = captured(false);
    const progress = new EpochProgress(1, 5, 100, options);
    // Every step takes 1 s: lines at 30 s and 60 s and 90 s, not in between.
    for (let step = 1; step < 100; step++) {
      clock.t = step * 1000;
      progress.update(step, { loss: 1 / step, accuracy: step / 100 });
    }
    clock.t = 100_000;
    progress.finish(100, { loss: 0.01, accuracy: 1 });
    assert.equal(out[0], 'Epoch 1/5\n');
    const lines = out.slice(1);
    assert.equal(lines.length, 4, lines.join(''));
    assert.equal(lines[0], ` 30/100 [========>.....................] - ETA: 1:10 - loss: ${(1 / 30).toFixed(4)} - accuracy: 0.3000\n`);
    assert.match(lines[1]!, /^ 60\/100 \[.*\] - ETA: 40s - loss: 0\.0167 - accuracy: 0\.6000\n$/);
    assert.match(lines[2]!, /^ 90\/100 \[.*\] - ETA: 10s - /);
    assert.equal(lines[3], '100/100 [==============================] - 1m40s 1s/step - loss: 0.0100 - accuracy: 1.0000\n');
    assert.ok(out.every((text) => !text.includes('\r')), 'no carriage returns in a log');
  });

  it('off a terminal: an epoch shorter than the interval prints only its finished line', () => {
    const { out, clock, options } = captured(false);
    const progress = new EpochProgress(2, 2, 10, options);
    for (let step = 1; step < 10; step++) {
      clock.t = step * (PLAIN_INTERVAL_MS / 10) - 1;
      progress.update(step, { loss: 0.5 });
    }
    clock.t = PLAIN_INTERVAL_MS;
    progress.finish(10, { loss: 0.5 });
    assert.deepEqual(out.length, 2);
    assert.match(out[1]!, /^10\/10 \[=+\] - 30s 3s\/step - loss: 0\.5000\n$/);
  });

  it('the interval is an option', () => {
    const { out, clock, options } = captured(false, { plainInterval: 5000 });
    const progress = new EpochProgress(1, 1, 100, options);
    for (let step = 1; step <= 20; step++) {
      clock.t = step * 1000;
      progress.update(step, {});
    }
    assert.deepEqual(out.slice(1).map((l) => l.trim().split(' ')[0]), ['5/100', '10/100', '15/100', '20/100']);
  });

  it('the time per step and the ETA leave out the slow first step (Keras _estimate_step_duration)', () => {
    const { out, clock, options } = captured(false, { plainInterval: 0 });
    const progress = new EpochProgress(1, 1, 10, options);
    clock.t = 20_000; // the first step compiles for 20 s
    progress.update(1, {});
    clock.t = 20_500;
    progress.update(2, {});
    clock.t = 24_000;
    progress.finish(10, {});
    assert.match(out[1]!, /ETA: 3:00/, 'after step 1: 20 s a step, 9 left');
    assert.match(out[2]!, /ETA: 4s/, 'after step 2: 0.5 s a step, 8 left');
    assert.match(out[3]!, / - 24s 444ms\/step/, '4 s for the 9 steps after the first');
  });

  it('on a terminal: redrawn in place, ETA while running, the elapsed time at the end', () => {
    const { out, clock, options } = captured(true);
    const progress = new EpochProgress(3, 20, 4, options, 'First step (sets up the kernels) ...');
    assert.deepEqual(out, ['Epoch 3/20\n', 'First step (sets up the kernels) ...']);
    clock.t = 2000;
    progress.update(1, { loss: 2 });
    clock.t = 2050;
    progress.update(2, { loss: 1.5 }); // within 100 ms of the last draw: skipped
    clock.t = 3000;
    progress.update(3, { loss: 1 });
    progress.finish(4, { loss: 1, val_loss: 1.2 });
    assert.equal(out[2], '\r1/4 [======>.......................] - ETA: 6s - loss: 2.0000\x1b[K');
    assert.equal(out[3], '\r3/4 [=====================>........] - ETA: 0s - loss: 1.0000\x1b[K');
    assert.equal(out[4], '\r4/4 [==============================] - 3s 333ms/step - loss: 1.0000 - val_loss: 1.2000\x1b[K\n');
    assert.equal(out.length, 5);
  });

  it('validation after the last batch has its own bar instead of silence', () => {
    const { out, clock, options } = captured(true);
    const progress = new EpochProgress(1, 1, 2, options);
    progress.update(1, {});
    progress.update(2, {});
    clock.t = 1000;
    progress.validating(1, 3, { val_loss: 0.7 });
    clock.t = 1200;
    progress.validating(2, 3, { val_loss: 0.6 });
    progress.validating(3, 3, { val_loss: 0.5 });
    progress.finish(2, { loss: 0.4, val_loss: 0.5 });
    assert.ok(out.includes('\rValidation 1/3 [=========>....................] - ETA: 2s - val_loss: 0.7000\x1b[K'), JSON.stringify(out));
    assert.ok(out.some((t) => t.startsWith('\rValidation 2/3 ')));
    assert.match(out[out.length - 1]!, /^\r2\/2 \[=+\] .* - val_loss: 0\.5000\x1b\[K\n$/);
  });

  it('off a terminal, validation shares the epoch\'s 30-s clock', () => {
    const { out, clock, options } = captured(false);
    const progress = new EpochProgress(1, 1, 2, options);
    clock.t = 20_000;
    progress.update(1, {});
    progress.update(2, {});
    clock.t = 29_000;
    progress.validating(1, 4, { val_loss: 1 });
    clock.t = 31_000;
    progress.validating(2, 4, { val_loss: 1 });
    clock.t = 40_000;
    progress.validating(3, 4, { val_loss: 1 });
    assert.deepEqual(out.slice(1), ['Validation 2/4 [==============>...............] - ETA: 4s - val_loss: 1.0000\n']);
  });

  it('quiet: nothing at all', () => {
    const { out, clock, options } = captured(false, { quiet: true, plainInterval: 0 });
    const progress = new EpochProgress(1, 1, 3, options, 'First step ...');
    clock.t = 1000;
    progress.update(1, {});
    progress.validating(1, 1, {});
    progress.finish(3, {});
    assert.deepEqual(out, []);
  });
});

describe('the evaluation bar', () => {
  it('on a terminal: Test k/n with ETA and means, finished with time and time per step', () => {
    const { out, clock, options } = captured(true);
    const { onBatch, finish } = evaluationProgress('Test', options);
    for (let batch = 1; batch <= 8; batch++) {
      clock.t = batch * 250;
      onBatch(batch, 8, { loss: 0.5, accuracy: 0.9 });
    }
    finish();
    assert.equal(out[0], '\rTest 1/8 [==>...........................] - ETA: 1s - loss: 0.5000 - accuracy: 0.9000\x1b[K');
    assert.equal(out[out.length - 1], '\rTest 8/8 [==============================] - 2s 250ms/step\x1b[K\n');
  });

  it('off a terminal: only the finished line unless it runs past the interval', () => {
    const { out, clock, options } = captured(false);
    const { onBatch, finish } = evaluationProgress('Test', options);
    for (let batch = 1; batch <= 8; batch++) {
      clock.t = batch * 5000;
      onBatch(batch, 8, { loss: 0.5 });
    }
    finish();
    assert.deepEqual(out, ['Test 6/8 [=====================>........] - ETA: 10s - loss: 0.5000\n', 'Test 8/8 [==============================] - 40s 5s/step\n']);
  });

  it('a bar of its own label and width for any count', () => {
    const { out, options } = captured(false, { plainInterval: 0 });
    const bar = new Progbar(1000, options, 'Test');
    bar.update(7, {});
    assert.match(out[0]!, /^Test    7\/1000 \[\.{30}\] - ETA: /);
  });
});

describe('status lines before the first epoch', () => {
  it('on a terminal: one line rewritten in place, erased before other output', () => {
    const { out, options } = captured(true);
    const status = new StatusLine(options);
    status.show('Loading data: mnist ...');
    status.show('Compiling the model ...');
    status.clear();
    status.clear();
    assert.deepEqual(out, ['\rLoading data: mnist ...\x1b[K', '\rCompiling the model ...\x1b[K', '\r\x1b[K']);
  });

  it('off a terminal: plain lines, nothing to erase', () => {
    const { out, options } = captured(false);
    const status = new StatusLine(options);
    status.show('Loading data: mnist ...');
    status.clear();
    assert.deepEqual(out, ['Loading data: mnist ...\n']);
  });

  it('quiet: nothing', () => {
    const { out, options } = captured(true, { quiet: true });
    const status = new StatusLine(options);
    status.show('Loading data: mnist ...');
    status.clear();
    assert.deepEqual(out, []);
  });
});
