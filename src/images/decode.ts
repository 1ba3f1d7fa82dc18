/**
 * Image files to model inputs: PNG and JPEG (and the other formats libvips reads) through sharp,
 * made greyscale or RGB and resized to the model's input; IDX image files as they are. The pixels
 * stay uint8 0-255: normalisation is the data pipeline's (src/data/batches.ts), as in training.
 */
import { readFileSync } from 'node:fs';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import { isGzip } from '../data/gzip.js';
import { parseIdx } from '../data/idx.js';
import { loadSharp } from './sharp.js';

/** One image ready for the model. */
export interface DecodedImage {
  /** The file as the user named it. */
  readonly file: string;
  /** For an IDX file, the image's position in it (from 0); absent for a single image. */
  readonly index?: number;
  /** uint8 [height, width, channels] in C order, 0-255. */
  readonly pixels: Uint8Array;
}

/** sharp's message without a dangling colon ("Input buffer has corrupt header:"). */
const reason = (error: unknown) => (error instanceof Error ? error.message : String(error)).trim().replace(/:$/, '');

/** True for IDX content: gzip (IDX files are read .gz or raw) or the IDX magic's two zero bytes. */
function looksLikeIdx(bytes: Uint8Array): boolean {
  return isGzip(bytes) || (bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0);
}

/**
 * Reads an IDX file of images of exactly the model's input size.
 * @throws DataError when it is malformed, holds no images ([count] labels), or another size.
 */
function idxImages(file: string, bytes: Uint8Array, shape: readonly [number, number, number]): DecodedImage[] {
  const { shape: found, data } = parseIdx(bytes, file);
  if (found.length !== 3 && found.length !== 4) throw new DataError(message.idxNotImages(file, found), file);
  const sample = [found[1]!, found[2]!, found[3] ?? 1];
  if (sample.some((size, i) => size !== shape[i])) throw new DataError(message.idxWrongSize(file, sample, shape), file);
  const size = shape[0] * shape[1] * shape[2];
  return Array.from({ length: found[0]! }, (_, index) => ({ file, index, pixels: data.subarray(index * size, (index + 1) * size) }));
}

/**
 * Decodes one picture with sharp: transparency flattened onto black (MNIST's background), made
 * greyscale (1 channel, libvips's luminance) or sRGB (3 channels), and resized to [height, width]
 * (fill: the aspect ratio is not kept, as Keras's image loading resizes; linear interpolation)
 * unless it already has that size, in which case the pixels pass unchanged.
 * @throws DataError naming the file when sharp cannot decode it (not an image, corrupt, truncated).
 */
async function pictureOf(file: string, bytes: Uint8Array, shape: readonly [number, number, number]): Promise<DecodedImage> {
  const sharp = await loadSharp();
  const [height, width, channels] = shape;
  try {
    const image = sharp(bytes, { failOn: 'error' });
    const meta = await image.metadata();
    let pipeline = image.flatten({ background: '#000000' }).toColourspace(channels === 1 ? 'b-w' : 'srgb');
    if (meta.width !== width || meta.height !== height) pipeline = pipeline.resize(width, height, { fit: 'fill', kernel: 'linear' });
    const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
    if (info.channels !== channels || data.length !== height * width * channels) throw new Error(`decoded to ${info.width}x${info.height}x${info.channels}`);
    return { file, pixels: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    throw new DataError(message.imageUndecodable(file, reason(error)), file);
  }
}

/**
 * Reads image files as model inputs of `shape`, in the order given (an IDX file gives each of its images).
 * @param files paths of PNG/JPEG images or IDX image files (.gz or raw).
 * @param shape the model's input [height, width, channels]; channels 1 or 3 for pictures.
 * @throws DataError naming the file when one is missing, unreadable, not an image or corrupt;
 *   MissingPackageError when a picture needs sharp and it cannot be loaded.
 */
export async function readImages(files: readonly string[], shape: readonly [number, number, number]): Promise<DecodedImage[]> {
  const images: DecodedImage[] = [];
  for (const file of files) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new DataError(message.imageUnreadable(file, code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a folder, not a file' : reason(error)), file);
    }
    if (looksLikeIdx(bytes)) {
      images.push(...idxImages(file, bytes, shape));
      continue;
    }
    if (shape[2] !== 1 && shape[2] !== 3) throw new DataError(message.unsupportedChannels(shape[2]), file);
    images.push(await pictureOf(file, bytes, shape));
  }
  return images;
}
