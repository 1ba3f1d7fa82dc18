import type { CommandModule } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/requests.js';
import type { BackendChoice } from '../../backend/select.js';
import type { KernelVariant } from '../../backend/simd/pool.js';
import type { BenchResult } from '../../train/bench.js';
import { RunFailed, UsageError } from '../../errors.js';
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
  threads?: string;
  simd?: string;
  out?: string;
}

/** `--threads 1,2,4`: thread counts, each a whole number >= 1. @throws UsageError otherwise. */
export function threadList(text: string): number[] {
  const counts = text.split(',').map((part) => Number(part.trim()));
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(message.badThreadList(text));
  return [...new Set(counts)];
}

/** `--simd plain,relaxed`: kernel builds of the wasm backend. @throws UsageError for another name. */
export function simdList(text: string): KernelVariant[] {
  const names = text.split(',').map((part) => part.trim());
  if (names.some((n) => n !== 'plain' && n !== 'relaxed')) throw new UsageError(message.badSimdList(text));
  return [...new Set(names)] as KernelVariant[];
}

/**
 * Backends to measure: the one asked for, else every fast one that works here: tensorflow,
 * webgpu on a hardware adapter, wasm (never `cpu` or a software adapter unless asked).
 */
async function backendsToMeasure(requested: BackendRequest | undefined): Promise<BackendRequest[]> {
  if (requested !== undefined && requested !== 'auto') return [requested];
  const [{ NATIVE_PACKAGES, loadNative }, { probeWebGpu }] = await Promise.all([import('../../backend/native.js'), import('../../backend/webgpu/adapter.js')]);
  const native = await Promise.all(NATIVE_PACKAGES.map((pkg) => loadNative(pkg)));
  const webgpu = await probeWebGpu({ hardwareOnly: true });
  return [...(native.some((n) => n.ok) ? ['tensorflow' as const] : []), ...(webgpu.ok && webgpu.info.kind === 'hardware' ? ['webgpu' as const] : []), 'wasm'];
}

/** The results table, one row per backend. */
export function formatBench(rows: readonly { choice: BackendChoice; result: BenchResult }[]): string {
  const header = ['backend', 'device', 'threads', 'kernels', 'batch', 'forward ms/batch', 'train ms/step', 'samples/s', 'GFLOP/s', 'step/forward', 'cpu/wall'];
  const cells = rows.map(({ choice, result }) => [
    choice.name,
    choice.device,
    String(choice.threads ?? '-'),
    choice.kernels ?? '-',
    String(result.batch_size),
    result.forward_ms.toFixed(1),
    result.train_step_ms.toFixed(1),
    result.samples_per_second.toFixed(1),
    result.train_gflops.toFixed(2),
    result.step_over_forward.toFixed(2),
    result.cpu_over_wall.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i < 2 || i === 3 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
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
  const threads = args.threads === undefined ? [undefined] : threadList(args.threads);
  const kernels = args.simd === undefined ? [undefined] : simdList(args.simd);
  const loaded = loadExperiment(args.file, args.set);
  const rows: { choice: BackendChoice; result: BenchResult }[] = [];
  for (const request of await backendsToMeasure(args.backend)) {
    const wasm = request === 'wasm' || request === 'auto';
    // The wasm module's thread pool is sized once per process: each other thread count is measured
    // in a child tfexp bench (the same arguments, one count), one after another.
    if (wasm && threads.length > 1) {
      for (const count of threads) rows.push(...(await benchInChild(args, request, count!)));
      continue;
    }
    // Kernel builds are the wasm backend's: the other backends are measured once.
    for (const count of wasm ? threads : [undefined]) {
      for (const build of wasm ? kernels : [undefined]) {
        const choice = await selectBackend({ request, ...(count !== undefined ? { threads: count } : {}), ...(build !== undefined ? { kernels: build } : {}) });
        output.err(`measuring ${choice.name} (${message.packageAndThreads(choice)}): ${args.steps} steps...\n`);
        for (const warning of choice.warnings) output.err(`warning: ${warning}\n`);
        const result = await benchmark(loaded, { steps: args.steps, warmup: args.warmup, ...(args['batch-size'] !== undefined ? { batchSize: args['batch-size'] } : {}) });
        rows.push({ choice, result });
      }
    }
  }
  const now = new Date();
  const out = args.out ?? `runs/bench-${runTimestamp(now)}-${sanitizeName(loaded.experiment.name)}.json`;
  const json = { experiment: loaded.experiment.name, file: args.file, date: now.toISOString(), versions: versions(), data: 'synthetic: uniform [0, 1) images, random labels', results: rows.map(({ choice, result }) => ({ backend: choice, ...result })) };
  writeJsonAtomic(out, json);
  output.out(`${formatBench(rows)}\nwrote ${out}\n`);
}

/**
 * `tfexp bench` of one wasm thread count in a child process, its rows read back from its JSON.
 * @throws RunFailed when the child fails (its last line says why).
 */
async function benchInChild(args: BenchArgs, request: BackendRequest, threads: number): Promise<{ choice: BackendChoice; result: BenchResult }[]> {
  const [{ spawn }, { mkdtempSync, readFileSync, rmSync }, { tmpdir }, { join }, { childEnv, TFEXP_BIN }] = await Promise.all([
    import('node:child_process'),
    import('node:fs'),
    import('node:os'),
    import('node:path'),
    import('../child.js'),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'tfexp-bench-'));
  const out = join(dir, 'bench.json');
  const childArgs = [TFEXP_BIN, 'bench', args.file, '--backend', request, '--threads', String(threads), '--steps', String(args.steps), '--warmup', String(args.warmup), '--out', out];
  for (const set of args.set ?? []) childArgs.push('--set', set);
  if (args['batch-size'] !== undefined) childArgs.push('--batch-size', String(args['batch-size']));
  if (args.simd !== undefined) childArgs.push('--simd', args.simd);
  try {
    const child = spawn(process.execPath, childArgs, { stdio: ['ignore', 'ignore', 'pipe'], env: childEnv() });
    let log = '';
    child.stderr.on('data', (d: Buffer) => {
      log += d.toString();
      output.err(d.toString());
    });
    const code = await new Promise<number>((done) => child.on('close', (c) => done(c ?? 1)));
    if (code !== 0) throw new RunFailed(message.benchChildFailed(threads, code, log.trim().split('\n').at(-1) ?? ''));
    const json = JSON.parse(readFileSync(out, 'utf8')) as { results: ({ backend: BackendChoice } & BenchResult)[] };
    return json.results.map(({ backend, ...result }) => ({ choice: backend, result: result as BenchResult }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
      .option('threads', { type: 'string', describe: 'WASM threads, or a list to compare: 1,2,4 (default: physical cores; env TFEXP_THREADS)' })
      .option('simd', { type: 'string', describe: "wasm kernel builds to compare: plain, relaxed or plain,relaxed (default: relaxed where Node runs it, 22+; env TFEXP_SIMD)" })
      .option('out', { type: 'string', describe: 'JSON output path (default: runs/bench-<time>-<name>.json)' }) as never,
  handler: (args) => runBench(args),
};
