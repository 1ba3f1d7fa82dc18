/** Small images of samples for charts: pixels in, a PNG data URI out (sharp). */
import { loadSharp } from './sharp.js';

/**
 * One sample as a PNG `data:` URI, upscaled by whole pixels (nearest neighbour: every pixel becomes
 * a `scale` x `scale` block, so small digits stay crisp in a chart).
 * @param pixels uint8 [height, width, channels] in C order, 0-255; channels 1 (grey), 2 (grey,
 *   alpha), 3 (RGB) or 4 (RGBA).
 * @param shape [height, width, channels].
 * @param scale whole-number upscaling factor, at least 1. Default: 3.
 * @throws MissingPackageError when sharp cannot be loaded; RangeError for a shape the pixels do not fill.
 */
export async function pngDataUri(pixels: Uint8Array, shape: readonly [number, number, number], scale = 3): Promise<string> {
  const [height, width, channels] = shape;
  if (pixels.length !== height * width * channels || channels < 1 || channels > 4) throw new RangeError(`pngDataUri: ${pixels.length} pixels do not fill [${shape.join(', ')}] (1 to 4 channels)`);
  if (!Number.isInteger(scale) || scale < 1) throw new RangeError(`pngDataUri: scale must be a positive integer, got ${scale}`);
  const sharp = await loadSharp();
  const image = sharp(Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength), { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } }).resize(width * scale, height * scale, {
    kernel: 'nearest',
  });
  // Grey stays grey (sharp writes raw input as RGB otherwise: three times the bytes).
  const png = await (channels <= 2 ? image.toColourspace('b-w') : image).png().toBuffer();
  return `data:image/png;base64,${png.toString('base64')}`;
}
