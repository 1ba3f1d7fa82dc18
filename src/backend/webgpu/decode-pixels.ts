/**
 * Kernel DECODE_PIXELS on webgpu: uint8 pixels, uploaded packed four to an int32 word
 * (a quarter of the float32 bytes), become float32 on the device through a 256-entry
 * table. The table holds exactly the values the host path computes (`pixel * scale`
 * rounded to float32, src/data/batches.ts), so inputs are bit-identical on every backend;
 * WGSL's division is only accurate to 2.5 ULP, hence a table rather than `pixel / 255`.
 */
import * as tf from '@tensorflow/tfjs';
import { webgpu_util, type WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import { DECODE_PIXELS } from '../../data/batches.js';

/** The program for tfjs-backend-webgpu's runWebGPUProgram (its WebGPUProgram interface). */
class DecodePixelsProgram {
  readonly variableNames = ['packed', 'table'];
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly shaderKey = 'tfexpDecodePixels';
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];

  constructor(readonly outputShape: number[]) {
    this.dispatchLayout = webgpu_util.flatDispatchLayout(outputShape);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }

  getUserCode(): string {
    // Little-endian: pixel i is byte i % 4 of word i / 4 (the Int32Array view of the Uint8Array).
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let word = bitcast<u32>(packed[index / 4]);
          let pixel = (word >> (u32(index % 4) * 8u)) & 255u;
          setOutputAtIndex(index, table[pixel]);
        }
      }`;
  }
}

/** Registers DECODE_PIXELS for the webgpu backend (once). */
export function registerDecodePixels(): void {
  if (tf.getKernel(DECODE_PIXELS, 'webgpu') !== undefined) return;
  tf.registerKernel({
    kernelName: DECODE_PIXELS,
    backendName: 'webgpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const { packed, table } = inputs as { packed: tf.TensorInfo; table: tf.TensorInfo };
      const { shape } = attrs as unknown as { shape: number[] };
      return (backend as WebGPUBackend).runWebGPUProgram(new DecodePixelsProgram(shape) as never, [packed, table], 'float32');
    },
  });
}
