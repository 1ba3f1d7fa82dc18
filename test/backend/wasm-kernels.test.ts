/**
 * tfexp's WASM training kernels against the reference `cpu` backend, on small
 * random tensors. Tolerance: max |wasm - cpu| <= 1e-4 * max(1, max |cpu|)
 * (float32 sums in a different order). Dilation > 1 is not tested: tfjs 4.22
 * has no gradient for dilated convolutions on any backend, and tfexp's model
 * checks reject dilation_rate > 1 (test/model/checks.test.ts).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../src/backend/select.js';
import { kernelVariant } from '../../src/backend/simd/pool.js';
import { makeOutputs } from '../../src/backend/wasm-kernels/common.js';
import { simdKernelsOnActiveBackend, simdKernelState, useSimdKernels } from '../../src/backend/wasm-kernels/index.js';
import { assertClose, on } from './close.js';

/** Deterministic random values in [-1, 1). */
function values(shape: number[], seed: number): tf.Tensor {
  return tf.randomUniform(shape, -1, 1, 'float32', seed);
}

before(async () => {
  const choice = await selectBackend({ request: 'wasm', threads: 2 });
  assert.equal(choice.name, 'wasm');
});

describe('tfexp SIMD kernels', () => {
  // Without this, a module that stopped loading would pass every test below on the fallbacks.
  it('are in use, on the backend\'s 2 threads, after a convolution gradient', async () => {
    await tf.setBackend('wasm');
    tf.tidy(() => tf.grad((x: tf.Tensor) => tf.sum(tf.conv2d(x as tf.Tensor4D, tf.ones([3, 3, 4, 8]) as tf.Tensor4D, 1, 'same')))(tf.ones([1, 5, 5, 4])));
    assert.deepEqual(simdKernelState(), { enabled: true, error: null });
    assert.deepEqual(simdKernelsOnActiveBackend(), { threads: 2, kernels: kernelVariant() });
  });
});

describe('Conv2D gradients on wasm equal cpu', () => {
  const cases = [
    { x: [2, 7, 7, 1], f: [3, 3, 1, 4], strides: 1, pad: 'same' },
    { x: [2, 7, 7, 1], f: [3, 3, 1, 4], strides: 2, pad: 'same' },
    { x: [2, 8, 8, 3], f: [3, 3, 3, 5], strides: 1, pad: 'valid' },
    { x: [2, 8, 8, 3], f: [3, 3, 3, 5], strides: 2, pad: 'valid' },
    { x: [1, 9, 6, 2], f: [2, 3, 2, 3], strides: 1, pad: 'same' },
    { x: [3, 5, 5, 4], f: [5, 5, 4, 2], strides: 1, pad: 'same' },
    // Whole SIMD tiles (4 input x 8 output channels) plus tails of both.
    { x: [2, 9, 9, 6], f: [3, 3, 6, 17], strides: 1, pad: 'same' },
    { x: [2, 9, 9, 9], f: [3, 3, 9, 16], strides: 2, pad: 'valid' },
  ] as const;
  for (const c of cases) {
    for (const simd of [true, false]) {
      it(`x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}: d/dx and d/dfilter${simd ? '' : ' (fallbacks: SIMD kernels off)'}`, async () => {
        useSimdKernels(simd);
        const grads = () => {
          const x = values([...c.x], 1);
          const f = values([...c.f], 2);
          const y = tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad);
          const dy = values(y.shape, 3);
          return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad), dy)))([x, f]);
        };
        const [wdx, wdf] = await on('wasm', grads).finally(() => useSimdKernels(true));
        const [cdx, cdf] = await on('cpu', grads);
        assertClose(wdx!, cdx!, 'dx');
        assertClose(wdf!, cdf!, 'dfilter');
      });
    }
  }
});

describe('DepthwiseConv2D gradients on wasm equal cpu', () => {
  const cases = [
    { x: [2, 7, 7, 1], f: [3, 3, 1, 1], strides: 1, pad: 'same', dilation: 1 },
    { x: [2, 7, 7, 3], f: [3, 3, 3, 2], strides: 1, pad: 'valid', dilation: 1 },
    { x: [2, 8, 8, 3], f: [3, 3, 3, 1], strides: 2, pad: 'same', dilation: 1 },
    { x: [2, 8, 8, 2], f: [2, 2, 2, 3], strides: 2, pad: 'valid', dilation: 1 },
  ] as const;
  for (const c of cases) {
    it(`x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}, dilation ${c.dilation}: d/dx and d/dfilter`, async () => {
      const grads = () => {
        const x = values([...c.x], 4);
        const f = values([...c.f], 5);
        const conv = (a: tf.Tensor, b: tf.Tensor) => tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.strides, c.pad, 'NHWC', c.dilation);
        const dy = values(conv(x, f).shape, 6);
        return tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(conv(a, b), dy)))([x, f]);
      };
      const [wdx, wdf] = await on('wasm', grads);
      const [cdx, cdf] = await on('cpu', grads);
      assertClose(wdx!, cdx!, 'dx');
      assertClose(wdf!, cdf!, 'dfilter');
    });
  }
});

describe('SeparableConv2D gradients on wasm equal cpu', () => {
  it('x [2,8,8,3], depthwise [3,3,3,2], pointwise [1,1,6,4], strides 2, same', async () => {
    const grads = () => {
      const x = values([2, 8, 8, 3], 7);
      const d = values([3, 3, 3, 2], 8);
      const p = values([1, 1, 6, 4], 9);
      const conv = (a: tf.Tensor, b: tf.Tensor, q: tf.Tensor) => tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, q as tf.Tensor4D, 2, 'same');
      const dy = values(conv(x, d, p).shape, 10);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, q: tf.Tensor) => tf.sum(tf.mul(conv(a, b, q), dy)))([x, d, p]);
    };
    const wasm = await on('wasm', grads);
    const cpu = await on('cpu', grads);
    ['dx', 'ddepthwise', 'dpointwise'].forEach((what, i) => assertClose(wasm[i]!, cpu[i]!, what));
  });
});

describe('MaxPool gradient on wasm equals cpu', () => {
  const cases = [
    { x: [2, 7, 7, 3], size: 2, strides: 2, pad: 'valid' },
    { x: [2, 7, 7, 3], size: 3, strides: 1, pad: 'same' },
    { x: [1, 8, 8, 5], size: 3, strides: 2, pad: 'same' },
  ] as const;
  for (const c of cases) {
    it(`x ${c.x}, pool ${c.size}, strides ${c.strides}, ${c.pad}`, async () => {
      const grads = () => {
        const x = values([...c.x], 11);
        const pool = (a: tf.Tensor) => tf.maxPool(a as tf.Tensor4D, c.size, c.strides, c.pad);
        const dy = values(pool(x).shape, 12);
        return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(pool(a), dy)))(x)];
      };
      assertClose((await on('wasm', grads))[0]!, (await on('cpu', grads))[0]!, 'dx');
    });
  }

  it('sends the gradient of a tied window to its first maximum, as cpu does (ReLU zeros tie often)', async () => {
    const grads = () => {
      const x = tf.relu(values([2, 6, 6, 4], 13));
      const dy = values([2, 3, 3, 4], 14);
      return [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), dy)))(x)];
    };
    assertClose((await on('wasm', grads))[0]!, (await on('cpu', grads))[0]!, 'dx');
  });
});

describe('Sum on wasm equals cpu', () => {
  const cases = [
    { shape: [64, 9, 9, 37], axis: [0, 1, 2], keepDims: false }, // a bias gradient: SIMD kernel
    { shape: [3, 300, 16], axis: [1, 0], keepDims: true }, // leading axes in any order
    { shape: [10, 7], axis: 0, keepDims: false },
    { shape: [4, 5, 6], axis: [-3], keepDims: false },
    { shape: [4, 5, 6], axis: [1, 2], keepDims: false }, // not leading: the package's kernel
    { shape: [4, 5], axis: [0, 1], keepDims: false }, // every axis: the package's kernel
  ] as const;
  for (const c of cases) {
    it(`shape ${c.shape}, axis ${c.axis}, keepDims ${c.keepDims}`, async () => {
      const run = () => {
        const out = tf.sum(values([...c.shape], 21), c.axis as number | number[], c.keepDims);
        return [out, tf.tensor1d(out.shape.length ? out.shape : [0])];
      };
      const [wasm, wasmShape] = await on('wasm', run);
      const [cpu, cpuShape] = await on('cpu', run);
      assert.deepEqual(wasmShape, cpuShape);
      assertClose(wasm!, cpu!, 'sum');
    });
  }
});

describe('Identity on wasm', () => {
  it('shares the data, and the copy outlives its source', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1, 2, 3]);
    const before = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    assert.equal(tf.memory().numDataBuffers, before, 'no new buffer');
    x.dispose();
    assert.deepEqual([...(await y.data())], [1, 2, 3]);
    y.dispose();
  });
});

describe('Conv2D and FusedConv2D forward on wasm equal cpu', () => {
  const cases = [
    { x: [2, 9, 9, 4], f: [3, 3, 4, 8], strides: 1, pad: 'same' },
    { x: [2, 9, 7, 6], f: [3, 3, 6, 13], strides: 2, pad: 'same' },
    { x: [3, 8, 8, 9], f: [2, 3, 9, 7], strides: 1, pad: 'valid' },
    { x: [1, 5, 5, 1], f: [3, 3, 1, 8], strides: 1, pad: 'same' }, // 1 input channel: XNNPACK
  ] as const;
  for (const c of cases) {
    for (const activation of ['linear', 'relu', 'relu6', 'elu'] as const) {
      it(`x ${c.x}, filter ${c.f}, strides ${c.strides}, ${c.pad}, bias + ${activation}; and without bias`, async () => {
        const run = () => {
          const x = tf.mul(values([...c.x], 31), 4); // wide enough for relu6 to clip
          const f = values([...c.f], 32);
          const bias = values([c.f[3]], 33);
          return [
            tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, c.strides, c.pad),
            tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad, bias, activation }),
            tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides: c.strides, pad: c.pad, activation }),
          ];
        };
        const wasm = await on('wasm', run);
        const cpu = await on('cpu', run);
        ['conv2d', 'fused with bias', 'fused without bias'].forEach((what, i) => assertClose(wasm[i]!, cpu[i]!, what));
        // The plain kernel sums in XNNPACK's order, so it gives the package's results exactly (the
        // relaxed one fuses each multiply-add: other last bits, within the tolerance above).
        if (kernelVariant() === 'relaxed') return;
        useSimdKernels(false);
        const xnnpack = await on('wasm', run).finally(() => useSimdKernels(true));
        xnnpack.forEach((values, i) => assert.ok(values.every((v, j) => Object.is(v, wasm[i]![j])), `output ${i} differs from XNNPACK's`));
      });
    }
  }
});

describe('BatchMatMul on wasm equals cpu', () => {
  // One operand transposed runs as a 1 x 1 convolution (matmul.ts); the others are the package's.
  const cases = [
    { a: [64, 40], b: [64, 10], transposeA: true, transposeB: false },
    { a: [1, 64, 40], b: [1, 64, 10], transposeA: true, transposeB: false },
    { a: [3, 2], b: [3, 5], transposeA: true, transposeB: false }, // K < 4: XNNPACK's Conv2D
    { a: [6, 10], b: [40, 10], transposeA: false, transposeB: true },
    { a: [1, 6, 10], b: [1, 40, 10], transposeA: false, transposeB: true },
    { a: [5, 3], b: [9, 3], transposeA: false, transposeB: true },
    { a: [2, 4, 3], b: [2, 5, 3], transposeA: false, transposeB: true }, // a batch: the package's
    { a: [4, 6], b: [6, 5], transposeA: false, transposeB: false },
    { a: [6, 4], b: [5, 6], transposeA: true, transposeB: true },
  ] as const;
  for (const c of cases) {
    it(`a [${c.a}]${c.transposeA ? '^T' : ''} b [${c.b}]${c.transposeB ? '^T' : ''}`, async () => {
      const run = () => {
        const out = tf.matMul(values([...c.a], 41), values([...c.b], 42), c.transposeA, c.transposeB);
        return [out, tf.tensor1d(out.shape)];
      };
      const [wasm, wasmShape] = await on('wasm', run);
      const [cpu, cpuShape] = await on('cpu', run);
      assert.deepEqual(wasmShape, cpuShape);
      assertClose(wasm!, cpu!, 'product');
    });
  }

  it('runs a^T b as Transpose + Conv2D and a b^T as Conv2DBackpropInput (the SIMD kernels), a b as the package\'s', async () => {
    await tf.setBackend('wasm');
    const calls: string[] = [];
    const spied = ['Transpose', 'Conv2D', 'Conv2DBackpropInput'].map((kernelName) => {
      const config = tf.getKernel(kernelName, 'wasm')!;
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel({ ...config, kernelFunc: (args) => (calls.push(kernelName), config.kernelFunc(args)) });
      return config;
    });
    try {
      const a = values([64, 40], 43);
      const b = values([64, 10], 44);
      const held = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
      tf.dispose(tf.matMul(a, b, true, false));
      assert.deepEqual(calls.splice(0), ['Transpose', 'Conv2D']);
      assert.equal((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), held, 'the transposed copy is freed');
      tf.dispose(tf.matMul(values([5, 40], 46), a, false, true));
      assert.deepEqual(calls.splice(0), ['Conv2DBackpropInput']);
      tf.dispose(tf.matMul(b, values([10, 3], 45)));
      assert.deepEqual(calls, []);
      tf.dispose([a, b]);
    } finally {
      for (const config of spied) {
        tf.unregisterKernel(config.kernelName, 'wasm');
        tf.registerKernel(config);
      }
    }
  });

  it('an int32 product gets the package\'s own error', async () => {
    await tf.setBackend('wasm');
    assert.throws(() => tf.matMul(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], 'int32'), tf.tensor2d([[1, 0], [2, 1], [0, 3]], [3, 2], 'int32'), true, false), /non-float32/);
  });
});

describe('makeOutputs (the kernels\' outputs and scratch)', () => {
  it('frees the outputs it made when a later one cannot be allocated, then rethrows', () => {
    const disposed: object[] = [];
    let made = 0;
    const backend = {
      makeOutput: (shape: number[]) => {
        if (++made === 3) throw new Error('out of heap');
        return { dataId: { made }, shape, dtype: 'float32' as const };
      },
      disposeData: (dataId: object) => (disposed.push(dataId), true),
    } as unknown as Parameters<typeof makeOutputs>[0];
    assert.throws(() => makeOutputs(backend, [[2], [3], [4]]), /out of heap/);
    assert.deepEqual(disposed, [{ made: 1 }, { made: 2 }]);
    made = 10;
    assert.deepEqual(makeOutputs(backend, [[5]]).map((t) => t.shape), [[5]]);
  });
});
