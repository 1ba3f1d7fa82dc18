/**
 * Starting tfjs's `webgpu` backend (@tensorflow/tfjs-backend-webgpu) on an adapter tfexp
 * chose, instead of the package's own factory, which asks `navigator.gpu` for whatever
 * adapter it gets. The package registers that factory only when `navigator.gpu` exists
 * at import; tfexp never sets it, so importing the package adds the webgpu kernels and
 * nothing else, and tfjs's default backend does not change. The backend's constructor
 * then checks for `navigator.gpu`, so tfexp sets it after the import, to the GPU object
 * its adapter came from (Node 21+ has a `navigator` without `gpu`; Node 20 has none).
 */
import * as tf from '@tensorflow/tfjs';
import { describeAdapter, type GpuAdapterLike, type GpuLike } from './adapter.js';

/** Device limits tfjs-backend-webgpu raises to the adapter's maximum (its base.ts does the same). */
const RAISED_LIMITS = [
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupSizeX',
  'maxComputeInvocationsPerWorkgroup',
] as const;

/** Optional features tfjs-backend-webgpu uses when present (timestamps for its profiler). */
const WANTED_FEATURES = ['timestamp-query', 'bgra8unorm-storage'] as const;

/** The GPU object of the running backend, held while it runs. */
let held: GpuLike | null = null;
/** The adapter the running backend uses (its info as JSON). */
let heldKey = '';

/**
 * Requests a device on `adapter` and makes `webgpu` the active tfjs backend on it.
 * @param gpu the GPU object the adapter came from (kept referenced while the backend runs).
 * @throws Error when the device cannot be created or the backend does not start; the message says why.
 */
export async function startWebGpu(gpu: GpuLike, adapter: GpuAdapterLike): Promise<void> {
  // One device per adapter and process: a second run in the same process (sweeps, tests) reuses it.
  const key = JSON.stringify(describeAdapter(adapter));
  if (held !== null && heldKey === key && tf.findBackend('webgpu') !== null) {
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not switch back to its webgpu backend');
    return;
  }
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  const { registerDecodePixels } = await import('./decode-pixels.js');
  const { registerDeterministicMatMul } = await import('./deterministic-matmul.js');
  registerDecodePixels();
  registerDeterministicMatMul();
  const requiredLimits = Object.fromEntries(RAISED_LIMITS.filter((name) => adapter.limits[name] !== undefined).map((name) => [name, adapter.limits[name]]));
  const requiredFeatures = WANTED_FEATURES.filter((name) => adapter.features.has(name));
  const device = await adapter.requestDevice({ requiredFeatures, requiredLimits });
  if (tf.findBackend('webgpu') !== null) tf.removeBackend('webgpu');
  setNavigatorGpu(gpu);
  // Priority 0: registering must not make webgpu the default of code that never asked for it.
  tf.registerBackend('webgpu', () => new WebGPUBackend(device as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as never), 0);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start its webgpu backend on this device');
  held = gpu;
  heldKey = key;
}

/**
 * Stops the webgpu backend (its buffers and device are freed) and removes `navigator.gpu`;
 * tfjs falls back to its default backend. A no-op when webgpu is not running. (Node exits
 * with a running backend too; this is for code that wants the GPU memory back.)
 */
export function stopWebGpu(): void {
  if (tf.findBackend('webgpu') !== null) tf.removeBackend('webgpu');
  if (held !== null) setNavigatorGpu(undefined);
  held = null;
}

/** Sets or removes `navigator.gpu`, creating `navigator` where Node has none. */
function setNavigatorGpu(gpu: GpuLike | undefined): void {
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (scope.navigator === undefined) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  if (gpu === undefined) delete scope.navigator!.gpu;
  else Object.defineProperty(scope.navigator, 'gpu', { value: gpu, writable: true, configurable: true });
}

