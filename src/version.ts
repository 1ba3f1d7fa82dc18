/** Versions of tfexp and the libraries it runs on (for run.json, doctor and bench). */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const packageVersion = (path: string) => (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;

/** tfexp's own version, from package.json. */
export const TFEXP_VERSION: string = packageVersion(new URL('../package.json', import.meta.url).pathname);

export interface Versions {
  readonly tfexp: string;
  readonly tfjs: string;
  readonly tfjs_backend_wasm: string;
  readonly node: string;
  readonly platform: string;
}

export function versions(): Versions {
  return {
    tfexp: TFEXP_VERSION,
    tfjs: tf.version.tfjs,
    // Read from its package.json: importing the package would make it the default backend.
    tfjs_backend_wasm: packageVersion(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
