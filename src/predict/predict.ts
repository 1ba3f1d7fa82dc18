/**
 * `tfexp predict <run-dir> <images..>`, in order:
 *   1. check the folder: a run (run.json) with a saved model (model/); read its experiment.yaml
 *   2. decode every image to the model's input [height, width, channels] (src/images/decode.ts), so a
 *      bad file stops the command (exit 2, naming it) before any backend starts
 *   3. start the backend, load the saved model
 *   4. feed the images in batches exactly as training fed its data (src/data/batches.ts: the
 *      experiment's normalisation), outputs to probabilities (softmax where the loss takes logits)
 *   5. the top k classes of each image, named as evaluation.json names them
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, type BackendRequest } from '../backend/select.js';
import { loadExperiment } from '../config/index.js';
import { batches, type DataSplit } from '../data/index.js';
import { UsageError } from '../errors.js';
import { classNamesOf } from '../evaluation/class-names.js';
import { outputProbabilities } from '../evaluation/predictions.js';
import { readImages } from '../images/decode.js';
import * as message from '../log/message.js';
import { loadModel } from '../runs/model-io.js';
import { RunStore } from '../runs/store.js';
import type { Prediction } from './format.js';
import { topK } from './top-k.js';

export interface PredictOptions {
  /** How many classes per image, most probable first; more than the model has gives them all. Default: 3. */
  readonly top?: number;
  readonly backend?: BackendRequest;
  readonly threads?: number;
  /** Told backend warnings (stderr in the CLI). Default: silent. */
  readonly warn?: (line: string) => void;
}

/** `--top`'s default. */
export const DEFAULT_TOP = 3;

/**
 * Predicts the class of each image with a run's saved model.
 * @param dir the run folder.
 * @param files PNG/JPEG images or IDX image files.
 * @returns one prediction per image, in the order of `files` (an IDX file's images in its order).
 * @throws UsageError (exit 2) when `dir` is not a run with a saved model or `top` is not a positive
 *   integer; DataError (exit 2) naming a file that is missing or not a readable image;
 *   MissingPackageError when sharp cannot be loaded; BackendError as `tfexp run`.
 */
export async function predictImages(dir: string, files: readonly string[], options: PredictOptions = {}): Promise<Prediction[]> {
  const top = options.top ?? DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1) throw new UsageError(message.badTop(top));
  const store = new RunStore(dir);
  if (!store.isRun()) throw new UsageError(message.notARunFor('predict', dir));
  if (!store.hasModel()) throw new UsageError(message.runWithoutModel(dir, store.readRun().status));
  const { experiment } = loadExperiment(join(dir, 'experiment.yaml'));
  const shape = experiment.model.input_shape as [number, number, number];
  const images = await readImages(files, shape);
  const choice = await selectBackend({ ...(options.backend !== undefined ? { request: options.backend } : {}), ...(options.threads !== undefined ? { threads: options.threads } : {}) });
  for (const warning of choice.warnings) options.warn?.(`warning: ${warning}`);
  const model = await loadModel(store.modelDir);
  try {
    const numClasses = (model.outputs[0]!.shape as number[])[1]!;
    const classNames = classNamesOf(experiment.data, numClasses);
    const toProbabilities = outputProbabilities(experiment.train.loss);
    // The images as a split of the data pipeline, so they are fed exactly as training fed its samples.
    const size = shape[0] * shape[1] * shape[2];
    const pixels = new Uint8Array(images.length * size);
    images.forEach((image, i) => pixels.set(image.pixels, i * size));
    const split: DataSplit = { images: pixels, labels: new Uint8Array(images.length), count: images.length };
    const predictions: Prediction[] = [];
    for (const { xs, ys } of batches(split, Uint32Array.from(images.keys()), { batchSize: experiment.train.batch_size, sampleShape: shape, normalize: experiment.data.normalize })) {
      const n = xs.shape[0];
      const probabilities = tf.tidy(() => toProbabilities(model.predict(xs) as tf.Tensor));
      tf.dispose([xs, ys]);
      const values = await probabilities.data();
      probabilities.dispose();
      for (let s = 0; s < n; s++) {
        const image = images[predictions.length]!;
        predictions.push({ file: image.file, ...(image.index !== undefined ? { index: image.index } : {}), top: topK(values.subarray(s * numClasses, (s + 1) * numClasses), classNames, top) });
      }
    }
    return predictions;
  } finally {
    model.dispose();
  }
}
