/**
 * A run whose wasm worker "traps" in epoch 2, for the crash test in run.test.ts:
 * `node --import tsx crash-child.ts <experiment> <runs-dir>`. The trap is thrown from a
 * timer, so it reaches the process as an uncaught exception, as a worker thread's does.
 */
import { runExperiment } from '../../src/train/run.js';

const [file, runsDir] = process.argv.slice(2) as [string, string];
let thrown = false;
await runExperiment(file, {
  runsDir,
  backend: 'wasm',
  threads: 2,
  live: false,
  write: (text) => {
    if (thrown || !text.includes('Epoch 2/')) return;
    thrown = true;
    setImmediate(() => {
      throw Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
    });
  },
});
