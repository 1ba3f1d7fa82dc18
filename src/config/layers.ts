/** Expanding `repeat` blocks into the flat layer list a Sequential model has, with Keras-style names. */
import type { Problem } from '../errors.js';
import * as message from '../log/message.js';
import { configError } from './hostile.js';
import { MAX_LAYERS } from './limits.js';
import type { Path } from './pointer.js';
import type { LayerConfig, LayerEntryConfig } from './schema/index.js';
import type { Locator } from './source.js';

/** A layer of the flattened stack. */
export interface ResolvedLayer {
  /** Position in the flattened stack, from 0 (Keras `model.layers[index]`). */
  readonly index: number;
  /** The given `name`, or Keras's default: snake_case type plus a counter (conv2d, conv2d_1, ...). */
  readonly name: string;
  readonly config: LayerConfig;
  /** Where the layer is in the experiment data (inside its repeat block), for error locations. */
  readonly path: Path;
}

/** Keras `to_snake_case`: Conv2D -> conv2d, MaxPooling2D -> max_pooling2d. */
export function snakeCase(type: string): string {
  return type
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * How many layers `entries` make once their `repeat` blocks are expanded,
 * multiplied out without expanding anything (so it costs one step per entry
 * as written, whatever the counts).
 * @throws ConfigError when a repeat block, or the whole list, makes more than MAX_LAYERS.
 */
export function countLayers(entries: readonly LayerEntryConfig[], locator: Locator, base: Path = ['model', 'layers']): number {
  let total = 0;
  entries.forEach((entry, i) => {
    if (!('repeat' in entry)) {
      total += 1;
      return;
    }
    const path = [...base, i];
    const each = countLayers(entry.layers, locator, [...path, 'layers']);
    const made = entry.repeat * each;
    if (made > MAX_LAYERS) {
      throw configError([{ at: locator.locate([...path, 'repeat']), message: message.tooManyLayers(made, MAX_LAYERS, { repeat: entry.repeat, each }) }]);
    }
    total += made;
  });
  if (total > MAX_LAYERS && base.length === 2) {
    throw configError([{ at: locator.locate(base), message: message.tooManyLayers(total, MAX_LAYERS) }]);
  }
  return total;
}

/**
 * Flattens `model.layers`, expanding `repeat` blocks (nested ones too), and names each layer.
 * @throws ConfigError when the model would have more than MAX_LAYERS layers
 *   (checked before expanding), or two layers end up with the same name.
 */
export function expandLayers(entries: readonly LayerEntryConfig[], locator: Locator): ResolvedLayer[] {
  countLayers(entries, locator);
  const flat: { config: LayerConfig; path: Path }[] = [];
  const visit = (list: readonly LayerEntryConfig[], base: Path) => {
    list.forEach((entry, i) => {
      const path = [...base, i];
      if ('repeat' in entry) {
        for (let copy = 0; copy < entry.repeat; copy++) visit(entry.layers, [...path, 'layers']);
      } else {
        flat.push({ config: entry, path });
      }
    });
  };
  visit(entries, ['model', 'layers']);

  const counters = new Map<string, number>();
  const owners = new Map<string, ResolvedLayer>();
  const problems: Problem[] = [];
  const layers = flat.map(({ config, path }, index) => {
    let name = config.name;
    if (name === undefined) {
      const base = snakeCase(config.type);
      const n = counters.get(base) ?? 0;
      counters.set(base, n + 1);
      name = n === 0 ? base : `${base}_${n}`;
    }
    const layer: ResolvedLayer = { index, name, config, path };
    const first = owners.get(name);
    if (first !== undefined) {
      problems.push({
        at: locator.locate([...path, 'name']),
        message: message.duplicateLayerName(name, message.layerRef(first.index, first.name, first.config.type), `layer ${index}`),
      });
    } else {
      owners.set(name, layer);
    }
    return layer;
  });
  if (problems.length > 0) throw configError(problems);
  return layers;
}
