/** What tfexp's wasm kernels share: types, helpers, and access to the SIMD kernel pool. */
import * as tf from '@tensorflow/tfjs';
import { InternalError } from '../../errors.js';
import { simdPool, SimdTimeout, type SimdPool } from '../simd/pool.js';

export type TensorInfo = tf.TensorInfo;
export type Attrs = Record<string, unknown>;

/** The parts of BackendWasm these kernels use. */
export interface WasmBackend {
  /** The Emscripten module (its heap is what tfexp's SIMD kernels run on). */
  wasm: Parameters<typeof simdPool>[0];
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
  disposeData(dataId: object): boolean;
  incRef(dataId: object): void;
}

export type KernelArgs = { inputs: Record<string, TensorInfo>; backend: WasmBackend; attrs: Attrs };
export type KernelFn = (args: KernelArgs) => TensorInfo;
/** A kernel with several outputs. */
export type MultiKernelFn = (args: KernelArgs) => TensorInfo[];

/** A registered wasm kernel's function (looked up at call time, so profilers that wrap kernels see the calls). */
export function kernel(name: string): KernelFn {
  const config = tf.getKernel(name, 'wasm');
  if (config === undefined) throw new InternalError(`wasm kernel ${name} is not registered`);
  return config.kernelFunc as unknown as KernelFn;
}

export function dispose(backend: WasmBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/**
 * float32 outputs of the given shapes, made in order. If one cannot be allocated (the heap is
 * full), the ones already made are freed before the error is rethrown, so a failed kernel leaks
 * nothing.
 */
export function makeOutputs(backend: WasmBackend, shapes: readonly number[][]): TensorInfo[] {
  const made: TensorInfo[] = [];
  try {
    for (const shape of shapes) made.push(backend.makeOutput(shape, 'float32'));
  } catch (error) {
    dispose(backend, ...made);
    throw error;
  }
  return made;
}

/** Heap byte offset of a tensor's data. */
export function address(backend: WasmBackend, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset;
}

/**
 * Runs `fill` (which writes the outputs) and returns the outputs; `scratch` is freed
 * after. If `fill` throws, the outputs are freed too before rethrowing, except after a
 * SimdTimeout: a worker may still be writing, so that memory is left allocated.
 */
export function withOutputs<T extends TensorInfo | TensorInfo[]>(backend: WasmBackend, outputs: T, scratch: TensorInfo[], fill: () => void): T {
  try {
    fill();
  } catch (error) {
    if (!(error instanceof SimdTimeout)) dispose(backend, ...(Array.isArray(outputs) ? outputs : [outputs]), ...scratch);
    throw error;
  }
  dispose(backend, ...scratch);
  return outputs;
}

/**
 * Throws if an input does not have the shape the kernel indexes it by (e.g. a
 * gradient's dy: tfjs-core checks only its rank and channels).
 * @throws InternalError naming the kernel and both shapes.
 */
export function checkShape(what: string, input: TensorInfo, expected: number[]): void {
  if (input.shape.length !== expected.length || input.shape.some((size, i) => size !== expected[i])) {
    throw new InternalError(`${what}: shape [${input.shape}], expected [${expected}]`);
  }
}

export type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/**
 * tfjs's geometry of an NHWC convolution (depthwise: filter [kh, kw, ci, multiplier])
 * from a kernel's attributes; dilation 1 where the kernel has no `dilations`.
 */
export function convInfo(xShape: number[], filterShape: number[], attrs: Attrs, depthwise = false): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number],
    (attrs.dilations ?? 1) as number | [number, number],
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'round' | undefined,
    depthwise,
    'channelsLast',
  );
}

let simdEnabled = true;
let simdError: string | null = null;

/** The SIMD kernel pool on this backend's heap; undefined if it cannot start (or is switched off). */
export function pool(backend: WasmBackend): SimdPool | undefined {
  if (!simdEnabled) return undefined;
  try {
    return simdPool(backend.wasm);
  } catch (error) {
    simdEnabled = false; // tried once; the fallbacks take over
    simdError = (error as Error).message;
    return undefined;
  }
}

/**
 * Switches tfexp's SIMD kernels on or off (off: each kernel's fallback runs, as when
 * the SIMD module cannot load). For tests and measurements of the fallbacks.
 */
export function useSimdKernels(enabled: boolean): void {
  simdEnabled = enabled;
  if (enabled) simdError = null;
}

/** Whether the SIMD kernels are in use, and if they failed to load, why. */
export function simdKernelState(): { enabled: boolean; error: string | null } {
  return { enabled: simdEnabled, error: simdError };
}
