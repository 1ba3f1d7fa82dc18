/**
 * Choosing the compute backend. `auto` tries, fastest first:
 *   tensorflow on a GPU   @tensorflow/tfjs-node-gpu with CUDA (needs CUDA 11.2 + cuDNN 8.1)
 *   webgpu on a GPU       @tensorflow/tfjs-backend-webgpu on Dawn (npm `webgpu`): Vulkan, Metal or D3D12;
 *                         a software adapter (SwiftShader, llvmpipe) is never picked by auto
 *   tensorflow on the CPU @tensorflow/tfjs-node-gpu without a GPU, or @tensorflow/tfjs-node
 *   wasm                  @tensorflow/tfjs-backend-wasm, multi-threaded (XNNPACK, SIMD), with tfexp's training kernels
 *   cpu                   @tensorflow/tfjs-backend-cpu, pure JavaScript: a last resort
 * and records why each faster one was skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { BackendError } from '../errors.js';
import * as message from '../log/message.js';
import { physicalCores } from './cores.js';
import { defaultImporter, loadNative, NATIVE_PACKAGES, type Importer } from './native.js';
import { alignWasmAllocations } from './aligned-heap.js';
import { guardWasmAllocations, type WasmAllocator } from './crash.js';
import { quietTfjs } from './quiet.js';
import { probeWebGpu, WEBGPU_PACKAGE, type GpuAdapterInfo, type WebGpuProbe } from './webgpu/adapter.js';
import { startWebGpu } from './webgpu/start.js';
import { BACKEND_REQUESTS, type BackendRequest } from './requests.js';
import type { KernelVariant } from './simd/pool.js';

export { BACKEND_REQUESTS, type BackendRequest };
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
  /** The WebGPU adapter (webgpu only; null for the other backends). */
  readonly adapter: GpuAdapterInfo | null;
  /** Why this backend: "requested" or "fastest available". */
  readonly reason: string;
  /** Faster backends passed over, and why. */
  readonly skipped: readonly { backend: string; reason: string }[];
  /** Things the user should know (e.g. a GPU package running on the CPU). */
  readonly warnings: readonly string[];
  /** wasm only: the build of tfexp's SIMD kernels in use (relaxed: fused multiply-add). */
  readonly kernels?: KernelVariant;
}

export interface SelectOptions {
  /** Default: env TFEXP_BACKEND, else `auto`. */
  readonly request?: BackendRequest;
  /** WASM threads. Default: env TFEXP_THREADS, else the number of physical cores. */
  readonly threads?: number;
  /** wasm: which build of tfexp's SIMD kernels. Default: env TFEXP_SIMD, else relaxed where the engine runs it (simd/pool.ts). */
  readonly kernels?: KernelVariant;
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

  // tensorflow on the CPU waits until webgpu has had its chance on a GPU.
  let tensorflowOnCpu: string | null = null;
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
      if (gpu || request === 'tensorflow') {
        const warnings = pkg === '@tensorflow/tfjs-node-gpu' && !gpu ? [message.gpuPackageOnCpu(pkg)] : [];
        return { name: 'tensorflow', package: pkg, device: gpu ? 'gpu' : 'cpu', threads: null, adapter: null, reason, skipped, warnings };
      }
      tensorflowOnCpu = pkg;
      break;
    }
    if (request === 'tensorflow') {
      throw new BackendError(message.backendUnavailable('tensorflow', skipped.map((s) => `${s.backend}: ${s.reason}`), `Install one: ${message.INSTALL_NODE_GPU}; or ${message.INSTALL_NODE_CPU}.`));
    }
  }

  if (request === 'auto' || request === 'webgpu') {
    // auto takes only a hardware adapter: a child process looks first, and Dawn lists adapters here only if it found one.
    const probe = await probeWebGpu({ importer, hardwareOnly: request === 'auto' });
    const started = await tryWebGpu(probe, request);
    if ('choice' in started) return { ...started.choice, reason, skipped };
    skipped.push({ backend: 'webgpu', reason: started.skip });
    if (request === 'webgpu') throw new BackendError(message.backendUnavailable('webgpu', [started.detail ?? started.skip], started.fix));
  }

  if (tensorflowOnCpu !== null && (await tf.setBackend('tensorflow'))) {
    const warnings = tensorflowOnCpu === '@tensorflow/tfjs-node-gpu' ? [message.gpuPackageOnCpu(tensorflowOnCpu)] : [];
    return { name: 'tensorflow', package: tensorflowOnCpu, device: 'cpu', threads: null, adapter: null, reason, skipped, warnings };
  }

  if (request === 'auto' || request === 'wasm') {
    // Imported here, not at the top: importing tfjs-backend-wasm registers `wasm` as the
    // default backend (priority 2), which would make every later tfjs call wait for it.
    const { registerWasmTrainingKernels } = await import('./wasm-kernels/index.js');
    const { useThreadedWasm } = await import('./wasm.js');
    const { kernelVariant } = await import('./simd/pool.js');
    registerWasmTrainingKernels();
    const warnings: string[] = [];
    const kernels = options.kernels ?? kernelVariant();
    try {
      const used = await useThreadedWasm(threads, kernels);
      guardActiveWasm();
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: used, adapter: null, reason, skipped, warnings, kernels };
    } catch (error) {
      warnings.push(message.wasmSingleThreaded((error as Error).message));
    }
    if (await tf.setBackend('wasm')) {
      guardActiveWasm();
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', device: 'cpu', threads: 1, adapter: null, reason, skipped, warnings };
    }
    skipped.push({ backend: 'wasm', reason: 'the WebAssembly module did not start' });
    if (request === 'wasm') throw new BackendError(message.backendUnavailable('wasm', ['the WebAssembly module did not start'], 'Run tfexp doctor for details.'));
  }

  if (!(await tf.setBackend('cpu'))) throw new BackendError(message.backendUnavailable('cpu', ['it did not start'], 'Run tfexp doctor.'));
  const warnings = request === 'auto' ? [message.CPU_BACKEND_SLOW] : [];
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', device: 'cpu', threads: 1, adapter: null, reason, skipped, warnings };
}

/**
 * Whether webgpu can be used for `request`, and starts it when so: `auto` takes only a
 * hardware adapter; an explicit `webgpu` also takes a software one, with a warning.
 * @returns the choice (reason and skipped filled in by the caller), or why not and the fix.
 */
async function tryWebGpu(probe: WebGpuProbe, request: BackendRequest): Promise<{ choice: Omit<BackendChoice, 'reason' | 'skipped'> } | { skip: string; detail?: string; fix: string }> {
  if (!probe.ok) {
    // The run header lists the short reason; an explicit request gets the whole story.
    if (probe.vulkan?.problem) return { skip: probe.reason, detail: `no WebGPU adapter: ${probe.vulkan.problem}`, fix: 'Run tfexp doctor for details.' };
    return { skip: probe.reason, fix: probe.installed ? 'Update the GPU driver, or run tfexp doctor.' : message.INSTALL_WEBGPU };
  }
  const software = probe.info.kind === 'software';
  if (software && request === 'auto') return { skip: message.softwareAdapterSkipped(probe.info), fix: '' };
  try {
    await startWebGpu(probe.gpu, probe.adapter);
  } catch (error) {
    return { skip: message.webgpuDeviceFailed(String((error as Error).message ?? error).split('\n')[0]!), fix: 'Update the GPU driver, or run tfexp doctor.' };
  }
  const version = probe.version === null ? WEBGPU_PACKAGE : `${WEBGPU_PACKAGE} ${probe.version}`;
  return {
    choice: {
      name: 'webgpu',
      package: `@tensorflow/tfjs-backend-webgpu on ${version}`,
      device: software ? 'cpu' : 'gpu',
      threads: null,
      adapter: probe.info,
      warnings: software ? [message.softwareAdapterWarning(probe.info)] : [],
    },
  };
}

/**
 * Makes the active wasm backend's malloc throw instead of returning 0 when its heap is full
 * (src/backend/crash.ts), and return tensors on cache-line boundaries (./aligned-heap.ts).
 */
function guardActiveWasm(): void {
  const module = (tf.backend() as unknown as { wasm: WasmAllocator }).wasm;
  guardWasmAllocations(module);
  alignWasmAllocations(module);
}
