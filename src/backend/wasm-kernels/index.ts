/**
 * Training kernels for the WASM backend, registered over or next to the package's.
 *
 * tfjs-backend-wasm 4.22 registers no Conv2DBackpropFilter and no depthwise
 * backprop kernels, so a Conv2D, DepthwiseConv2D or SeparableConv2D layer cannot
 * train on it, and several of its kernels are slow for training. Here, one file per
 * kernel family:
 * - convolution.ts  Conv2D, FusedConv2D, Conv2DBackpropFilter, Conv2DBackpropInput
 * - depthwise.ts    DepthwiseConv2dNativeBackpropInput/Filter
 * - pooling.ts      MaxPoolGrad
 * - matmul.ts       BatchMatMul with one operand transposed (a Dense layer's gradients)
 * - sum.ts          Sum over leading axes (bias gradients)
 * - relu-bias-grad.ts  ReLU's gradient with the bias gradient (src/model/conv2d-bias-activation.ts)
 * - identity.ts     Identity without a copy
 * - rmsprop.ts      the fused RMSprop update of src/model/rmsprop.ts
 * The heavy ones run tfexp's C kernels (../simd/) in place on the tfjs heap, on
 * tfexp's threads; each has a fallback for when that module cannot load. Every
 * kernel is tested against the `cpu` backend with the SIMD kernels on and off
 * (test/backend/wasm-kernels.test.ts), and each SIMD kernel against its
 * definition (test/backend/simd.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
// The package registers its kernels for `wasm`; the ones below replace or add to them.
import '@tensorflow/tfjs-backend-wasm';
import { RELU_BIAS_GRAD } from '../../model/conv2d-bias-activation.js';
import { RMSPROP_UPDATE } from '../../model/rmsprop.js';
import { pool, simdKernelState, type KernelFn, type MultiKernelFn, type WasmBackend } from './common.js';
import { conv2DBackpropFilter, conv2DBackpropInput, convolution, setPackageConv2D } from './convolution.js';
import { depthwiseBackpropFilter, depthwiseBackpropInput } from './depthwise.js';
import { identity } from './identity.js';
import { batchMatMul } from './matmul.js';
import { maxPoolGrad } from './pooling.js';
import { reluBiasGrad } from './relu-bias-grad.js';
import { rmspropUpdate } from './rmsprop.js';
import { sum } from './sum.js';
import type { KernelVariant } from '../simd/pool.js';

export { simdKernelState, useSimdKernels } from './common.js';

/** How tfexp's SIMD kernels run on the active (wasm) backend: on how many threads, or why they are off. */
export function simdKernelsOnActiveBackend(): { threads: number; kernels: KernelVariant } | { error: string } {
  const simd = pool(tf.backend() as unknown as WasmBackend);
  return simd !== undefined ? { threads: simd.threads, kernels: simd.variant } : { error: simdKernelState().error ?? 'switched off' };
}

let registered = false;

/**
 * Registers the kernels above for the `wasm` backend (once per process).
 * Call after importing tfjs-backend-wasm and before training on it.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  const packageKernel = (name: string) => tf.getKernel(name, 'wasm')?.kernelFunc as unknown as KernelFn;
  const replace = (kernelName: string, kernelFunc: KernelFn | MultiKernelFn) => {
    const existing = tf.getKernel(kernelName, 'wasm');
    if (existing !== undefined) tf.unregisterKernel(kernelName, 'wasm');
    // Keep the package's setup (its cwrap bindings), which the fallback paths need.
    tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc, setupFunc: existing?.setupFunc });
  };
  setPackageConv2D(packageKernel('Conv2D'));
  replace('Conv2D', convolution(packageKernel('Conv2D'), false));
  replace('FusedConv2D', convolution(packageKernel('FusedConv2D'), true));
  replace('Conv2DBackpropFilter', conv2DBackpropFilter);
  replace('Conv2DBackpropInput', conv2DBackpropInput(packageKernel('Conv2DBackpropInput')));
  replace('DepthwiseConv2dNativeBackpropFilter', depthwiseBackpropFilter);
  replace('DepthwiseConv2dNativeBackpropInput', depthwiseBackpropInput);
  replace('MaxPoolGrad', maxPoolGrad(packageKernel('MaxPoolGrad')));
  replace('BatchMatMul', batchMatMul(packageKernel('BatchMatMul')));
  replace('Sum', sum(packageKernel('Sum')));
  replace('Identity', identity(packageKernel('Identity')));
  replace(RMSPROP_UPDATE, rmspropUpdate);
  replace(RELU_BIAS_GRAD, reluBiasGrad);
}
