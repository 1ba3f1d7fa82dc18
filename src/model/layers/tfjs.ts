/**
 * `@tensorflow/tfjs`, loaded on first use. The layer kinds pair a pure `plan` with a
 * `build` that calls `tf.layers`; importing tfjs at the top of their files would make
 * every planner (`tfexp validate`, `render`, `data`) load it, about 1 s (issue 13).
 * Only `build` and the argument helpers touch this namespace, so tfjs loads when a
 * model is built and not before.
 *
 * tfjs is a CommonJS package without an `exports` map: `require` here and
 * `import * as tf from '@tensorflow/tfjs'` elsewhere (build.ts, the backends) load
 * the same file, so both see one engine and one set of registered backends.
 */
import { createRequire } from 'node:module';

type Tfjs = typeof import('@tensorflow/tfjs');

const require = createRequire(import.meta.url);
let loaded: Tfjs | undefined;

/** The tfjs namespace; its first property access loads the package. */
export const tf: Tfjs = new Proxy({} as Tfjs, {
  get: (_target, key) => (loaded ??= require('@tensorflow/tfjs') as Tfjs)[key as keyof Tfjs],
});
