/** Identity for wasm without a copy. */
import type { KernelFn, TensorInfo } from './common.js';

/**
 * The output shares the input's data (reference-counted), as the cpu and webgl
 * backends and this backend's own Reshape do; the package's Identity copies (about
 * 6 ms per baseline training step). Strings: the package's kernel.
 */
export function identity(fallback: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as { x: TensorInfo };
    if (x.dtype === 'string') return fallback(args);
    args.backend.incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  };
}
