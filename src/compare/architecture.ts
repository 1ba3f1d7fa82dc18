/**
 * A model's layer stack as one compact, Keras-like string for `tfexp compare`'s
 * `model` column: `C32-C32-P-C64-C64-P-C128-C128-P-C256-C256-F-D0.5-10`. One
 * token per layer (repeat blocks expanded), joined by `-`. Arguments at their
 * usual value are left out; the others are appended to the token.
 *
 * | layer                  | token        | arguments shown when not the usual value            |
 * | ---------------------- | ------------ | --------------------------------------------------- |
 * | Conv2D                 | `C<filters>` | `k<kernel>` (not 3), `s<strides>` (not 1), `d<dilation>` (not 1): `C32k5s2` |
 * | SeparableConv2D        | `SC<filters>`| as Conv2D, and `m<depth_multiplier>` (not 1)        |
 * | DepthwiseConv2D        | `DW`         | `m<depth_multiplier>` (not 1), then as Conv2D: `DWm2k5` |
 * | MaxPooling2D           | `P`          | pool size (not 2): `P3`; `s<strides>` (not the pool size): `P3s2` |
 * | AveragePooling2D       | `A`          | as MaxPooling2D: `A3`                               |
 * | GlobalMaxPooling2D     | `GMP`        |                                                     |
 * | GlobalAveragePooling2D | `GAP`        |                                                     |
 * | Dense                  | `<units>`    | `10`                                                |
 * | Dropout                | `D<rate>`    | `D0.5`                                              |
 * | Flatten                | `F`          |                                                     |
 * | Reshape                | `R[<shape>]` | `R[7,7,16]`                                         |
 * | BatchNormalization     | `BN`         |                                                     |
 * | LayerNormalization     | `LN`         |                                                     |
 * | Activation             | its function | `relu`, `softmax`                                   |
 * | ZeroPadding2D          | `Z<padding>` | `Z2`, `Z1x2` ([rows, cols]), `Z[[1,1],[2,2]]`       |
 * | Rescaling              | `S<scale>`   | `S1/255`; with an offset `S(1/127.5,-1)`            |
 *
 * A pair `[h, w]` shows as `<h>x<w>` (`k5x3`). Padding, activations inside
 * Conv2D and Dense, initializers and regularizers are not shown: when two runs
 * differ only in those, their stacks have the same layer types and compare
 * shows those settings as columns of their own. A type tfexp does not know (a
 * newer run) shows as its type name.
 */
import { isPlainObject } from '../config/pointer.js';
import { MAX_LAYERS } from '../config/limits.js';

type Args = Readonly<Record<string, unknown>>;

/** `[3, 3]` and `3` alike: the single value when both sides are equal, else `<h>x<w>`. */
function pair(value: unknown): string {
  if (Array.isArray(value)) return value.length === 2 && value[0] === value[1] ? String(value[0]) : value.map(String).join('x');
  return String(value);
}

/** `k`, `s`, `d` suffixes of a convolution, each only when not the usual value. */
function convSuffix(layer: Args): string {
  const kernel = layer.kernel_size === undefined ? '3' : pair(layer.kernel_size);
  const strides = layer.strides === undefined ? '1' : pair(layer.strides);
  const dilation = layer.dilation_rate === undefined ? '1' : pair(layer.dilation_rate);
  return `${kernel === '3' ? '' : `k${kernel}`}${strides === '1' ? '' : `s${strides}`}${dilation === '1' ? '' : `d${dilation}`}`;
}

/** `m<n>` when a depth multiplier is set and not 1. */
function multiplier(layer: Args): string {
  return layer.depth_multiplier === undefined || layer.depth_multiplier === 1 ? '' : `m${String(layer.depth_multiplier)}`;
}

function pooling(letter: string, layer: Args): string {
  const size = layer.pool_size === undefined || layer.pool_size === null ? '2' : pair(layer.pool_size);
  const strides = layer.strides === undefined || layer.strides === null ? size : pair(layer.strides);
  return `${letter}${size === '2' ? '' : size}${strides === size ? '' : `s${strides}`}`;
}

/** A multiplier as `1/255` when it is the inverse of a short number, else up to 4 significant digits. */
function scale(value: number): string {
  const inverse = 1 / value;
  const short = Math.round(inverse * 100) / 100;
  if (value !== 0 && Math.abs(value) < 1 && Math.abs(inverse - short) < 1e-6 * Math.abs(inverse)) return `1/${short}`;
  return String(Number(value.toPrecision(4)));
}

const TOKENS: Readonly<Record<string, (layer: Args) => string>> = {
  Conv2D: (l) => `C${String(l.filters)}${convSuffix(l)}`,
  SeparableConv2D: (l) => `SC${String(l.filters)}${multiplier(l)}${convSuffix(l)}`,
  DepthwiseConv2D: (l) => `DW${multiplier(l)}${convSuffix(l)}`,
  MaxPooling2D: (l) => pooling('P', l),
  AveragePooling2D: (l) => pooling('A', l),
  GlobalMaxPooling2D: () => 'GMP',
  GlobalAveragePooling2D: () => 'GAP',
  Dense: (l) => String(l.units),
  Dropout: (l) => `D${String(l.rate)}`,
  Flatten: () => 'F',
  Reshape: (l) => `R[${Array.isArray(l.target_shape) ? l.target_shape.join(',') : String(l.target_shape)}]`,
  BatchNormalization: () => 'BN',
  LayerNormalization: () => 'LN',
  Activation: (l) => String(l.activation),
  ZeroPadding2D: (l) => {
    const p = l.padding ?? 1;
    return `Z${Array.isArray(p) && p.some(Array.isArray) ? JSON.stringify(p) : pair(p)}`;
  },
  Rescaling: (l) => {
    const s = typeof l.scale === 'number' ? scale(l.scale) : String(l.scale);
    return l.offset === undefined || l.offset === 0 ? `S${s}` : `S(${s},${String(l.offset)})`;
  },
};

/** The layer types the notation covers (every type of the schema; a test keeps them in step). */
export const NOTATED_TYPES = Object.keys(TOKENS);

/** The token of one layer config (`{type: Conv2D, filters: 32, kernel_size: 5}` -> `C32k5`). */
export function layerToken(layer: Args): string {
  const type = String(layer.type);
  const token = TOKENS[type];
  return token === undefined ? type : token(layer);
}

/**
 * The flat layer list of `model.layers` as written in experiment.yaml: `repeat`
 * blocks expanded (nested ones too); entries that are not mappings are skipped.
 * A run folder's file is not trusted: the list stops at `limit` layers (default
 * MAX_LAYERS, what `validate` allows), so `repeat: 1e9` costs nothing.
 */
export function flatLayers(entries: unknown, limit = MAX_LAYERS): Args[] {
  const out: Args[] = [];
  const walk = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const entry of list) {
      if (out.length >= limit) return;
      if (!isPlainObject(entry)) continue;
      if (typeof entry.repeat === 'number' && Array.isArray(entry.layers)) {
        const once = flatLayers(entry.layers, limit - out.length);
        if (once.length === 0) continue;
        for (let copy = 0; copy < Math.floor(entry.repeat) && out.length < limit; copy++) out.push(...once.slice(0, limit - out.length));
      } else out.push(entry);
    }
  };
  walk(entries);
  return out;
}

/** The architecture string of `model.layers` (see the notation above); `''` for no layers. */
export function architecture(layers: unknown): string {
  return flatLayers(layers).map(layerToken).join('-');
}

/** The layer types in order, one string (for "do the stacks differ" checks). */
export function layerTypes(layers: unknown): string {
  return flatLayers(layers)
    .map((l) => String(l.type))
    .join(',');
}
