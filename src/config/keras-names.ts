/**
 * Keras's own spellings of tfexp's names, rewritten to tfexp's canonical names
 * before schema validation, so a Keras user's habits get what Keras 3 gives them
 * (`optimizer: RMSprop`, `loss: SparseCategoricalCrossentropy`, `loss: mse`,
 * `metrics: [acc]`, `padding: SAME`, `kernel_initializer: HeNormal`, ...).
 *
 * Only what Keras 3 itself accepts is rewritten, with Keras's case rules: where
 * Keras compares case-insensitively (optimizer names, `accuracy`/`acc`, padding)
 * any case is accepted; where it looks names up exactly (losses, other metrics,
 * initializers) only the exact spellings are. Anything else is
 * left as written, for schema validation to reject with a did-you-mean.
 *
 * The rewrite runs on each file of an `extends` chain and again after `--set`
 * (see shorthand.ts). It changes values, never keys or list positions, so the
 * Locator still finds the file:line:col of every value. `tfexp render`, run.json
 * and a run's experiment.yaml therefore show the canonical names.
 *
 * The tables cite Keras 3's source (github.com/keras-team/keras, keras/src/...).
 */
import { getIn, isPlainObject } from './pointer.js';
import {
  INITIALIZERS,
  LOSSES,
  METRICS,
  OPTIMIZER_TYPES,
  PADDINGS,
  type InitializerName,
  type LayerType,
  type LossName,
  type MetricName,
  type OptimizerType,
} from './schema/index.js';

/** `Object.hasOwn`-safe lookup table: "constructor" or "__proto__" are never names. */
function table<V extends string>(entries: Record<string, V>): ReadonlyMap<string, V> {
  return new Map(Object.entries(entries));
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);

// Optimizers ----------------------------------------------------------------

/**
 * Keras's class name of each tfexp optimizer.
 *
 * keras/src/optimizers/__init__.py: `ALL_OBJECTS_DICT = {cls.__name__.lower(): cls ...}`,
 * and `deserialize()` lowercases a built-in's `class_name` ("Make deserialization
 * case-insensitive for built-in optimizers"); `get("RMSprop")` goes through it. So
 * any case of the class name is accepted: `RMSprop`, `rmsprop`, `RMSProp`, `ADAM`.
 * (Keras's Nadam, AdamW, Adafactor, Ftrl, Lion, Muon have no tfjs counterpart.)
 */
export const KERAS_OPTIMIZER_CLASSES: Readonly<Record<OptimizerType, string>> = {
  sgd: 'SGD',
  rmsprop: 'RMSprop',
  adam: 'Adam',
  adamax: 'Adamax',
  adagrad: 'Adagrad',
  adadelta: 'Adadelta',
};

/** tfexp's name for a Keras optimizer name (any case), or undefined when Keras would not accept it for a tfexp optimizer. */
export function canonicalOptimizer(name: string): OptimizerType | undefined {
  return lowercasedOneOf(OPTIMIZER_TYPES, name);
}

/** `text` lowercased when that is one of `values` (names Keras lowercases before it looks them up), else undefined. */
function lowercasedOneOf<T extends string>(values: readonly T[], text: string): T | undefined {
  const lower = text.toLowerCase();
  return isOneOf(values, lower) ? lower : undefined;
}

// Losses --------------------------------------------------------------------

/**
 * Keras loss names other than tfexp's (which are Keras's function names), exact case.
 *
 * keras/src/losses/__init__.py: `ALL_OBJECTS_DICT = {cls.__name__: cls for cls in
 * ALL_OBJECTS}` (the `Loss` classes and the loss functions) updated with the
 * aliases "bce"/"BCE", "kld"/"KLD", "mae"/"MAE", "mse"/"MSE", "mape"/"MAPE",
 * "msle"/"MSLE"; `get()` looks a string up there as written, so `Mse` or
 * `SparseCategoricalCrossEntropy` are not Keras names.
 * (Keras's `"crossentropy"`/`"ce"` in `compile`, keras/src/trainers/compile_utils.py
 * `get_loss()`, picks a crossentropy from the label and output shapes; not offered.)
 */
export const KERAS_LOSS_ALIASES: ReadonlyMap<string, LossName> = table<LossName>({
  SparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
  CategoricalCrossentropy: 'categorical_crossentropy',
  BinaryCrossentropy: 'binary_crossentropy',
  bce: 'binary_crossentropy',
  BCE: 'binary_crossentropy',
  MeanSquaredError: 'mean_squared_error',
  mse: 'mean_squared_error',
  MSE: 'mean_squared_error',
  MeanAbsoluteError: 'mean_absolute_error',
  mae: 'mean_absolute_error',
  MAE: 'mean_absolute_error',
  MeanAbsolutePercentageError: 'mean_absolute_percentage_error',
  mape: 'mean_absolute_percentage_error',
  MAPE: 'mean_absolute_percentage_error',
  MeanSquaredLogarithmicError: 'mean_squared_logarithmic_error',
  msle: 'mean_squared_logarithmic_error',
  MSLE: 'mean_squared_logarithmic_error',
  Hinge: 'hinge',
  SquaredHinge: 'squared_hinge',
  CategoricalHinge: 'categorical_hinge',
  LogCosh: 'log_cosh',
  KLDivergence: 'kl_divergence',
  kld: 'kl_divergence',
  KLD: 'kl_divergence',
  Poisson: 'poisson',
  CosineSimilarity: 'cosine_similarity',
});

/** tfexp's name for a Keras loss name, or undefined when Keras would not accept it for a tfexp loss. */
export function canonicalLoss(name: string): LossName | undefined {
  return isOneOf(LOSSES, name) ? name : KERAS_LOSS_ALIASES.get(name);
}

// Metrics -------------------------------------------------------------------

/**
 * Keras metric names other than tfexp's, exact case (plus `accuracy`/`acc` in any case).
 *
 * keras/src/trainers/compile_utils.py `get_metric()`: `str(identifier).lower()` in
 * `["accuracy", "acc"]` picks binary, sparse categorical or categorical accuracy from
 * the shapes: tfexp's `accuracy` (so `acc`, `Acc`, `ACC`, `Accuracy` too).
 * keras/src/metrics/__init__.py: `ALL_OBJECTS_DICT` holds each metric class by its
 * name and by `to_snake_case` of it (tfexp's names); `get()` looks strings up as written.
 * Its "mse"/"mae"/"mape"/"msle"/"bce" aliases name metrics tfexp does not have.
 *
 * Porting Note: Keras logs a metric under the name it was given (`acc`, `val_acc`);
 * tfexp logs the canonical name (`accuracy`, `val_accuracy`), and reads callback
 * monitors spelled either way (see `canonicalMonitor`).
 */
export const KERAS_METRIC_ALIASES: ReadonlyMap<string, MetricName> = table<MetricName>({
  BinaryAccuracy: 'binary_accuracy',
  CategoricalAccuracy: 'categorical_accuracy',
  SparseCategoricalAccuracy: 'sparse_categorical_accuracy',
  SparseTopKCategoricalAccuracy: 'sparse_top_k_categorical_accuracy',
});

/** The spellings (lowercased) that Keras's `compile` reads as "the accuracy for this loss". */
const ACCURACY_SPELLINGS = ['accuracy', 'acc'];

/** tfexp's name for a Keras metric name, or undefined when Keras would not accept it for a tfexp metric. */
export function canonicalMetric(name: string): MetricName | undefined {
  if (ACCURACY_SPELLINGS.includes(name.toLowerCase())) return 'accuracy';
  return isOneOf(METRICS, name) ? name : KERAS_METRIC_ALIASES.get(name);
}

/**
 * A callback's `monitor` as tfexp logs it: `val_acc` -> `val_accuracy`,
 * `SparseCategoricalAccuracy` -> `sparse_categorical_accuracy`. Names that are no
 * Keras metric spelling (`loss`, `val_loss`, typos) are returned unchanged.
 */
export function canonicalMonitor(name: string): string {
  const prefix = name.startsWith('val_') ? 'val_' : '';
  const metric = canonicalMetric(name.slice(prefix.length));
  return metric === undefined ? name : `${prefix}${metric}`;
}

// Layers --------------------------------------------------------------------

/**
 * Layers whose `padding` Keras lowercases:
 * keras/src/utils/argument_validation.py `standardize_padding()` (`value.lower()`,
 * called by keras/src/layers/convolutional/base_conv.py, base_depthwise_conv.py,
 * base_separable_conv.py), and keras/src/ops/nn.py `max_pool()`/`average_pool()`
 * (`padding = padding.lower()`, called by keras/src/layers/pooling/base_pooling.py).
 * ZeroPadding2D's `padding` is a number of rows and columns, not a mode.
 */
export const LOWERCASED_PADDING_LAYERS: readonly LayerType[] = ['Conv2D', 'DepthwiseConv2D', 'SeparableConv2D', 'MaxPooling2D', 'AveragePooling2D'];

/** `same`/`valid` for any case of them (Keras lowercases), else undefined. */
export function canonicalPadding(value: string): (typeof PADDINGS)[number] | undefined {
  return lowercasedOneOf(PADDINGS, value);
}

/**
 * Keras initializer names other than tfexp's (which are Keras's snake_case names), exact case.
 *
 * keras/src/initializers/__init__.py: `ALL_OBJECTS_DICT` holds each class by its name
 * and by `to_snake_case` of it, plus the aliases "normal", "uniform", "one", "zero";
 * `get()` looks strings up as written ("case-sensitively").
 */
export const KERAS_INITIALIZER_ALIASES: ReadonlyMap<string, InitializerName> = table<InitializerName>({
  GlorotUniform: 'glorot_uniform',
  GlorotNormal: 'glorot_normal',
  HeUniform: 'he_uniform',
  HeNormal: 'he_normal',
  LecunUniform: 'lecun_uniform',
  LecunNormal: 'lecun_normal',
  Zeros: 'zeros',
  zero: 'zeros',
  Ones: 'ones',
  one: 'ones',
  RandomNormal: 'random_normal',
  normal: 'random_normal',
  RandomUniform: 'random_uniform',
  uniform: 'random_uniform',
  TruncatedNormal: 'truncated_normal',
  Orthogonal: 'orthogonal',
});

/** tfexp's name for a Keras initializer name, or undefined when Keras would not accept it for a tfexp initializer. */
export function canonicalInitializer(name: string): InitializerName | undefined {
  return isOneOf(INITIALIZERS, name) ? name : KERAS_INITIALIZER_ALIASES.get(name);
}

// The rewrite ---------------------------------------------------------------

/** Replaces `holder[key]`, when it is a string, by `canonical(it)` if that is defined. */
function rewrite(holder: Record<string, unknown> | unknown[], key: string | number, canonical: (name: string) => string | undefined): void {
  const value = (holder as Record<string | number, unknown>)[key];
  if (typeof value !== 'string') return;
  const name = canonical(value);
  if (name !== undefined) (holder as Record<string | number, unknown>)[key] = name;
}

/** A name-or-object field (`optimizer: Adam` or `optimizer: {type: Adam}`). */
function rewriteTagged(parent: Record<string, unknown>, key: string, canonical: (name: string) => string | undefined): void {
  const value = parent[key];
  if (typeof value === 'string') rewrite(parent, key, canonical);
  else if (isPlainObject(value)) rewrite(value, 'type', canonical);
}

function rewriteTrain(train: Record<string, unknown>): void {
  rewriteTagged(train, 'optimizer', canonicalOptimizer);
  rewriteTagged(train, 'loss', canonicalLoss);
  const metrics = train.metrics;
  if (Array.isArray(metrics)) metrics.forEach((_, i) => rewrite(metrics, i, canonicalMetric));
  for (const callback of ['early_stopping', 'reduce_lr_on_plateau']) {
    const config = train[callback];
    if (isPlainObject(config)) rewrite(config, 'monitor', canonicalMonitor);
  }
}

/**
 * Layer classes Keras 3 exports under a second name (keras/src/layers/__init__.py:
 * `Convolution2D = Conv2D`, `MaxPool2D = MaxPooling2D`, ...), exact case as Keras looks them up.
 */
const KERAS_LAYER_ALIASES = new Map([
  ['Convolution2D', 'Conv2D'],
  ['SeparableConvolution2D', 'SeparableConv2D'],
  ['MaxPool2D', 'MaxPooling2D'],
  ['AvgPool2D', 'AveragePooling2D'],
  ['GlobalMaxPool2D', 'GlobalMaxPooling2D'],
  ['GlobalAvgPool2D', 'GlobalAveragePooling2D'],
]);

/** Layers and `repeat` blocks (nested), as written. */
function rewriteLayers(entries: unknown[]): void {
  for (const entry of entries) {
    if (!isPlainObject(entry)) continue;
    if ('repeat' in entry && !('type' in entry)) {
      if (Array.isArray(entry.layers)) rewriteLayers(entry.layers);
      continue;
    }
    if (typeof entry.type === 'string' && KERAS_LAYER_ALIASES.has(entry.type)) entry.type = KERAS_LAYER_ALIASES.get(entry.type)!;
    if (typeof entry.type === 'string' && isOneOf(LOWERCASED_PADDING_LAYERS, entry.type)) rewrite(entry, 'padding', canonicalPadding);
    for (const key of Object.keys(entry)) {
      if (key.endsWith('_initializer')) rewrite(entry, key, canonicalInitializer);
    }
  }
}

/** Sweep axes through these are left alone (they are refused elsewhere). */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Rewrites a sweep axis's values as they would be rewritten in place: the axis
 * `train.optimizer: [Adam, SGD]` lists `[adam, sgd]`. Values whose meaning
 * depends on their surroundings (a layer's `padding` needs its layer type) are
 * left for the load of each point, which rewrites them there.
 */
function rewriteSweep(sweep: Record<string, unknown>): void {
  for (const [axis, values] of Object.entries(sweep)) {
    const path = axis.split('.');
    if (!Array.isArray(values) || path.some((segment) => UNSAFE_KEYS.has(segment))) continue;
    values.forEach((value, i) => {
      const root: Record<string, unknown> = Object.create(null);
      let here = root;
      for (const segment of path.slice(0, -1)) here = here[segment] = Object.create(null) as Record<string, unknown>;
      here[path[path.length - 1]!] = value;
      rewriteInPlace(root);
      values[i] = getIn(root, path);
    });
  }
}

function rewriteInPlace(data: Record<string, unknown>): void {
  if (isPlainObject(data.train)) rewriteTrain(data.train);
  const model = data.model;
  if (isPlainObject(model) && Array.isArray(model.layers)) rewriteLayers(model.layers);
}

/**
 * Rewrites Keras's spellings to tfexp's canonical names, in place (see the file comment).
 * Values of unexpected types and unknown names are left for validation to report.
 */
export function normalizeKerasNames(data: Record<string, unknown>): void {
  rewriteInPlace(data);
  if (isPlainObject(data.sweep)) rewriteSweep(data.sweep);
}

// Suggestions ---------------------------------------------------------------

/**
 * The Keras spellings that tfexp also reads at `path` (beyond its canonical
 * names), for did-you-mean suggestions that know them: `Mse` -> "mse",
 * `SparseCategoricalAcc` -> "SparseCategoricalAccuracy" (src/config/validate.ts adds them
 * to the schema's names when it suggests). Empty where no Keras
 * spelling applies, and for fields compared in any case (optimizer names,
 * padding), where the canonical names already match.
 * @param path where validation found the value (`train.loss.type`, `train.metrics.0`, `model.layers.3.kernel_initializer`, ...).
 */
export function kerasSpellingsAt(path: readonly (string | number)[]): readonly string[] {
  const p = path.map(String);
  const last = p[p.length - 1] ?? '';
  if (p[0] === 'train' && (p.length === 2 || (p.length === 3 && last === 'type'))) {
    if (p[1] === 'loss') return [...KERAS_LOSS_ALIASES.keys()];
    if (p[1] === 'optimizer') return Object.values(KERAS_OPTIMIZER_CLASSES);
  }
  if (p[0] === 'train' && p[1] === 'metrics' && p.length === 3) return ['acc', ...KERAS_METRIC_ALIASES.keys()];
  if (p[0] === 'model' && p[1] === 'layers' && p.length > 2) {
    if (last.endsWith('_initializer')) return [...KERAS_INITIALIZER_ALIASES.keys()];
    if (last === 'type') return [...KERAS_LAYER_ALIASES.keys()];
  }
  return [];
}
