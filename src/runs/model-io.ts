/**
 * Saving and loading models and optimizer state as files, in the TensorFlow.js
 * layers format (`model.json` + `weights.bin`), without tfjs-node (whose
 * `file://` handler is not available with the wasm and cpu backends).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from './atomic.js';

const WEIGHTS_FILE = 'weights.bin';

function joinBuffers(data: tf.io.WeightData | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  const parts = Array.isArray(data) ? data : [data];
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(new Uint8Array(part), at);
    at += part.byteLength;
  }
  return out;
}

/**
 * Saves `model` to `dir`/model.json and `dir`/weights.bin; loadable with
 * `tf.loadLayersModel` (and `loadModel` below).
 */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      writeFileAtomic(join(dir, WEIGHTS_FILE), joinBuffers(artifacts.weightData));
      writeJsonAtomic(join(dir, 'model.json'), {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      });
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: false },
  );
}

/** Reads a model saved by `saveModel`. */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const data = readFileSync(join(dir, WEIGHTS_FILE));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest[0]!.weights,
      weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    }),
  );
}

/** Saves the optimizer's state (iterations, moment estimates, ...) to `dir`/optimizer.json + optimizer.bin. */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const weights = await optimizer.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights returns the optimizer's own variables plus a fresh `iter` scalar; only that one is ours to free.
  for (const { name, tensor } of weights) if (name === 'iter') tensor.dispose();
  writeFileAtomic(join(dir, 'optimizer.bin'), joinBuffers(data));
  writeJsonAtomic(join(dir, 'optimizer.json'), { className: optimizer.getClassName(), specs });
}

/** Restores state saved by `saveOptimizer` into an optimizer of the same class. */
export async function loadOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const { specs } = JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8')) as { specs: tf.io.WeightsManifestEntry[] };
  const data = readFileSync(join(dir, 'optimizer.bin'));
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), specs);
  await optimizer.setWeights(specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
}
