/**
 * Keras's `.npz` datasets (`mnist.npz`): a zip archive (read with the fflate library)
 * of four `.npy` arrays, x_train, y_train, x_test, y_test.
 */
import { unzipSync } from 'fflate';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import type { ByteArray } from './idx.js';
import { parseNpy } from './npy.js';

/** The arrays of a Keras-style dataset archive, each as uint8. */
export interface NpzDataset {
  /** Shape [count, height, width] or [count, height, width, channels]. */
  readonly x_train: ByteArray;
  /** Shape [count]: class indices. */
  readonly y_train: ByteArray;
  readonly x_test: ByteArray;
  readonly y_test: ByteArray;
}

const MEMBERS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;

/**
 * Reads a Keras-style `.npz`: the zip is stored or deflated (np.savez / np.savez_compressed).
 * @param bytes the whole archive.
 * @param file its path, for messages.
 * @throws DataError when the archive is not a readable zip, lacks one of the four arrays, or an array
 *   is malformed or not an integer type fitting uint8 (see `parseNpy`).
 */
export function parseNpz(bytes: Uint8Array, file: string): NpzDataset {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(bytes, { filter: (f) => MEMBERS.some((m) => f.name === `${m}.npy`) });
  } catch (error) {
    throw new DataError(message.npzCorrupt(file, error instanceof Error ? error.message : String(error)), file);
  }
  const found = Object.keys(entries);
  const read = (member: (typeof MEMBERS)[number]): ByteArray => {
    const entry = entries[`${member}.npy`];
    if (entry === undefined) throw new DataError(message.npzMissingMember(file, `${member}.npy`, listMembers(bytes, found)), file);
    return parseNpy(entry, file, `${member}.npy`);
  };
  return { x_train: read('x_train'), y_train: read('y_train'), x_test: read('x_test'), y_test: read('y_test') };
}

/** Names of every entry in the archive (without reading their data), for the "holds ..." part of messages. */
function listMembers(bytes: Uint8Array, fallback: readonly string[]): string[] {
  const names: string[] = [];
  try {
    unzipSync(bytes, { filter: (f) => (names.push(f.name), false) });
    return names;
  } catch {
    return [...fallback];
  }
}
