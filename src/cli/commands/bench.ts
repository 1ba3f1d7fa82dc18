import type { CommandModule } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/requests.js';
import type { BackendChoice } from '../../backend/select.js';
import type { BenchResult } from '../../train/bench.js';
import { UsageError } from '../../errors.js';
import * as message from '../../log/message.js';
import { withSet } from '../options.js';
import { output } from '../output.js';

interface BenchArgs {
  file: string;
  set: string[];
  backend?: BackendRequest;
  'batch-size'?: number;
  steps: number;
  warmup: number;
  threads?: number;
  out?: string;
}

/**
 * Backends to measure: the one asked for, else every fast one that works here: tensorflow,
 * webgpu on a hardware adapter, wasm (never `cpu` or a software adapter unless asked).
 */
async function backendsToMeasure(requested: BackendRequest | undefined): Promise<BackendRequest[]> {
  if (requested !== undefined && requested !== 'auto') return [requested];
  const [{ defaultImporter, NATIVE_PACKAGES, loadNative }, { probeWebGpu }] = await Promise.all([import('../../backend/native.js'), import('../../backend/webgpu/adapter.js')]);
  const native = await Promise.all(NATIVE_PACKAGES.map((pkg) => loadNative(pkg)));
  const webgpu = await probeWebGpu(defaultImporter);
  return [...(native.some((n) => n.ok) ? ['tensorflow' as const] : []), ...(webgpu.ok && webgpu.info.kind === 'hardware' ? ['webgpu' as const] : []), 'wasm'];
}

/** The results table, one row per backend. */
export function formatBench(rows: readonly { choice: BackendChoice; result: BenchResult }[]): string {
  const header = ['backend', 'device', 'threads', 'batch', 'forward ms/batch', 'train ms/step', 'samples/s', 'GFLOP/s', 'step/forward', 'cpu/wall'];
  const cells = rows.map(({ choice, result }) => [
    choice.name,
    choice.device,
    String(choice.threads ?? '-'),
    String(result.batch_size),
    result.forward_ms.toFixed(1),
    result.train_step_ms.toFixed(1),
    result.samples_per_second.toFixed(1),
    result.train_gflops.toFixed(2),
    result.step_over_forward.toFixed(2),
    result.cpu_over_wall.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [line(header), ...cells.map(line)].join('\n');
}

/**
 * Measures the experiment's model on each backend, prints the table and writes JSON.
 * @throws ConfigError for a bad experiment; BackendError when a requested backend is unavailable.
 */
export async function runBench(args: BenchArgs): Promise<void> {
  const counts: [string, number | undefined, number][] = [['--steps', args.steps, 1], ['--warmup', args.warmup, 0], ['--batch-size', args['batch-size'], 1]];
  for (const [flag, value, min] of counts) {
    if (value !== undefined && (!Number.isInteger(value) || value < min)) throw new UsageError(message.badCount(flag, value, min));
  }
  // Loaded here, not at the top: they load tfjs and the backends (issue 13).
  const [{ selectBackend }, { loadExperiment }, { benchmark }, { writeJsonAtomic }, { runTimestamp, sanitizeName }, { versions }] = await Promise.all([
    import('../../backend/select.js'),
    import('../../config/index.js'),
    import('../../train/bench.js'),
    import('../../runs/atomic.js'),
    import('../../runs/dir.js'),
    import('../../version.js'),
  ]);
  const loaded = loadExperiment(args.file, args.set);
  const rows: { choice: BackendChoice; result: BenchResult }[] = [];
  for (const request of await backendsToMeasure(args.backend)) {
    const choice = await selectBackend({ request, ...(args.threads !== undefined ? { threads: args.threads } : {}) });
    output.err(`measuring ${choice.name} (${message.packageAndThreads(choice)}): ${args.steps} steps...\n`);
    for (const warning of choice.warnings) output.err(`warning: ${warning}\n`);
    const result = await benchmark(loaded, { steps: args.steps, warmup: args.warmup, ...(args['batch-size'] !== undefined ? { batchSize: args['batch-size'] } : {}) });
    rows.push({ choice, result });
  }
  const now = new Date();
  const out = args.out ?? `runs/bench-${runTimestamp(now)}-${sanitizeName(loaded.experiment.name)}.json`;
  const json = { experiment: loaded.experiment.name, file: args.file, date: now.toISOString(), versions: versions(), data: 'synthetic: uniform [0, 1) images, random labels', results: rows.map(({ choice, result }) => ({ backend: choice, ...result })) };
  writeJsonAtomic(out, json);
  output.out(`${formatBench(rows)}\nwrote ${out}\n`);
}

export const benchCommand: CommandModule<object, BenchArgs> = {
  command: 'bench <file>',
  describe: 'Measure forward and training speed of an experiment\'s model on each fast backend (synthetic data); print a table and write JSON.',
  builder: (y) =>
    withSet(y.positional('file', { type: 'string', demandOption: true, describe: 'Experiment YAML file' }))
      .option('backend', { choices: BACKEND_REQUESTS, describe: 'Measure only this backend (cpu, and webgpu on a software adapter, only when asked; use --steps 1 with cpu)' })
      .option('batch-size', { type: 'number', describe: 'Samples per batch (default: the experiment\'s train.batch_size)' })
      .option('steps', { type: 'number', default: 10, describe: 'Timed steps per backend' })
      .option('warmup', { type: 'number', default: 2, describe: 'Untimed steps first (0 for the slow cpu backend)' })
      .option('threads', { type: 'number', describe: 'WASM threads (default: physical cores; env TFEXP_THREADS)' })
      .option('out', { type: 'string', describe: 'JSON output path (default: runs/bench-<time>-<name>.json)' }) as never,
  handler: (args) => runBench(args),
};
