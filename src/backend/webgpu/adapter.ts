/**
 * Finding a WebGPU adapter through Dawn's Node bindings (the npm package `webgpu`,
 * an optional dependency: its `dawn.node` ships inside the package for Linux,
 * macOS and Windows, so installing it downloads nothing else). On Linux Dawn
 * drives Vulkan, on macOS Metal, on Windows D3D12.
 *
 * An adapter is "software" when it emulates a GPU on the CPU (SwiftShader,
 * llvmpipe/lavapipe, WARP): WebGPU marks those `isFallbackAdapter`, and tfexp
 * also matches their names, since some drivers do not set the flag. `auto`
 * never picks a software adapter; `--backend webgpu` uses one with a warning.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as message from '../../log/message.js';
import { defaultImporter, type Importer } from '../native.js';
import { vulkanStatus, type VulkanStatus } from './vulkan.js';

/** The npm package of Dawn's Node bindings. */
export const WEBGPU_PACKAGE = 'webgpu';

/** What run.json, the run header, report.html and compare record about the adapter in use. */
export interface GpuAdapterInfo {
  /** e.g. "nvidia", "google" (WebGPU GPUAdapterInfo.vendor; may be empty). */
  readonly vendor: string;
  /** e.g. "hopper", "swiftshader" (may be empty). */
  readonly architecture: string;
  /** Driver's device string (may be empty). */
  readonly device: string;
  /** e.g. "NVIDIA H200", "SwiftShader driver 5.0.0" (may be empty). */
  readonly description: string;
  /** `software`: a CPU emulation of a GPU, for correctness only. */
  readonly kind: 'hardware' | 'software';
}

/** The parts of WebGPU's GPUAdapter tfexp uses. */
export interface GpuAdapterLike {
  readonly info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  readonly isFallbackAdapter?: boolean;
  readonly features: ReadonlySet<string>;
  readonly limits: Record<string, number>;
  requestDevice(descriptor?: object): Promise<unknown>;
}

/** What an adapter says of itself (what describeAdapter reads; all a probe process sends back). */
export type AdapterDescription = Pick<GpuAdapterLike, 'info' | 'isFallbackAdapter'>;

/** The parts of WebGPU's GPU (navigator.gpu) tfexp uses. */
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power'; forceFallbackAdapter?: boolean }): Promise<GpuAdapterLike | null>;
}

/** The `webgpu` package's exports. */
export interface DawnModule {
  /** Makes a GPU object; `flags` are Dawn options such as `backend=vulkan`. (dawn.node 0.6.2 must never garbage-collect one: see gpuObject). */
  create(flags: string[]): GpuLike;
  /** WebGPU's global constants and classes (GPUBufferUsage, GPUMapMode, ...), which tfjs-backend-webgpu reads from globalThis. */
  readonly globals: Record<string, unknown>;
}

/** The adapter found, or why there is none. */
export type WebGpuProbe =
  | {
      readonly ok: true;
      readonly gpu: GpuLike;
      readonly adapter: GpuAdapterLike;
      readonly info: GpuAdapterInfo;
      /** The `webgpu` package's version. */
      readonly version: string | null;
      readonly vulkan: VulkanStatus | null;
    }
  | { readonly ok: false; readonly installed: boolean; readonly reason: string; readonly vulkan: VulkanStatus | null };

/** Names of adapters that emulate a GPU on the CPU. */
const SOFTWARE_NAMES = /swiftshader|llvmpipe|lavapipe|softpipe|\bwarp\b|basic render|software/i;

/**
 * Whether an adapter is a CPU emulation of a GPU: WebGPU's `isFallbackAdapter`
 * (GPUAdapterInfo in current Dawn, GPUAdapter in older builds), or a known
 * software driver's name in vendor, architecture, device or description.
 */
export function isSoftwareAdapter(adapter: AdapterDescription): boolean {
  const info = adapter.info ?? {};
  if (info.isFallbackAdapter === true || adapter.isFallbackAdapter === true) return true;
  return [info.vendor, info.architecture, info.device, info.description].some((text) => text !== undefined && SOFTWARE_NAMES.test(text));
}

/** The adapter's description for run.json (empty strings where the driver says nothing). */
export function describeAdapter(adapter: AdapterDescription): GpuAdapterInfo {
  const info = adapter.info ?? {};
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    kind: isSoftwareAdapter(adapter) ? 'software' : 'hardware',
  };
}

/** Seconds to wait for an adapter before treating the driver as broken. */
const ADAPTER_TIMEOUT_MS = 30_000;

/** Imports Dawn's bindings, or says why they cannot be used. */
async function importDawn(importer: Importer): Promise<{ ok: true; dawn: DawnModule } | { ok: false; installed: boolean; reason: string }> {
  try {
    return { ok: true, dawn: (await importer(WEBGPU_PACKAGE)) as DawnModule };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    // The package itself missing, not a file inside it (a dawn.node for another platform only).
    const missing = (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && new RegExp(`Cannot find (package|module) '${WEBGPU_PACKAGE}'`).test(String(err.message));
    if (missing) return { ok: false, installed: false, reason: 'not installed' };
    return { ok: false, installed: true, reason: `installed, but dawn.node failed to load: ${String(err.message ?? err).split('\n')[0]}` };
  }
}

/**
 * One GPU object per Dawn module, never released: dawn.node 0.6.2 crashes (SIGSEGV or SIGABRT
 * in InstanceBase::ProcessEvents) when a GPU object it made is garbage-collected while the
 * process runs on. A Map, not a WeakMap, so wrapped modules (tests) keep theirs too.
 */
const gpuObjects = new Map<DawnModule, GpuLike>();

function gpuObject(dawn: DawnModule): GpuLike {
  let gpu = gpuObjects.get(dawn);
  if (gpu === undefined) gpuObjects.set(dawn, (gpu = dawn.create([])));
  return gpu;
}

/** Gives tfjs-backend-webgpu the WebGPU globals it reads (GPUBufferUsage, GPUMapMode, ...), keeping any already there. */
function installGlobals(globals: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in globalThis)) Object.defineProperty(globalThis, name, { value, writable: true, configurable: true });
  }
}

/**
 * Looks for a WebGPU adapter (high-performance preference: a discrete GPU over an integrated one).
 * With the real `webgpu` package, on Linux it first checks the Vulkan loader and drivers: when
 * either is missing it does not start Dawn at all (which would only print Vulkan warnings) and
 * says what to install; with options.childFirst or hardwareOnly it then asks a child process
 * (adapterInChildProcess). An injected importer (tests) stands in for the whole GPU stack, so
 * neither check runs. Reads VK_ICD_FILENAMES / VK_DRIVER_FILES / LD_LIBRARY_PATH from process.env.
 * Never throws: a missing package, a binding that fails to load, no adapter, a failing
 * or hanging adapter request all come back as `ok: false` with the reason.
 * @param options whether to ask a child process first, and the importer (ProbeOptions).
 */
export async function probeWebGpu(options: ProbeOptions = {}): Promise<WebGpuProbe> {
  const importer = options.importer ?? defaultImporter;
  const imported = await importDawn(importer);
  if (!imported.ok) return { ...imported, vulkan: null };
  const real = importer === defaultImporter;
  const vulkan = real && process.platform === 'linux' ? vulkanStatus(process.env) : null;
  if (vulkan?.problem) return { ok: false, installed: true, reason: `no WebGPU adapter: ${vulkan.summary}`, vulkan };
  if (real && (options.childFirst || options.hardwareOnly)) {
    const seen = await adapterInChildProcess();
    if ('failed' in seen) return { ok: false, installed: true, reason: `the adapter request failed: ${seen.failed}`, vulkan };
    if (seen.adapter === null) return { ok: false, installed: true, reason: noAdapter(vulkan), vulkan };
    const info = describeAdapter(seen.adapter);
    if (options.hardwareOnly && info.kind === 'software') return { ok: false, installed: true, reason: message.softwareAdapterSkipped(info), vulkan };
  }
  const { dawn } = imported;
  let gpu: GpuLike;
  let adapter: GpuAdapterLike | null;
  try {
    installGlobals(dawn.globals ?? {});
    gpu = gpuObject(dawn);
    adapter = await withTimeout(gpu.requestAdapter({ powerPreference: 'high-performance' }), ADAPTER_TIMEOUT_MS);
  } catch (error) {
    return { ok: false, installed: true, reason: `the adapter request failed: ${String((error as Error).message ?? error).split('\n')[0]}`, vulkan };
  }
  if (adapter === null) return { ok: false, installed: true, reason: noAdapter(vulkan), vulkan };
  return { ok: true, gpu, adapter, info: describeAdapter(adapter), version: dawnVersion(), vulkan };
}

/** Options of probeWebGpu. */
export interface ProbeOptions {
  /** How the `webgpu` package is imported (default: import()); tests inject fakes. */
  readonly importer?: Importer;
  /**
   * First ask for an adapter in a child process (adapterInChildProcess), and come back without
   * starting Dawn here when there is none, so that Dawn's and the drivers' own stderr lines stay
   * in the child (tfexp doctor). Dawn starts here only to use the adapter the child found.
   */
  readonly childFirst?: boolean;
  /**
   * childFirst, and only a hardware adapter will do (`--backend auto`, bench): a software one
   * comes back as `ok: false`, its reason saying it was skipped, without starting Dawn here.
   */
  readonly hardwareOnly?: boolean;
}

function noAdapter(vulkan: VulkanStatus | null): string {
  const drivers = vulkan === null ? '' : ` (Vulkan drivers: ${vulkan.drivers.join(', ')})`;
  return `no WebGPU adapter: the GPU driver offers no device Dawn can use${drivers}`;
}

/** What probe-child.mjs found: the adapter (null: none), or why the child gave no answer. */
export type ChildAdapter = { readonly adapter: AdapterDescription | null } | { readonly failed: string };

/** The child's answers for process.env, by process: doctor and the auto choice after it ask once. */
let childAnswer: Promise<ChildAdapter> | undefined;

/**
 * Asks Dawn for an adapter (high-performance preference) in a child Node process running
 * probe-child.mjs, whose stderr is read and dropped: Dawn and the Vulkan drivers write lines of
 * their own there while they list adapters (libwayland's "XDG_RUNTIME_DIR is invalid or not set"
 * twice on any machine without a desktop session, Dawn's warnings about adapters it refuses), which
 * a user of `--backend auto` on a machine with no usable GPU should not see. Costs a process start
 * and Dawn's load, 0.1-0.3 s; asked once per process for process.env. Never throws.
 * @param env the child's environment (VK_ICD_FILENAMES and the like).
 * @param script the child's script (tests).
 * @returns the adapter's description fields, null for none, or `failed`: Dawn's first error
 *   line, the child's exit status, or the timeout (ADAPTER_TIMEOUT_MS, a hung driver).
 */
export function adapterInChildProcess(env: NodeJS.ProcessEnv = process.env, script: URL = new URL('./probe-child.mjs', import.meta.url)): Promise<ChildAdapter> {
  if (env !== process.env) return askChild(env, script);
  return (childAnswer ??= askChild(env, script));
}

/** What starts the child's answer line (passed to the child as its argument). */
const MARKER = 'tfexp-adapter ';

function askChild(env: NodeJS.ProcessEnv, script: URL): Promise<ChildAdapter> {
  return new Promise((resolve) => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(process.execPath, [fileURLToPath(script), MARKER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      resolve({ failed: `a probe process could not start: ${(error as Error).message}` });
      return;
    }
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => void (stdout += chunk));
    child.stderr?.resume(); // read and dropped: Dawn's and the drivers' own lines
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, ADAPTER_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ failed: `a probe process could not start: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return resolve({ failed: `no answer in ${ADAPTER_TIMEOUT_MS / 1000} s (a hung GPU driver?)` });
      const answer = parseAnswer(stdout);
      if (answer !== null) return resolve(answer);
      resolve({ failed: `a probe process ended with ${signal ?? `exit code ${code}`} and no answer` });
    });
  });
}

/** The child's answer line (the last with the marker), or null when there is none or it is malformed. */
function parseAnswer(stdout: string): ChildAdapter | null {
  const line = stdout.split('\n').reverse().find((l) => l.startsWith(MARKER));
  if (line === undefined) return null;
  try {
    const answer = JSON.parse(line.slice(MARKER.length)) as { adapter?: unknown; error?: unknown };
    if (typeof answer.error === 'string') return { failed: answer.error };
    if (answer.adapter === null) return { adapter: null };
    if (typeof answer.adapter === 'object' && answer.adapter !== undefined) return { adapter: answer.adapter as AdapterDescription };
  } catch {
    // malformed: no answer
  }
  return null;
}

/** The installed `webgpu` package's version, or null when it cannot be read. */
export function dawnVersion(): string | null {
  try {
    return (createRequire(import.meta.url)(`${WEBGPU_PACKAGE}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms / 1000} s (a hung GPU driver?)`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
