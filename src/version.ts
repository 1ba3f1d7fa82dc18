/** Versions of tfexp and the libraries it runs on (for run.json, doctor and bench). */
import * as tf from '@tensorflow/tfjs';
import { version_wasm } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';

/** tfexp's own version, from package.json. */
export const TFEXP_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

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
    tfjs_backend_wasm: version_wasm,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
}
