/**
 * The IDX format of the MNIST files (LeCun et al., http://yann.lecun.com/exdb/mnist/):
 * a big-endian header, then the array in C order.
 *
 *   bytes 0-1  zero
 *   byte  2    dtype: 0x08 uint8 (the only one tfexp reads), 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64
 *   byte  3    number of dimensions d
 *   then d     uint32 sizes, big-endian
 *   then       prod(sizes) values
 *
 * So images are magic 0x00000803 (2051) [count, rows, cols] and labels 0x00000801 (2049) [count].
 */
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import { maybeGunzip } from './gzip.js';

/** The IDX dtype code for unsigned bytes. */
export const IDX_UINT8 = 0x08;

/** A uint8 array read from an IDX (or .npy) file. */
export interface ByteArray {
  /** Sizes of each axis, outermost first, e.g. [60000, 28, 28]. */
  readonly shape: readonly number[];
  /** The values in C (row-major) order; length is the product of `shape`. dtype uint8. */
  readonly data: Uint8Array;
}

/**
 * Parses an IDX file of unsigned bytes, gzip-compressed or raw (told apart by the gzip magic 1f 8b).
 * @param bytes the whole file content.
 * @param file the file's path, for error messages.
 * @returns the shape from the header (any number of dimensions >= 1) and the uint8 data, a view into the uncompressed buffer.
 * @throws DataError when the gzip stream is corrupt, the magic number is wrong, the dtype is not uint8,
 *   there are no dimensions, the data is shorter than the header declares (truncated), or bytes follow it.
 */
export function parseIdx(bytes: Uint8Array, file: string): ByteArray {
  const raw = maybeGunzip(bytes, file);
  if (raw.length < 4) throw new DataError(message.idxHeaderShort(file, raw.length, 4), file);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const magic = view.getUint32(0, false);
  if (raw[0] !== 0 || raw[1] !== 0) throw new DataError(message.idxBadMagic(file, magic), file);
  const dtype = raw[2]!;
  const rank = raw[3]!;
  if (![0x08, 0x09, 0x0b, 0x0c, 0x0d, 0x0e].includes(dtype)) throw new DataError(message.idxBadMagic(file, magic), file);
  if (dtype !== IDX_UINT8) throw new DataError(message.idxUnsupportedDtype(file, dtype), file);
  if (rank === 0) throw new DataError(message.idxNoDims(file), file);
  const headerBytes = 4 + 4 * rank;
  if (raw.length < headerBytes) throw new DataError(message.idxHeaderShort(file, raw.length, headerBytes), file);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const size = shape.reduce((a, b) => a * b, 1);
  const available = raw.length - headerBytes;
  if (available < size) throw new DataError(message.idxTruncated(file, size, available, shape), file);
  if (available > size) throw new DataError(message.idxTrailing(file, available - size, shape), file);
  return { shape, data: raw.subarray(headerBytes) };
}

/**
 * Encodes a uint8 array as IDX bytes (uncompressed): the inverse of `parseIdx`, for tests and tools.
 * @param shape sizes of each axis, 1 to 255 of them; their product must equal `data.length`.
 * @param data uint8 values in C order.
 * @throws RangeError when the shape does not fit the data.
 */
export function encodeIdx(shape: readonly number[], data: Uint8Array): Uint8Array {
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.length < 1 || shape.length > 255 || size !== data.length) throw new RangeError(`shape [${shape.join(', ')}] does not fit ${data.length} values`);
  const out = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UINT8;
  out[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * shape.length);
  return out;
}
