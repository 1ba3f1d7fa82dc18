/** What `tfexp run` prints: status lines before the first epoch, the header, progress and evaluation bars, where the outputs are. */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as message from '../../src/log/message.js';
import { runExperiment } from '../../src/train/run.js';
import { tempDir } from '../helpers.js';
import { writeRunFixture } from './fixtures.js';

const wasm = { backend: 'wasm' as const, threads: 2, sets: ['train.epochs=1'] };

async function run(options: { live: boolean; quiet?: boolean; progressInterval?: number }) {
  const out: string[] = [];
  const outcome = await runExperiment(writeRunFixture(), { ...wasm, runsDir: tempDir(), write: (t) => void out.push(t), ...options });
  return { out, text: out.join(''), dir: outcome.dir };
}

describe('tfexp run output', () => {
  it('off a terminal: status lines, then the header, the first-step note, progress lines, the test bar, the report and plots', async () => {
    const { text, dir } = await run({ live: false, progressInterval: 0 });
    const lines = text.split('\n');
    // Before the header: what is happening, in order, as plain lines.
    assert.deepEqual(lines.slice(0, 4), [message.STATUS_BACKEND, message.statusLoadingData('idx'), message.STATUS_COMPILING, 'Experiment: tiny']);
    assert.ok(lines.includes('Backend: wasm (tfjs-backend-wasm, 2 threads, CPU; requested)'), text);
    const epoch = lines.indexOf('Epoch 1/1');
    assert.equal(lines[epoch + 1], message.firstStepStatus('wasm'));
    // With the interval at 0, a progress line per batch (12 batches of 16): step, ETA, running means.
    assert.match(lines[epoch + 2]!, /^ 1\/12 \[=*>\.+\] - ETA: \d+s - loss: \d\.\d{4} - accuracy: \d\.\d{4}$/);
    assert.ok(lines.some((l) => /^11\/12 \[=+>\.+\] - ETA: \d+s - loss: /.test(l)), text);
    // Validation (48 samples, 3 batches) and the test set (60 samples, 4 batches) have bars too.
    assert.ok(lines.some((l) => /^Validation 1\/3 \[.*\] - ETA: \d+s - val_loss: \d\.\d{4} - val_accuracy: /.test(l)), text);
    assert.match(lines.find((l) => l.startsWith('12/12 '))!, /^12\/12 \[=+\] - \d+s \d+m?s\/step - loss: .* - val_accuracy: \d\.\d{4}$/);
    const testBar = lines.findIndex((l) => /^Test 4\/4 \[=+\] - \d+s \d+m?s\/step$/.test(l));
    assert.ok(testBar > 0, text);
    assert.match(lines[testBar + 1]!, /^Test loss: \d\.\d{4}$/);
    // The end says where to look, and the files are there.
    assert.ok(lines.includes(`Report: ${join(dir, 'report.html')}`), text);
    // The training chart first, then the evaluation's (confusion matrix, misclassified grid).
    assert.ok(lines.includes(`Plots: ${['training', 'confusion_matrix', 'misclassified'].map((chart) => join(dir, 'plots', `${chart}.png`)).join(', ')}`), text);
    assert.ok(existsSync(join(dir, 'report.html')) && existsSync(join(dir, 'plots', 'training.png')));
    assert.ok(!text.includes('\r') && !text.includes('\x1b'), 'no terminal control in a log');
  });

  it('off a terminal with the default interval: one line per epoch, no per-batch lines', async () => {
    const { text } = await run({ live: false });
    assert.equal(text.split('\n').filter((l) => /ETA:/.test(l)).length, 0, text);
    assert.equal(text.split('\n').filter((l) => /^12\/12 /.test(l)).length, 1);
  });

  it('on a terminal: the status line is rewritten in place and erased before the header', async () => {
    const { out } = await run({ live: true });
    assert.deepEqual(out.slice(0, 4), [`\r${message.STATUS_BACKEND}\x1b[K`, `\r${message.statusLoadingData('idx')}\x1b[K`, `\r${message.STATUS_COMPILING}\x1b[K`, '\r\x1b[K']);
    assert.match(out[4]!, /^Experiment: tiny\n/);
    const epoch = out.indexOf('Epoch 1/1\n');
    assert.equal(out[epoch + 1], message.firstStepStatus('wasm'), 'on the bar\'s line, which the first redraw replaces');
    assert.match(out[epoch + 2]!, /^\r 1\/12 \[.*\] - ETA: \d+s - loss: .*\x1b\[K$/);
    assert.ok(out.some((t) => /^\rTest 4\/4 \[=+\] - \d+s .*\x1b\[K\n$/.test(t)));
  });

  it('--quiet: no status lines, no bars; the header, test results and outputs stay', async () => {
    const { text } = await run({ live: false, quiet: true, progressInterval: 0 });
    for (const absent of [message.STATUS_BACKEND, 'Loading data', message.STATUS_COMPILING, 'First step', 'Epoch 1/1', 'ETA:', 'Validation', 'Test 4/4']) {
      assert.ok(!text.includes(absent), `${absent} in ${text}`);
    }
    assert.match(text, /^Experiment: tiny\n/);
    assert.match(text, /\nRun: \S+ in .+\n/);
    assert.match(text, /\nTest accuracy: \d\.\d{4}\nReport: .*report\.html\n/);
  });
});

describe('the Backend header line', () => {
  const choice = {
    name: 'wasm',
    package: '@tensorflow/tfjs-backend-wasm',
    device: 'cpu',
    threads: 2,
    adapter: null,
    reason: 'fastest available',
    skipped: [
      { backend: 'tensorflow (@tensorflow/tfjs-node-gpu)', reason: 'not installed' },
      { backend: 'tensorflow (@tensorflow/tfjs-node)', reason: 'not installed' },
      { backend: 'webgpu', reason: 'no WebGPU adapter: no Vulkan driver is installed' },
    ],
  };

  it('is short; the skipped backends get a line of their own, one entry per backend, and a pointer to doctor', () => {
    assert.equal(
      message.backendHeader(choice),
      'Backend: wasm (tfjs-backend-wasm, 2 threads, CPU; fastest available)\nSkipped: tensorflow (not installed), webgpu (no Vulkan driver is installed); see tfexp doctor',
    );
    for (const line of message.backendHeader(choice).split('\n')) assert.ok(line.length <= message.HEADER_WIDTH, line);
  });

  it('keeps packages apart when their reasons differ, cuts reasons to their headline, and wraps long lines', () => {
    const header = message.backendHeader({
      ...choice,
      skipped: [
        { backend: 'tensorflow (@tensorflow/tfjs-node-gpu)', reason: 'installed, but its native binding failed to load: libcudart.so.11.0: cannot open shared object file' },
        { backend: 'tensorflow (@tensorflow/tfjs-node)', reason: 'not installed' },
        { backend: 'webgpu', reason: 'the adapter request failed: timed out after 10 s (the driver may be hung)' },
      ],
    });
    assert.equal(
      header.split('\n').slice(1).join('\n'),
      'Skipped: tensorflow tfjs-node-gpu (installed, but its native binding failed to load), tensorflow\n  tfjs-node (not installed), webgpu (the adapter request failed); see tfexp doctor',
    );
    for (const line of header.split('\n')) assert.ok(line.length <= message.HEADER_WIDTH, line);
  });

  it('wrapLine never cuts a word, and indents what follows', () => {
    const long = `Run: x in /${'a'.repeat(120)}`;
    assert.equal(message.wrapLine(long), `Run: x in\n  /${'a'.repeat(120)}`);
    assert.equal(message.wrapLine('short line'), 'short line');
    // Kept-whole chunks: a line broken after one ends with its ",", which must still fit the width.
    const list = Array.from({ length: 12 }, (_, i) => `name${i} value${i}`).join(', ');
    for (let width = 20; width <= 60; width++) {
      const lines = message.wrapLine(list, width, '  ', ', ').split('\n');
      assert.ok(lines.every((l) => l.length <= width), `${width}: ${JSON.stringify(lines)}`);
      assert.equal(lines.map((l) => l.trim()).join(' '), list, 'nothing lost or cut');
    }
  });
});
