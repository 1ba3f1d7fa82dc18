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

/**
 * The state of tfjs-core 4.22's optimizers, field by field (optimizers/*.ts): per-variable slot
 * lists ({ originalName, variable }[], created on the first update) and scalar variables.
 * tfjs's own getWeights/setWeights are not enough for an exact resume: Adam's setWeights
 * recomputes accBeta1/accBeta2 as pow(beta, t + 1), which is not bit-equal to the running
 * product the updates keep, and Adamax has neither method.
 */
const SLOT_FIELDS = [
  'accumulatedFirstMoment', // adam, adamax
  'accumulatedSecondMoment', // adam
  'accumulatedWeightedInfNorm', // adamax
  'accumulatedMeanSquares', // rmsprop
  'accumulatedMoments', // rmsprop
  'accumulatedMeanGrads', // rmsprop (centered)
  'accumulatedGrads', // adagrad, adadelta
  'accumulatedUpdates', // adadelta
  'accumulations', // momentum
] as const;
const SCALAR_FIELDS = ['accBeta1', 'accBeta2', 'iteration'] as const;

/** The optimizer fields above, as tfjs keeps them (private in its typings). */
type OptimizerFields = Record<string, unknown> & { iterations_: number };

/** optimizer.json: how optimizer.bin is laid out. */
interface OptimizerFile {
  format: 'tfexp-optimizer-state-1';
  className: string;
  /** Updates applied so far (tfjs Optimizer.iterations). */
  iterations: number;
  /** One entry per tensor in optimizer.bin; names are `<field>/<index>` or `<field>`. */
  specs: tf.io.WeightsManifestEntry[];
  /** For slot entries: the variable each belongs to (its originalName). */
  slots: Record<string, string>;
}

/**
 * Saves the optimizer's whole state, exactly (slots, scalar accumulators, the iteration count)
 * to `dir`/optimizer.json + optimizer.bin, so a resumed run updates as the uninterrupted one would.
 */
export async function saveOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const fields = optimizer as unknown as OptimizerFields;
  const named: { name: string; tensor: tf.Tensor }[] = [];
  const slots: Record<string, string> = {};
  for (const field of SLOT_FIELDS) {
    const list = fields[field] as { originalName: string; variable: tf.Variable }[] | undefined;
    list?.forEach((slot, i) => {
      if (slot == null) return;
      named.push({ name: `${field}/${i}`, tensor: slot.variable });
      slots[`${field}/${i}`] = slot.originalName;
    });
  }
  for (const field of SCALAR_FIELDS) {
    const variable = fields[field];
    if (variable instanceof tf.Variable) named.push({ name: field, tensor: variable });
  }
  const { data, specs } = await tf.io.encodeWeights(named);
  writeFileAtomic(join(dir, 'optimizer.bin'), joinBuffers(data));
  const file: OptimizerFile = { format: 'tfexp-optimizer-state-1', className: optimizer.getClassName(), iterations: fields.iterations_, specs, slots };
  writeJsonAtomic(join(dir, 'optimizer.json'), file);
}

/**
 * Restores state saved by `saveOptimizer` into a fresh optimizer of the same class (checkpoints
 * written before tfexp saved the whole state go through tfjs's setWeights).
 * @throws Error when the class differs from the saved one.
 */
export async function loadOptimizer(optimizer: tf.Optimizer, dir: string): Promise<void> {
  const file = JSON.parse(readFileSync(join(dir, 'optimizer.json'), 'utf8')) as Partial<OptimizerFile> & { specs: tf.io.WeightsManifestEntry[]; className: string };
  if (file.className !== optimizer.getClassName()) throw new Error(`the checkpoint's optimizer is ${file.className}, not ${optimizer.getClassName()}`);
  const data = readFileSync(join(dir, 'optimizer.bin'));
  const map = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength), file.specs);
  try {
    if (file.format !== 'tfexp-optimizer-state-1') {
      await optimizer.setWeights(file.specs.map((s) => ({ name: s.name, tensor: map[s.name]! })));
      return;
    }
    const fields = optimizer as unknown as OptimizerFields;
    for (const spec of file.specs) {
      const [field, index] = spec.name.split('/') as [string, string | undefined];
      if (index === undefined) {
        (fields[field] as tf.Variable).assign(map[spec.name]!);
        continue;
      }
      const list = (fields[field] ??= []) as { originalName: string; variable: tf.Variable }[];
      list[Number(index)] = { originalName: file.slots![spec.name]!, variable: map[spec.name]!.variable(false) };
    }
    fields.iterations_ = file.iterations!;
  } finally {
    // Variables made from these tensors keep their own reference to the data.
    tf.dispose(Object.values(map));
  }
}
