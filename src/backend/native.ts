/**
 * The native TensorFlow backends: `@tensorflow/tfjs-node-gpu` (CUDA) and
 * `@tensorflow/tfjs-node` (CPU). Both are optional: their install script
 * downloads libtensorflow, which fails without internet, and npm then leaves
 * the package out. Loading one registers the `tensorflow` backend.
 */

/** A native package tfexp knows how to use, in the order `auto` tries them. */
export const NATIVE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;
export type NativePackage = (typeof NATIVE_PACKAGES)[number];

/** Loads a module by name; injectable so tests can simulate missing or broken packages. */
export type Importer = (specifier: string) => Promise<unknown>;

// A variable specifier keeps TypeScript from resolving the optional packages at build time.
export const defaultImporter: Importer = (specifier) => import(specifier);

/** Outcome of trying to load a native package. */
export type NativeLoad = { ok: true } | { ok: false; installed: boolean; reason: string };

/**
 * Sets TF_FORCE_GPU_ALLOW_GROWTH=true unless the user set it. TensorFlow otherwise maps
 * nearly all GPU memory at start (tfjs issues #671, #2611), starving every other process
 * on the GPU; growth allocates as tensors need it. Read by libtensorflow when it creates
 * its GPU device, so this runs before the package loads.
 * @returns whether tfexp set it (false when the environment already had a value).
 */
export function allowGpuMemoryGrowth(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.TF_FORCE_GPU_ALLOW_GROWTH !== undefined) return false;
  env.TF_FORCE_GPU_ALLOW_GROWTH = 'true';
  return true;
}

/**
 * Tries to load `pkg` (after allowGpuMemoryGrowth).
 * @returns ok, or whether the package is installed and why it could not be used
 *   ("not installed", or the first line of the binding's error).
 */
export async function loadNative(pkg: NativePackage, importer: Importer = defaultImporter): Promise<NativeLoad> {
  allowGpuMemoryGrowth();
  try {
    await importer(pkg);
    return { ok: true };
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    const missing = (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && String(err.message).includes(pkg);
    if (missing) return { ok: false, installed: false, reason: 'not installed' };
    const first = String(err.message ?? err).split('\n')[0];
    return { ok: false, installed: true, reason: `installed, but its native binding failed to load: ${first}` };
  }
}
