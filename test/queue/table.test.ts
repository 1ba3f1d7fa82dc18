/** The submitter's live table: counts in a fixed order, every line within the terminal's width, open points first on a short terminal. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderTable, sweepDisplay, type PointRow } from '../../src/queue/table.js';

const row = (index: number, state: string, detail = state): PointRow => ({ index, point: `train.batch_size=${index * 16} seed=${index % 2}`, state, detail });

describe('the live sweep table', () => {
  it('heads with the counts (completed, running, queued, failed, cancelled) and the elapsed time', () => {
    const lines = renderTable('s1', [row(1, 'queued'), row(2, 'running', 'running on w1, epoch 2 of 5'), row(3, 'completed'), row(4, 'failed', 'failed: loss became NaN')], 75, 100);
    assert.equal(lines[0], 'Sweep s1: 1 completed, 1 running, 1 queued, 1 failed (1m15s)');
    assert.match(lines[3]!, /^ {2}2 {2}train\.batch_size=32 seed=0 {2}running on w1, epoch 2 of 5$/);
    assert.equal(lines.length, 2 + 4);
  });

  it('never writes a line wider than the terminal', () => {
    const rows = [row(1, 'running', `running on ${'a-very-long-worker-name-'.repeat(5)}, epoch 3 of 20, val_accuracy 0.9812`)];
    for (const width of [20, 40, 80]) for (const line of renderTable('20261202-0410-keras-convnet-sweep', rows, 3, width)) assert.ok(line.length <= width, `${width}: ${line}`);
  });

  it('on a terminal shorter than the sweep, shows the open points and counts the rest', () => {
    const rows = [...Array.from({ length: 30 }, (_, i) => row(i + 1, 'completed')), row(31, 'running'), row(32, 'queued')];
    const lines = renderTable('s', rows, 0, 80, 10);
    assert.ok(lines.length <= 10, String(lines.length));
    assert.ok(lines.some((l) => /^ {2}31 /.test(l)) && lines.some((l) => /^ {2}32 /.test(l)), lines.join('\n'));
    assert.match(lines.at(-1)!, /and 30 more/);
  });

  it('off a terminal prints a line per changed point, once', () => {
    let text = '';
    const display = sweepDisplay('s', false, (t) => void (text += t), () => 0);
    display.update([row(1, 'queued'), row(2, 'queued')]);
    display.update([row(1, 'running', 'running on w1'), row(2, 'queued')]);
    display.update([row(1, 'running', 'running on w1'), row(2, 'queued')]);
    assert.equal(text, '[1/2] train.batch_size=16 seed=1: queued\n[2/2] train.batch_size=32 seed=0: queued\n[1/2] train.batch_size=16 seed=1: running on w1\n');
  });
});
