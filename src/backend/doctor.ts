/** What `tfexp doctor` reports: every backend's status, and how to fix what is missing. */
import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import * as message from '../log/message.js';
import { versions, type Versions } from '../version.js';
import { cpuModel, physicalCores } from './cores.js';
import { diagnoseCuda, formatCudaDiagnosis } from './cuda.js';
import { defaultImporter, loadNative, NATIVE_PACKAGES, type Importer } from './native.js';
import { selectBackend } from './select.js';
import { describeAdapter, dawnVersion, probeWebGpu, WEBGPU_PACKAGE, type GpuAdapterInfo } from './webgpu/adapter.js';
import { startWebGpu, stopWebGpu } from './webgpu/start.js';
import type { VulkanStatus } from './webgpu/vulkan.js';

export interface BackendStatus {
  readonly backend: string;
  readonly package: string;
  readonly available: boolean;
  /** One line: what works, or why not. */
  readonly detail: string;
  /** How to make it available, when it is not. */
  readonly fix?: string;
  /** More lines: what was found (adapters, Vulkan drivers, CUDA libraries). */
  readonly notes?: readonly string[];
}

export interface DoctorReport {
  readonly versions: Versions;
  readonly cpu: { model: string; logical_cores: number; physical_cores: number };
  /** `nvidia-smi -L` output, or why no GPU is visible. */
  readonly gpu: string;
  /** In the order `--backend auto` tries them. */
  readonly backends: readonly BackendStatus[];
  /** What `--backend auto` would use. */
  readonly auto: string;
}

/**
 * Lists NVIDIA GPUs via nvidia-smi (part of the driver); explains when there is none.
 * @returns the line doctor prints, and whether an NVIDIA driver is there at all (nvidia-smi lists
 *   a GPU, or fails while the kernel module is loaded: /proc/driver/nvidia/version).
 */
function gpuVisibility(): { text: string; nvidia: boolean } {
  const driver = existsSync('/proc/driver/nvidia/version');
  const result = spawnSync('nvidia-smi', ['-L'], { encoding: 'utf8', timeout: 10_000 });
  if (result.error !== undefined) return { text: 'no NVIDIA driver found (nvidia-smi is not on PATH), so no CUDA GPU is visible', nvidia: driver };
  if (result.status !== 0) return { text: `nvidia-smi failed: ${(result.stderr || result.stdout).trim().split('\n')[0]}`, nvidia: driver };
  const listed = result.stdout.trim();
  return { text: listed || 'nvidia-smi lists no GPU', nvidia: listed !== '' || driver };
}

/**
 * Probes every backend. Leaves the backend `auto` would pick active.
 * @param importer for tests: how native packages are imported.
 */
export async function diagnose(importer: Importer = defaultImporter): Promise<DoctorReport> {
  const backends: BackendStatus[] = [];
  const gpu = gpuVisibility();
  for (const pkg of NATIVE_PACKAGES) {
    const loaded = await loadNative(pkg, importer);
    const gpuPackage = pkg === '@tensorflow/tfjs-node-gpu';
    // Without an NVIDIA driver the GPU package cannot help, whatever CUDA libraries lie around: it says so instead of how to fix CUDA.
    const noNvidia = gpuPackage && !gpu.nvidia;
    const fix = noNvidia ? undefined : gpuPackage ? message.INSTALL_NODE_GPU : message.INSTALL_NODE_CPU;
    // Why CUDA is out of reach matters for the GPU package whether or not it is installed.
    const cuda = noNvidia ? [message.NODE_GPU_WITHOUT_NVIDIA] : gpuPackage && process.platform === 'linux' ? formatCudaDiagnosis(diagnoseCuda()).split('\n') : [];
    if (!loaded.ok) {
      backends.push({ backend: 'tensorflow', package: pkg, available: false, detail: loaded.reason, notes: cuda, ...(fix ? { fix } : {}) });
      continue;
    }
    const started = await tf.setBackend('tensorflow');
    const onGpu = started && (tf.backend() as { isUsingGpuDevice?: boolean }).isUsingGpuDevice === true;
    backends.push({
      backend: 'tensorflow',
      package: pkg,
      available: started,
      detail: started ? `available, running on the ${onGpu ? 'GPU' : 'CPU'}` : 'loaded, but the tensorflow backend did not start',
      ...(gpuPackage && !onGpu ? { notes: cuda, ...(noNvidia ? {} : { fix: message.gpuPackageOnCpu(pkg) }) } : {}),
    });
    if (pkg === '@tensorflow/tfjs-node-gpu') backends.push(await webgpuStatus(importer));
  }
  if (!backends.some((b) => b.backend === 'webgpu')) backends.splice(1, 0, await webgpuStatus(importer));
  const wasm = await selectBackend({ request: 'wasm', importer });
  backends.push({
    backend: 'wasm',
    package: `${wasm.package} ${versions().tfjs_backend_wasm}`,
    available: true,
    detail: `available, SIMD, ${message.plural(wasm.threads ?? 1, 'thread')}${wasm.warnings.length > 0 ? ` (${wasm.warnings.join('; ')})` : ''}; ${await simdKernelsDetail()}`,
  });
  backends.push({
    backend: 'cpu',
    package: '@tensorflow/tfjs-backend-cpu',
    available: true,
    detail: 'available; pure JavaScript, a last resort (minutes per training step of a conv model)',
  });
  const chosen = await selectBackend({ request: 'auto', importer });
  return {
    versions: versions(),
    cpu: { model: cpuModel(), logical_cores: os.availableParallelism(), physical_cores: physicalCores() },
    gpu: gpu.text,
    backends,
    auto: `${chosen.name} (${message.packageAndThreads(chosen)}, ${chosen.device.toUpperCase()})`,
  };
}

/** The report as text, one backend per line with its fix indented below. */
export function formatDoctor(report: DoctorReport): string {
  const v = report.versions;
  const lines = [
    `tfexp ${v.tfexp} · tfjs ${v.tfjs} · Node ${v.node} · ${v.platform}`,
    `CPU: ${report.cpu.model}, ${report.cpu.logical_cores} logical / ${report.cpu.physical_cores} physical cores`,
    `GPU: ${report.gpu}`,
    'Backends, in the order --backend auto tries them:',
  ];
  for (const b of report.backends) {
    lines.push(`  ${b.available ? 'ok  ' : 'no  '} ${b.backend.padEnd(10)} ${b.package}: ${b.detail}`);
    for (const note of b.notes ?? []) lines.push(`         ${note}`);
    if (b.fix !== undefined) lines.push(`         fix: ${b.fix}`);
  }
  lines.push(`--backend auto uses: ${report.auto}`);
  return `${lines.join('\n')}\n`;
}

/** How tfexp's SIMD training kernels run on the wasm backend just selected. */
async function simdKernelsDetail(): Promise<string> {
  const { simdKernelsOnActiveBackend } = await import('./wasm-kernels/index.js');
  const { simdThreadsError } = await import('./wasm.js');
  const { relaxedSimdSupported } = await import('./simd/pool.js');
  const simd = simdKernelsOnActiveBackend();
  if ('error' in simd) return `tfexp SIMD kernels off (${simd.error}): slower fallbacks in use`;
  const error = simdThreadsError();
  const build = simd.kernels === 'relaxed' ? 'relaxed SIMD: fused multiply-add' : `plain SIMD${relaxedSimdSupported() ? '' : `; relaxed SIMD needs Node 22 or later, this is ${process.version}`}`;
  return `tfexp SIMD kernels on ${message.plural(simd.threads, 'thread')}, ${build}${error === null ? '' : ` (their worker threads failed: ${error})`}`;
}

/**
 * WebGPU's status: package, Vulkan loader and drivers (Linux), the adapters Dawn offers
 * (the high-performance one and the fallback one), hardware or software; "available"
 * once tfjs's webgpu backend really started on the adapter (it is stopped again).
 */
async function webgpuStatus(importer: Importer): Promise<BackendStatus> {
  const version = dawnVersion();
  const pkg = `@tensorflow/tfjs-backend-webgpu on ${WEBGPU_PACKAGE}${version === null ? '' : ` ${version}`}`;
  const probe = await probeWebGpu({ importer, childFirst: true });
  const notes = probe.vulkan === null ? [] : vulkanNotes(probe.vulkan);
  if (!probe.ok) {
    const fix = !probe.installed ? message.INSTALL_WEBGPU : (probe.vulkan?.problem ?? undefined);
    return { backend: 'webgpu', package: pkg, available: false, detail: probe.reason, notes, ...(fix ? { fix } : {}) };
  }
  const adapters: GpuAdapterInfo[] = [probe.info];
  const fallback = await probe.gpu.requestAdapter({ forceFallbackAdapter: true }).catch(() => null);
  if (fallback !== null && message.adapterLine(describeAdapter(fallback)) !== message.adapterLine(probe.info)) adapters.push(describeAdapter(fallback));
  notes.push(...adapters.map((a) => `adapter: ${message.adapterLine(a)}`));
  try {
    await startWebGpu(probe.gpu, probe.adapter);
  } catch (error) {
    return { backend: 'webgpu', package: pkg, available: false, detail: message.webgpuDeviceFailed(String((error as Error).message).split('\n')[0]!), notes };
  } finally {
    stopWebGpu();
  }
  const software = probe.info.kind === 'software';
  return {
    backend: 'webgpu',
    package: pkg,
    available: true,
    detail: software ? message.webgpuSoftwareOnly(probe.info) : `available, GPU adapter ${message.adapterLine(probe.info)}`,
    notes,
    ...(software ? { fix: message.WEBGPU_NO_HARDWARE } : {}),
  };
}

/** The Vulkan loader and driver lines of doctor's webgpu entry. */
function vulkanNotes(vulkan: VulkanStatus): string[] {
  const drivers = vulkan.override ?? (vulkan.drivers.length > 0 ? vulkan.drivers.join(', ') : 'none');
  return [`Vulkan loader: ${vulkan.loader ?? 'not found'}; drivers: ${drivers}`];
}
