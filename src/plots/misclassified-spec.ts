/**
 * The misclassified grid as a Vega-Lite v5 spec (pure; no I/O): the wrong samples of an evaluation,
 * most confident first, left to right and top to bottom, each image (a PNG `data:` URI, so the
 * spec renders anywhere) captioned "true 4 -> 9 (0.97)" with class names.
 */
import type { Evaluation } from '../evaluation/evaluation.js';
import * as message from '../log/message.js';
import { VEGA_LITE_SCHEMA } from './vega.js';

/** Images per row at most. */
export const MISCLASSIFIED_COLUMNS = 8;
const CAPTION_FONT_SIZE = 10;
/** Width of one caption character, pixels (DejaVu Sans at 10 px averages about 6). */
const CAPTION_CHAR_WIDTH = 6.2;
const GAP = 10;
const CAPTION_HEIGHT = 16;

/** "true 4 -> 9 (0.97)": the true class, the predicted class and its probability, by name. */
export function misclassifiedCaption(names: readonly string[], entry: Evaluation['misclassified'][number]): string {
  return `true ${names[entry.true] ?? entry.true} -> ${names[entry.predicted] ?? entry.predicted} (${entry.confidence.toFixed(2)})`;
}

/**
 * @param evaluation evaluation.json, or the fields the grid reads.
 * @param images one PNG data URI per entry of `evaluation.misclassified`, in its order.
 * @param imageSize [width, height] each image is drawn at, pixels (the upscaled sample's size).
 * @throws RangeError when `images` does not match the misclassified list.
 */
export function misclassifiedSpec(
  evaluation: Pick<Evaluation, 'class_names' | 'misclassified' | 'confusion_matrix' | 'split' | 'samples'>,
  images: readonly string[],
  imageSize: readonly [number, number],
): Record<string, unknown> {
  const entries = evaluation.misclassified;
  if (images.length !== entries.length) throw new RangeError(`misclassifiedSpec: ${images.length} images for ${entries.length} misclassified samples`);
  const wrong = evaluation.confusion_matrix.reduce((sum, row, i) => sum + row.reduce((a, b) => a + b, 0) - row[i]!, 0);
  const title = {
    text: entries.length === 0 ? 'Misclassified: none' : `Misclassified: the ${entries.length} most confident mistakes`,
    subtitle: `${evaluation.split} set: ${wrong.toLocaleString('en-US')} of ${evaluation.samples.toLocaleString('en-US')} samples wrong`,
  };
  if (entries.length === 0) {
    return { $schema: VEGA_LITE_SCHEMA, title, width: 240, height: 40, data: { values: [{ text: message.MISCLASSIFIED_NONE }] }, mark: { type: 'text', fontSize: 12 }, encoding: { text: { field: 'text' } }, view: { stroke: null } };
  }
  const [imageWidth, imageHeight] = imageSize;
  const captions = entries.map((entry) => misclassifiedCaption(evaluation.class_names, entry));
  const cellWidth = Math.ceil(Math.max(imageWidth, ...captions.map((c) => c.length * CAPTION_CHAR_WIDTH))) + GAP;
  const cellHeight = imageHeight + CAPTION_HEIGHT + GAP;
  const columns = Math.min(MISCLASSIFIED_COLUMNS, entries.length);
  const values = entries.map((entry, i) => ({
    x: (i % columns) * cellWidth + (cellWidth - imageWidth) / 2,
    y: Math.floor(i / columns) * cellHeight,
    url: images[i]!,
    caption: captions[i]!,
    ...entry,
  }));
  const position = { x: { field: 'x', type: 'quantitative', scale: null, axis: null }, y: { field: 'y', type: 'quantitative', scale: null, axis: null } };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: columns * cellWidth,
    height: Math.ceil(entries.length / columns) * cellHeight,
    data: { values },
    layer: [
      {
        // aria: false keeps the data URIs out of the SVG's aria-labels (they would double its size).
        mark: { type: 'image', width: imageWidth, height: imageHeight, align: 'left', baseline: 'top', smooth: false, aria: false },
        encoding: {
          ...position,
          url: { field: 'url', type: 'nominal' },
          tooltip: [{ field: 'caption', title: 'sample' }, { field: 'index', title: 'index' }],
        },
      },
      {
        mark: { type: 'text', align: 'center', baseline: 'top', dx: imageWidth / 2, dy: imageHeight + 3, fontSize: CAPTION_FONT_SIZE },
        encoding: { ...position, text: { field: 'caption' } },
      },
    ],
    // No frame: the grid is pictures, not a plot.
    view: { stroke: null },
  };
}
