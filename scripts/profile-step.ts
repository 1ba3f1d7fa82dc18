/**
 * Where a training step's time goes on the wasm backend, kernel by kernel.
 *
 *   node --import tsx scripts/profile-step.ts [experiment.yaml] [--threads N] [--simd plain|relaxed]
 *        [--steps N] [--warmup N] [--batch-size N] [--shapes] [--json file]
 *
 * (`npm run profile:step -- ...`; default experiments/baseline.yaml, the machine's physical cores,
 * 10 steps after 3 warm-up steps, the experiment's batch size.) After the warm-up, every kernel
 * registered for `wasm` is wrapped in a timer and the steps run as `tfexp run` runs them
 * (src/train/step.ts, synthetic data as `tfexp bench`). wasm kernels are synchronous, so a
 * kernel's wall time is its cost; a kernel that calls others (a fallback calling Transpose,
 * BatchMatMul calling Conv2D) is charged only its own time (self time), and the ones it calls
 * are listed as "outer > inner", in the outer kernel's group. "outside kernels" is the rest
 * of the step's wall time: tfjs's tape, tidy and JavaScript between kernels. The timers
 * themselves add a little.
 * Prints ms per step for each kernel (with --shapes, for each kernel and input shapes: each
 * layer's call apart) and the groups the README reports: forward convolutions, filter
 * gradients, input gradients, the rest.
 */
import * as tf from '@tensorflow/tfjs';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { selectBackend } from '../src/backend/select.js';
import type { KernelVariant } from '../src/backend/simd/pool.js';
import { loadExperiment } from '../src/config/index.js';
import { compileExperiment } from '../src/model/index.js';
import { trainStep } from '../src/train/step.js';

/** The README's groups, by kernel name; every other kernel is "the rest". */
const GROUPS: Record<string, string> = {
  Conv2D: 'forward convolutions',
  FusedConv2D: 'forward convolutions',
  Conv2DBackpropFilter: 'filter gradients',
  Conv2DBackpropInput: 'input gradients',
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    threads: { type: 'string' },
    simd: { type: 'string' },
    steps: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'batch-size': { type: 'string' },
    shapes: { type: 'boolean', default: false },
    json: { type: 'string' },
  },
});
const file = positionals[0] ?? 'experiments/baseline.yaml';
const steps = Number(values.steps);
const warmup = Number(values.warmup);

const choice = await selectBackend({
  request: 'wasm',
  ...(values.threads !== undefined ? { threads: Number(values.threads) } : {}),
  ...(values.simd !== undefined ? { kernels: values.simd as KernelVariant } : {}),
});
const loaded = loadExperiment(file);
const { plan, model, labels } = compileExperiment(loaded);
const batch = values['batch-size'] !== undefined ? Number(values['batch-size']) : loaded.experiment.train.batch_size;
const classes = plan.output[plan.output.length - 1]!;
const x = tf.randomUniform([batch, ...plan.input], 0, 1, 'float32', loaded.experiment.seed);
const indices = tf.randomUniform([batch], 0, classes, 'int32', loaded.experiment.seed + 1);
const y = labels === 'index' ? tf.cast(indices, 'float32') : tf.oneHot(indices, classes);
const step = async () => {
  const results = trainStep(model, x, y);
  await tf.stack(results).data();
  tf.dispose(results);
};
for (let i = 0; i < warmup; i++) await step();

// Self time per kernel: a stack of running kernels, each charged its time minus its callees'.
// A kernel another calls (BatchMatMul running Conv2D) is listed as "outer > inner" and
// grouped with the outermost one, so a Dense layer's products stay out of the convolutions.
const self = new Map<string, { group: string; ms: number; calls: number }>();
const stack: { start: number; inner: number; name: string }[] = [];
const originals = tf.getKernelsForBackend('wasm');
for (const config of originals) {
  const run = config.kernelFunc;
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel({
    ...config,
    kernelFunc: (args) => {
      const outer = stack[0]?.name;
      const frame = { start: performance.now(), inner: 0, name: config.kernelName };
      stack.push(frame);
      try {
        return run(args);
      } finally {
        stack.pop();
        const total = performance.now() - frame.start;
        if (stack.length > 0) stack[stack.length - 1]!.inner += total;
        const name = outer === undefined ? config.kernelName : `${outer} > ${config.kernelName}`;
        const key = values.shapes ? `${name} ${Object.values(args.inputs).map((t) => `[${t?.shape ?? ''}]`).join(' ')}` : name;
        const entry = self.get(key) ?? { group: GROUPS[outer ?? config.kernelName] ?? 'the rest', ms: 0, calls: 0 };
        entry.ms += total - frame.inner;
        entry.calls++;
        self.set(key, entry);
      }
    },
  });
}
const start = performance.now();
for (let i = 0; i < steps; i++) await step();
const stepMs = (performance.now() - start) / steps;
for (const config of originals) {
  tf.unregisterKernel(config.kernelName, 'wasm');
  tf.registerKernel(config);
}

const kernels = [...self.entries()].map(([key, { group, ms, calls }]) => ({ key, group, ms: ms / steps, calls: calls / steps })).sort((a, b) => b.ms - a.ms);
const inKernels = kernels.reduce((sum, k) => sum + k.ms, 0);
const groups = new Map<string, number>();
for (const k of kernels) groups.set(k.group, (groups.get(k.group) ?? 0) + k.ms);
groups.set('outside kernels', stepMs - inKernels);
const width = Math.max(36, ...kernels.map((k) => k.key.length + 2));
const pct = (ms: number) => `${((100 * ms) / stepMs).toFixed(1)}%`;
const lines = [
  `${loaded.experiment.name}, batch ${batch}, wasm ${choice.threads} threads, ${choice.kernels} kernels, ${process.version}: ${stepMs.toFixed(1)} ms/step (${steps} steps, profiled)`,
  '',
  `${'kernel'.padEnd(width)}calls/step  ms/step   share`,
  ...kernels.map((k) => `${k.key.padEnd(width)}${k.calls.toFixed(0).padStart(10)}${k.ms.toFixed(2).padStart(9)}${pct(k.ms).padStart(8)}`),
  '',
  ...[...groups.entries()].map(([group, ms]) => `${group.padEnd(width + 10)}${ms.toFixed(2).padStart(9)}${pct(ms).padStart(8)}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
if (values.json !== undefined) {
  writeFileSync(values.json, JSON.stringify({ file, batch, threads: choice.threads, kernels: choice.kernels, node: process.version, stepMs, perKernel: kernels, groups: Object.fromEntries(groups) }, null, 2));
}
model.dispose();
tf.dispose([x, indices, y]);
process.exit(0);
