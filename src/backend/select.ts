/**
 * Choosing the compute backend, fastest first:
 *   tensorflow  @tensorflow/tfjs-node-gpu (CUDA if a GPU is visible), then @tensorflow/tfjs-node
 *   wasm        @tensorflow/tfjs-backend-wasm, multi-threaded (XNNPACK, SIMD), with tfexp's training kernels
 *   cpu         @tensorflow/tfjs-backend-cpu, pure JavaScript: a last resort
 * `auto` takes the first that works and records why each faster one was skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors.js';
import * as message from '../log/message.js';
import { physicalCores } from './cores.js';
import { defaultImporter, loadNative, NATIVE_PACKAGES, type Importer } from './native.js';
import { quietTfjs } from './quiet.js';

export const BACKEND_REQUESTS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendRequest = (typeof BACKEND_REQUESTS)[number];
export type BackendName = Exclude<BackendRequest, 'auto'>;

/** The backend in use and how it was chosen (recorded in run.json). */
export interface BackendChoice {
  /** tfjs backend name now active. */
  readonly name: BackendName;
  /** The npm package providing it. */
  readonly package: string;
  readonly device: 'gpu' | 'cpu';
  /** Worker threads (wasm: XNNPACK pool size); null where tfexp does not control it. */
  readonly threads: number | null;
  /** Why this backend: "requested" or "fastest available". */
  readonly reason: string;
  /** Faster backends passed over, and why. */
  readonly skipped: readonly { backend: string; reason: string }[];
  /** Things the user should know (e.g. a GPU package running on the CPU). */
  readonly warnings: readonly string[];
}

export interface SelectOptions {
  /** Default: env TFEXP_BACKEND, else `auto`. */
  readonly request?: BackendRequest;
  /** WASM threads. Default: env TFEXP_THREADS, else the number of physical cores. */
  readonly threads?: number;
  /** For tests: how packages are imported. */
  readonly importer?: Importer;
}

/** The request and thread count from options, then the environment, then defaults. */
export function resolveRequest(options: SelectOptions, env: NodeJS.ProcessEnv = process.env): { request: BackendRequest; threads: number } {
  const fromEnv = env.TFEXP_BACKEND;
  const request = options.request ?? (fromEnv !== undefined && fromEnv !== '' ? (fromEnv as BackendRequest) : 'auto');
  if (!BACKEND_REQUESTS.includes(request)) {
    throw new BackendError(message.backendUnavailable(request, ['unknown backend'], `Use one of: ${BACKEND_REQUESTS.join(', ')}.`));
  }
  const threads = options.threads ?? (env.TFEXP_THREADS ? Number(env.TFEXP_THREADS) : physicalCores());
  if (!Number.isInteger(threads) || threads < 1) throw new BackendError(message.badThreads(options.threads ?? env.TFEXP_THREADS, options.threads === undefined));
  return { request, threads };
}

/**
 * Activates a backend.
 * @throws BackendError when the requested backend cannot be used (with how to fix it), or the request is unknown.
 */
export async function selectBackend(options: SelectOptions = {}): Promise<BackendChoice> {
  const { request, threads } = resolveRequest(options);
  const importer = options.importer ?? defaultImporter;
  quietTfjs();
  const skipped: { backend: string; reason: string }[] = [];
  const reason = request === 'auto' ? 'fastest available' : 'requested';

  if (request === 'auto' || request === 'tensorflow') {
    for (const pkg of NATIVE_PACKAGES) {
      const loaded = await loadNative(pkg, importer);
      if (!loaded.ok) {
        skipped.push({ backend: `tensorflow (${pkg})`, reason: loaded.reason });
        continue;
      }
      if (!(await tf.setBackend('tensorflow'))) {
        skipped.push({ backend: `tensorflow (${pkg})`, reason: 'loaded, but the tensorflow backend did not start' });
        continue;
      }
      const gpu = (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
      const warnings = pkg === '@tensorflow/tfjs-node-gpu' && !gpu ? [message.gpuPackageOnCpu(pkg)] : [];
      return { name: 'tensorflow', package: pkg, device: gpu ? 'gpu' : 'cpu', threads: null, reason, skipped, warnings };
    }
    if (request === 'tensorflow') {
      throw new BackendError(message.backendUnavailable('tensorflow', skipped.map((s) => `${s.backend}: ${s.reason}`), `Install one: ${message.INSTALL_NODE_GPU}; or ${message.INSTALL_NODE_CPU}.`));
    }
  }

  if (request === 'auto' || request === 'wasm') {
    // Imported here, not at the top: importing tfjs-backend-wasm registers `wasm` as the
    // default backend (priority 2), which would make every later tfjs call wait for it.
    const { registerWasmTrainingKernels } = await import('./wasm-kernels/index.js');
    const { useThreadedWasm } = await import('./wasm.js');
    registerWasmTrainingKernels();
    const warnings: string[] = [];
    try {
      const used = await useThreadedWasm(threads);
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: used, reason, skipped, warnings };
    } catch (error) {
      warnings.push(message.wasmSingleThreaded((error as Error).message));
    }
    if (await tf.setBackend('wasm')) {
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: 1, reason, skipped, warnings };
    }
    skipped.push({ backend: 'wasm', reason: 'the WebAssembly module did not start' });
    if (request === 'wasm') throw new BackendError(message.backendUnavailable('wasm', ['the WebAssembly module did not start'], 'Run tfexp doctor for details.'));
  }

  if (!(await tf.setBackend('cpu'))) throw new BackendError(message.backendUnavailable('cpu', ['it did not start'], 'Run tfexp doctor.'));
  const warnings = request === 'auto' ? [message.CPU_BACKEND_SLOW] : [];
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', device: 'cpu', threads: 1, reason, skipped, warnings };
}
