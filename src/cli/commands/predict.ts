import type { CommandModule } from 'yargs';
import { BACKEND_REQUESTS, type BackendRequest } from '../../backend/requests.js';
import type { PredictFormat } from '../../predict/format.js';
import { output } from '../output.js';

interface PredictArgs {
  dir: string;
  images: string[];
  top: number;
  format: PredictFormat;
  backend?: BackendRequest;
  threads?: number;
}

/** predict/format.ts's PREDICT_FORMATS, written out so --help loads no prediction code. */
const FORMATS = ['table', 'json'] as const satisfies readonly PredictFormat[];

export const predictCommand: CommandModule<object, PredictArgs> = {
  command: 'predict <dir> <images..>',
  describe: "Classify images (PNG, JPEG, IDX) with a run's saved model: the top classes and their probabilities, one row per image.",
  builder: (y) =>
    y
      .positional('dir', { type: 'string', demandOption: true, describe: 'Run directory (runs/<id>) with a saved model' })
      .positional('images', { type: 'string', array: true, demandOption: true, default: undefined, describe: 'PNG or JPEG images (resized to the model input), IDX image files (every image in them)' })
      .option('top', { type: 'number', default: 3, describe: 'Classes per image, most probable first' })
      .option('format', { choices: FORMATS, default: 'table' as PredictFormat, describe: 'Output format' })
      .option('backend', { choices: BACKEND_REQUESTS, describe: 'Compute backend (default: auto, or $TFEXP_BACKEND)' })
      .option('threads', { type: 'number', describe: 'WASM threads (default: physical cores, or $TFEXP_THREADS)' }) as never,
  handler: async (args) => {
    // Loaded here, not at the top: predicting loads tfjs, the backends and sharp (issue 13).
    const [{ predictImages }, { formatPredictions }] = await Promise.all([import('../../predict/predict.js'), import('../../predict/format.js')]);
    const predictions = await predictImages(args.dir, args.images, {
      top: args.top,
      ...(args.backend !== undefined ? { backend: args.backend } : {}),
      ...(args.threads !== undefined ? { threads: args.threads } : {}),
      warn: (line) => output.err(`${line}\n`),
    });
    output.out(formatPredictions(predictions, args.format));
  },
};
