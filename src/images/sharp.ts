/**
 * sharp (libvips, prebuilt binaries from the npm registry), loaded only by the commands that read
 * or draw images (`tfexp predict`, the misclassified grid at the end of a run), never at start-up.
 */
import { MissingPackageError } from '../errors.js';
import * as message from '../log/message.js';

/** sharp's factory: `sharp(input, options)`. */
export type SharpFactory = typeof import('sharp').default;

let loaded: Promise<SharpFactory> | undefined;

/**
 * sharp, imported on first use.
 * @throws MissingPackageError (exit 2) when it is not installed or its native binary does not load
 *   on this platform; the message says why and how to install it.
 */
export function loadSharp(): Promise<SharpFactory> {
  loaded ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      loaded = undefined;
      throw new MissingPackageError(message.sharpUnavailable(error instanceof Error ? error.message.split('\n')[0]! : String(error)), 'sharp');
    },
  );
  return loaded;
}
