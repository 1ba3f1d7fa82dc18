/**
 * Every user-facing message of tfexp, in one place (after Vega-Lite's
 * `src/log/message.ts`): functions for parametrised text, constants for fixed
 * text, grouped by the folder that raises them. Tests compare against these
 * functions, not pasted strings.
 */
import stringWidth from 'string-width';

const quoteList = (values: readonly string[]) => values.map((v) => `"${v}"`).join(', ');
const didYouMean = (suggestion: string | undefined) => (suggestion === undefined ? '' : `; did you mean "${suggestion}"?`);

/** Short human description of a YAML/JSON value, for "got ..." parts. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `a list ${JSON.stringify(value)}`;
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `the string "${value}"`;
  return `${typeof value} ${JSON.stringify(value)}`;
}

// CONFIG: files and extends

export function fileNotFound(file: string) {
  return `cannot read experiment file "${file}": no such file. Check the path (it is relative to the current directory).`;
}

/** Why an experiment path that is a folder cannot be read. */
export const FILE_IS_FOLDER = 'it is a folder. Name the experiment files in it, e.g. experiments/*.yaml';

/** Why an experiment file without read permission cannot be read. */
export const FILE_NO_PERMISSION = 'permission denied. Check the file\'s permissions (ls -l)';

export function fileUnreadable(file: string, reason: string) {
  return `cannot read experiment file "${file}": ${reason}`;
}

export function yamlSyntax(reason: string) {
  return `YAML syntax error: ${reason}`;
}

export function notAMapping(got: unknown) {
  const what = got === null ? 'the file is empty' : `got ${describeValue(got)}`;
  return `an experiment file must be a YAML mapping (name:, data:, model:, train:); ${what}`;
}

export function extendsNotFound(target: string, resolved: string, suggestion: string | undefined) {
  const hint = suggestion === undefined ? '' : ` Did you mean "${suggestion}"?`;
  return `extends: cannot find "${target}" (looked for ${resolved}); the path is relative to this file.${hint}`;
}

export function extendsCycle(chain: readonly string[]) {
  return `extends: cycle ${chain.join(' -> ')}; an experiment cannot extend itself, directly or through others. Remove one of these extends.`;
}

// CONFIG: --set overrides

export function overrideSyntax() {
  return `expected path=value, e.g. --set train.epochs=5 or --set train.optimizer.learning_rate=3e-4`;
}

export function overrideValue(reason: string) {
  return `the value is not valid YAML (${reason})`;
}

export function overrideUnknownPath(at: string, segment: string, suggestion: string | undefined, known: readonly string[]) {
  const where = at === '' ? 'at the top level' : `under "${at}"`;
  const tail = suggestion !== undefined ? didYouMean(suggestion) : known.length > 0 ? `. Known keys: ${known.join(', ')}.` : '';
  return `the schema has no "${segment}" ${where}${tail}`;
}

export function overrideIndex(at: string, index: number, length: number) {
  return `"${at}" has ${length} items, so index ${index} does not exist (indices start at 0)`;
}

export function overrideThroughScalar(at: string) {
  return `"${at}" is not a mapping or list, so nothing can be set inside it; set "${at}" itself`;
}

// CONFIG: hostile input

/** Longest excerpt of user text (a value, key, tag or `--set` argument) quoted in a message; longer ones are cut with "…". */
export const EXCERPT_CHARS = 80;

/** Characters never printed as they are: C0 and C1 controls, DEL, bidirectional overrides and isolates, line and paragraph separators. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as an escape (ESC as \x1b, U+202E as \u{202e}), so no message drives the terminal. */
export function escapeControls(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.codePointAt(0)!;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** User text for a message: control characters escaped, cut to `max` characters with "…". */
export function excerpt(text: string, max = EXCERPT_CHARS): string {
  let out = '';
  for (const c of text) {
    const piece = escapeControls(c);
    if (out.length + piece.length > max) return `${out}…`;
    out += piece;
  }
  return out;
}

const sizeText = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Number((bytes / (1024 * 1024)).toFixed(1))} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
const count = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'infinitely many');

/**
 * @param format what the file's first bytes say it is ("a PNG image"), for `why` "format".
 * @param why how it was told apart from text: a known binary format, NUL bytes, or bytes that are not UTF-8.
 */
export function notTextFile(format: string | undefined, why: 'format' | 'nul' | 'encoding') {
  const what = { format: `it looks like ${format}`, nul: 'it contains NUL bytes (binary data)', encoding: 'this byte is not UTF-8 text' }[why];
  const fix = why === 'encoding' ? 'If it is YAML, save it as UTF-8; otherwise name' : 'Name';
  return `not a text YAML file: ${what}. ${fix} an experiment's .yaml file, e.g. experiments/baseline.yaml.`;
}

/** @param size the file's size in bytes, or undefined when it is a pipe or device read past `limit`. */
export function fileTooLarge(size: number | undefined, limit: number) {
  const got = size === undefined ? 'it goes on past the limit' : `${count(size)} bytes`;
  return `too large for an experiment file: ${got}; the limit is ${sizeText(limit)} (${count(limit)} bytes), and an experiment is a few KB of settings. Check the file name; data belongs in the data files an experiment names.`;
}

export function yamlControlChar(char: string) {
  return `control character ${escapeControls(char)} is not allowed in YAML text. Delete it; inside a "double-quoted" string it can be written as an escape (ESC as \\e).`;
}

export function yamlTooDeep(limit: number) {
  return `nested more than ${limit} levels deep here ([ or { inside each other, or "- - -" on one line); an experiment needs far fewer. Check the brackets.`;
}

export function yamlTooManyValues(limit: number) {
  return `more than ${limit.toLocaleString('en-US')} YAML values (keys, values and list items) by here; an experiment needs a few hundred. Write long layer stacks with "repeat".`;
}

export function yamlMoreErrors(more: number) {
  return `${plural(more, 'more YAML error')} not shown; fix the ones above first.`;
}

export function yamlInvalid(reason: string) {
  return `invalid YAML: ${excerpt(reason, 2 * EXCERPT_CHARS)}`;
}

const CORE_TAGS = '!!str, !!int, !!float, !!bool, !!null, !!map, !!seq';

/** @param tag as written in the file, e.g. "!!js/regexp" or "!foo". */
export function unknownTag(tag: string) {
  return `unknown YAML tag ${excerpt(tag)}: tfexp reads plain YAML values, without tags or with the standard ones (${CORE_TAGS}). Remove the tag and write the value itself.`;
}

/**
 * @param tag a standard tag, e.g. "!!int".
 * @param expected what it needs ("an integer").
 * @param got the scalar it tags, as written, or the kind of collection ("a mapping").
 */
export function tagMismatch(tag: string, expected: string, got: string | { readonly kind: string }) {
  const what = typeof got === 'string' ? `the value "${excerpt(got)}"` : got.kind;
  return `${tag} needs ${expected}, but tags ${what}. Remove the tag or change the value.`;
}

/** @param kind what the key is: "a list", "a mapping", "an alias". */
export function keyNotScalar(kind: string) {
  return `a key cannot be ${kind}; experiment settings are named by plain words (units: 10). Write the key as text.`;
}

export function duplicateKey(key: string, firstLine: number) {
  return `YAML syntax error: Map keys must be unique; "${excerpt(key)}" is already set on line ${firstLine}. Keep one of them.`;
}

/**
 * @param path where the key is, dotted ("model" or "" at the top level).
 * @param key one of "__proto__", "constructor", "prototype".
 */
export function forbiddenKey(path: string, key: string) {
  const where = path === '' ? 'at the top level' : `in "${excerpt(path)}"`;
  return `"${key}" ${where} cannot be a key: the name reaches JavaScript object internals, and no experiment setting is called that. Remove it.`;
}

/** A `--set` path with a forbidden segment. */
export function overrideForbiddenKey(path: string, key: string) {
  return `cannot set "${excerpt(path)}": "${key}" reaches JavaScript object internals, and no experiment setting is called that`;
}

export function aliasUnknown(name: string) {
  return `alias *${excerpt(name)} has no anchor &${excerpt(name)} before it. Define the anchor first, or write the value out.`;
}

export function aliasCycle(name: string) {
  return `alias *${excerpt(name)} is inside the value its anchor &${excerpt(name)} names, so that value would contain itself. Write the value out.`;
}

/**
 * @param values how many values this alias repeats (nested aliases multiplied out).
 * @param limit MAX_ALIAS_VALUES.
 */
export function aliasExpansion(name: string, values: number, limit: number) {
  return `alias *${excerpt(name)} repeats ${count(values)} values, and aliases may add at most ${count(limit)} to a file (an alias bomb, "billion laughs", looks like this). Write the settings out, or use a repeat block for repeated layers.`;
}

/**
 * @param total layers after expanding the repeat blocks.
 * @param block the repeat block that alone goes past `limit`: its count and the layers in one copy.
 */
export function tooManyLayers(total: number, limit: number, block?: { readonly repeat: number; readonly each: number }) {
  if (block === undefined) {
    return `the model has ${count(total)} layers once its repeat blocks are expanded; a model may have at most ${count(limit)}. Use fewer layers or smaller repeat counts.`;
  }
  return `this repeat block makes ${count(total)} layers (repeat: ${count(block.repeat)} copies of ${count(block.each)} ${block.each === 1 ? 'layer' : 'layers'}); a model may have at most ${count(limit)} once repeat blocks are expanded. Lower "repeat".`;
}

// CONFIG: schema validation

export function unknownKey(key: string, owner: string, suggestion: string | undefined, allowed: readonly string[]) {
  const tail = suggestion !== undefined ? didYouMean(suggestion) : `. Allowed keys: ${allowed.join(', ')}.`;
  return `unknown key "${key}" in ${owner}${tail}`;
}

export function missingKey(key: string, owner: string, description: string | undefined) {
  return `missing required key "${key}" in ${owner}${description ? ` (${description})` : ''}`;
}

export function unknownType(kind: string, value: string, suggestion: string | undefined, known: readonly string[]) {
  const tail = suggestion !== undefined ? didYouMean(suggestion) : `. Known: ${known.join(', ')}.`;
  return `unknown ${kind} type "${value}"${tail}`;
}

export function missingType(kind: string, known: readonly string[]) {
  return `this ${kind} has no "type"; add one of: ${known.join(', ')}`;
}

export function wrongType(name: string, expected: string, got: unknown) {
  return `"${name}" must be ${expected}, got ${describeValue(got)}`;
}

export function notInEnum(name: string, got: unknown, suggestion: string | undefined, allowed: readonly unknown[]) {
  const shown = allowed.map(String);
  const tail = suggestion !== undefined ? `${didYouMean(suggestion)} Allowed: ${shown.join(', ')}.` : `; allowed: ${shown.join(', ')}.`;
  return `"${name}" cannot be ${JSON.stringify(got)}${tail}`;
}

export function outOfRange(name: string, comparison: string, limit: number, got: unknown) {
  return `"${name}" must be ${comparison} ${limit}, got ${JSON.stringify(got)}`;
}

export function itemCount(name: string, comparison: 'at least' | 'at most', limit: number, got: number) {
  return `"${name}" must have ${comparison} ${plural(limit, 'item')}, got ${got}`;
}

export function noMatchingForm(name: string, expected: string, got: unknown) {
  return `"${name}" must be ${expected}, got ${describeValue(got)}`;
}

export function duplicateItem(name: string, item: unknown) {
  return `"${name}" lists ${JSON.stringify(item)} more than once`;
}

export function emptyString(name: string) {
  return `"${name}" must not be empty`;
}

export function badPattern(name: string, got: unknown) {
  return `"${name}" cannot be ${JSON.stringify(got)}: use letters, digits, "_", "." and "-" only`;
}

export function forbiddenValue(name: string, got: unknown) {
  return `"${name}" cannot be ${JSON.stringify(got)}`;
}

export function schemaOther(name: string, detail: string) {
  return `"${name}" ${detail}`;
}

// CONFIG: layers

export function duplicateLayerName(name: string, first: string, second: string) {
  return `layer name "${name}" is used by ${first} and ${second}; names must be unique (inside a repeat block, leave "name" out and Keras-style names are generated)`;
}

// MODEL: shapes and cross-field checks

export function layerRef(index: number, name: string, type: string) {
  return `layer ${index} (${name}, ${type})`;
}

export function inputRank(layer: string, expected: string, shape: readonly number[], fix = 'Add a Flatten or Reshape before it, or change model.input_shape.') {
  return `${layer} needs ${expected} input, but receives [batch, ${shape.join(', ')}]. ${fix}`;
}

export function windowTooLarge(layer: string, what: string, window: readonly number[], input: readonly number[], fix: string) {
  return `${layer}: ${what} ${window.join('x')} is larger than its ${input.join('x')} input (padding "valid" gives an empty output). ${fix}`;
}

export function stridesWithDilation(layer: string) {
  return `${layer}: strides > 1 and dilation_rate > 1 cannot be combined (Keras raises the same). Set one of them to 1.`;
}

export function reshapeSize(layer: string, target: readonly number[], input: readonly number[], inputSize: number) {
  return `${layer}: cannot reshape [${input.join(', ')}] (${inputSize} values) to [${target.join(', ')}]. The target must hold exactly ${inputSize} values (use -1 once to infer one axis).`;
}

export function reshapeTwoUnknowns(layer: string) {
  return `${layer}: target_shape may contain -1 only once.`;
}

export function badAxis(layer: string, axis: number, rank: number) {
  return `${layer}: axis ${axis} does not exist for an input of rank ${rank} (without the batch axis); use -1 for the last axis.`;
}

export function outputUnitsMismatch(layer: string, units: number, dataset: string, classes: number) {
  return `${layer} outputs ${units} values, but dataset "${dataset}" has ${classes} classes. Set units: ${classes} on the final Dense layer.`;
}

export function outputNotVector(layer: string, shape: readonly number[]) {
  return `${layer}: the model output [batch, ${shape.join(', ')}] is not a vector of class scores. End with Flatten (or global pooling) and Dense(units = number of classes).`;
}

export function softmaxWithLogits(layer: string, loss: string) {
  return `${layer} applies softmax, but the loss ${loss} has from_logits: true, so softmax would be applied twice. Remove from_logits (Keras-style softmax output) or set the final activation to linear.`;
}

export function sigmoidWithLogits(layer: string, loss: string) {
  return `${layer} applies sigmoid, but the loss ${loss} has from_logits: true. Remove from_logits or set the final activation to linear.`;
}

export function categoricalOnIntegerLabels(dataset: string) {
  return `loss categorical_crossentropy needs one-hot labels, but dataset "${dataset}" has integer class labels (0-9). Use sparse_categorical_crossentropy, which takes integer labels (as the Keras MNIST examples do).`;
}

export function fromLogitsNotCrossentropy(loss: string) {
  return `from_logits applies only to crossentropy losses; "${loss}" has no logits form. Remove from_logits.`;
}

export function inputShapeMismatch(dataset: string, expected: readonly number[], got: readonly number[]) {
  return `model.input_shape [${got.join(', ')}] does not match dataset "${dataset}", whose samples are [${expected.join(', ')}]. Set input_shape: [${expected.join(', ')}].`;
}

// DATA: file formats (IDX, gzip, .npy, .npz)

const REDOWNLOAD = 'Delete it and run again to re-download it, or replace it with an intact copy.';

export function dataUnreadable(file: string, reason: string) {
  return `cannot read data file ${file}: ${reason}`;
}

export function gzipCorrupt(file: string, reason: string) {
  return `${file}: starts like a gzip file (bytes 1f 8b) but cannot be decompressed (${reason}); it is probably cut off or damaged. ${REDOWNLOAD}`;
}

export function idxHeaderShort(file: string, bytes: number, needed: number) {
  return `${file}: too short for an IDX header (${bytes} bytes, the header needs ${needed}). Is this really an IDX file (train-images-idx3-ubyte, ...)? ${REDOWNLOAD}`;
}

export function idxBadMagic(file: string, magic: number) {
  const hex = magic.toString(16).padStart(8, '0');
  return `${file}: not an IDX file: the magic number is 0x${hex} (${magic}); IDX files start with 00 00, a dtype byte and a dimension count, e.g. 0x00000803 (2051) for images, 0x00000801 (2049) for labels. Check that you named the right file (gzip files must be whole).`;
}

export function idxUnsupportedDtype(file: string, code: number) {
  return `${file}: IDX dtype 0x${code.toString(16).padStart(2, '0')} is not supported; tfexp reads unsigned bytes (0x08), as in MNIST and Fashion-MNIST. Convert the file to uint8.`;
}

export function idxNoDims(file: string) {
  return `${file}: the IDX header declares 0 dimensions; images need [count, rows, cols] (magic 0x00000803) and labels [count] (magic 0x00000801).`;
}

export function idxTruncated(file: string, expected: number, got: number, dims: readonly number[]) {
  return `${file}: truncated: the header says [${dims.join(', ')}], i.e. ${expected} data bytes, but only ${got} follow. ${REDOWNLOAD}`;
}

export function idxTrailing(file: string, extra: number, dims: readonly number[]) {
  return `${file}: ${extra} unexpected bytes after the data the header declares ([${dims.join(', ')}]). The file is damaged or not a single IDX array. ${REDOWNLOAD}`;
}

export function npyBadMagic(file: string, member: string) {
  return `${file}: ${member} is not a .npy array (it does not start with \\x93NUMPY). ${REDOWNLOAD}`;
}

export function npyBadHeader(file: string, member: string, reason: string) {
  return `${file}: cannot read the header of ${member}: ${reason}. ${REDOWNLOAD}`;
}

export function npyUnsupported(file: string, member: string, what: string) {
  return `${file}: ${member}: ${what}. Save it with numpy as uint8 images and uint8/int64 labels, C order (np.savez(..., x_train=x.astype(np.uint8), ...)).`;
}

export function npyTruncated(file: string, member: string, expected: number, got: number) {
  return `${file}: ${member} is truncated: its header needs ${expected} data bytes, ${got} follow. ${REDOWNLOAD}`;
}

export function npzCorrupt(file: string, reason: string) {
  return `${file}: not a readable .npz (zip) archive: ${reason}. ${REDOWNLOAD}`;
}

export function npzMissingMember(file: string, member: string, found: readonly string[]) {
  return `${file}: the archive has no ${member}; it holds ${found.length === 0 ? 'nothing' : found.join(', ')}. A Keras-style .npz holds x_train.npy, y_train.npy, x_test.npy and y_test.npy.`;
}

// DATA: dataset contents

export function countMismatch(images: string, imageCount: number, labels: string, labelCount: number) {
  return `${images} holds ${imageCount} images but ${labels} holds ${labelCount} labels; they must match one to one. Check that both files belong to the same split (train or test).`;
}

export function labelOutOfRange(file: string, index: number, label: number, numClasses: number) {
  return `${file}: label ${label} at position ${index} is out of range; this dataset has ${numClasses} classes (labels 0-${numClasses - 1}). The file is damaged or belongs to another dataset.`;
}

export function imageRank(file: string, shape: readonly number[]) {
  return `${file}: images must have shape [count, height, width] or [count, height, width, channels], got [${shape.join(', ')}].`;
}

export function labelRank(file: string, shape: readonly number[]) {
  return `${file}: labels must have shape [count] (class indices), got [${shape.join(', ')}].`;
}

export function sampleShapeMismatch(train: string, trainShape: readonly number[], test: string, testShape: readonly number[]) {
  return `${train} has samples [${trainShape.join(', ')}] but ${test} has [${testShape.join(', ')}]; train and test images must have the same shape.`;
}

export function checksumMismatch(file: string, expected: string, got: string, what: 'file' | 'uncompressed content') {
  return `${file}: SHA-256 of the ${what} is ${got}, expected ${expected}. The file is damaged, incomplete or a different version. ${REDOWNLOAD}`;
}

// DATA: finding and downloading datasets

export function searchedDirLine(dir: string, origin: string, found: string) {
  return `  ${dir} (${origin}): ${found}`;
}

export function datasetNotFound(dataset: string, searched: readonly string[], url: string, reason: string, cacheDir: string, npz: string | undefined, idx: readonly string[]) {
  const what = `the four IDX files ${idx.join(', ')} (.gz as published, or uncompressed)`;
  return [
    `dataset "${dataset}" was not found, and downloading it failed.`,
    'Searched:',
    ...searched,
    `Download: ${url} failed: ${reason}`,
    `To fix: put ${npz === undefined ? what : `${npz}, or ${what},`} into ${cacheDir},`,
    `or into <DIR>/${dataset}/ and pass --data-dir <DIR> (or set TFEXP_DATA_DIR=<DIR>).`,
  ].join('\n');
}

export function downloadHttp(status: number, statusText: string) {
  return `HTTP ${status} ${statusText}`.trim();
}

export function downloadShort(got: number, expected: number) {
  return `the connection ended after ${got} of ${expected} bytes`;
}

export function downloading(url: string, file: string) {
  return `downloading ${url} -> ${file}`;
}

export function incompleteFileSet(dir: string, have: readonly string[], missing: readonly string[]) {
  return `${dir}: has ${have.join(', ')} but not ${missing.join(', ')}; a dataset folder needs all four IDX files (or one .npz). Add the missing files or remove the folder.`;
}

// DATA: the `tfexp data` report

const thousands = (n: number) => n.toLocaleString('en-US');

export function dataSource(dataset: string, dir: string, origin: string, format: string, downloaded: boolean) {
  return `${dataset}: ${format === 'npz' ? '.npz archive' : 'IDX files'} in ${dir} (${downloaded ? 'downloaded now' : `found via ${origin}`})`;
}

export function dataFileLine(path: string, checksum: string, compared: string | undefined) {
  const status = checksum === 'ok' ? `checksum OK (sha256 of the ${compared})` : checksum === 'unknown' ? 'checksum unknown (no published digest)' : 'checksum MISMATCH';
  return `  ${path}: ${status}`;
}

export function dataCounts(train: number, test: number, shape: readonly number[], classes: number) {
  return `train: ${thousands(train)} samples, test: ${thousands(test)} samples; sample shape ${shape.join('x')}; ${classes} classes`;
}

export function dataFirstLabel(label: number, name: string) {
  return `first training label: ${label}${name === String(label) ? '' : ` (${name})`}`;
}

/** One row of the class balance; `name` undefined: no name column (digit datasets, whose names are the labels). */
export function dataClassLine(index: number, name: string | undefined, train: number, test: number, trainTotal: number) {
  return `  ${String(index).padStart(2)} ${name === undefined ? '' : `${name.padEnd(12)} `}train ${thousands(train).padStart(7)} (${((100 * train) / Math.max(1, trainTotal)).toFixed(1).padStart(4)}%)  test ${thousands(test).padStart(6)}`;
}

export function dataPixels(mean: number, std: number) {
  return `training pixels (0-255): mean ${mean.toFixed(2)}, std ${std.toFixed(2)}`;
}

export const DATA_CLASS_BALANCE = 'class balance:';

export function unknownDataTarget(target: string, known: readonly string[]) {
  const dataFile = /(idx\d-ubyte|\.gz|\.npz)$/i.test(target);
  return dataFile
    ? `"${target}" is a data file; tfexp data takes a dataset name (${known.join(', ')}) or an experiment file. For your own IDX files, write an experiment with data: {dataset: idx, train_images: ..., train_labels: ..., test_images: ..., test_labels: ...} and give its path.`
    : `"${target}" is neither a dataset (${known.join(', ')}) nor an experiment file. Name a dataset, or give the path of a .yaml experiment.`;
}

export function normalizationWithout(layer: string, key: 'center' | 'scale') {
  const weight = key === 'center' ? 'beta' : 'gamma';
  return `${layer}: ${key}: false cannot be trained with TensorFlow.js 4.22 (its normalization layers fail without ${weight}, on every backend). Remove ${key}: false (a learned ${weight} starts at ${key === 'center' ? '0' : '1'}, the same as none).`;
}

export function batchNormAxisNotLast(layer: string, axis: number, rank: number) {
  return `${layer}: axis ${axis} is not the last axis of its rank-${rank} input [batch, ...]; TensorFlow.js 4.22 cannot train BatchNormalization over another axis (its gradient assumes the last). Use axis: -1 (channels, the Keras default).`;
}

export function dilationNotTrainable(layer: string) {
  return `${layer}: dilation_rate > 1 cannot be trained with TensorFlow.js 4.22, which has no gradient for dilated convolutions on any backend. Use dilation_rate: 1 (a larger kernel_size or an extra layer widens the receptive field instead).`;
}

// TRAIN: run directories

export function notARunDir(dir: string) {
  return `${dir} is not a run directory (it has no run.json). Give a folder under runs/, e.g. npx tfexp resume runs/20261129-120000-baseline`;
}

export function runAlreadyCompleted(dir: string, epochs: number) {
  return `${dir} already completed its ${epochs} epoch(s); nothing to resume. To train longer, run its experiment.yaml with --set train.epochs=N.`;
}

export function runStillRunning(dir: string, pid: number, host: string, heartbeat: string | null) {
  return `${dir} is still running (process ${pid} on ${host}${heartbeat ? `, last heartbeat ${heartbeat}` : ''}); stop it first (Ctrl-C), or wait for it.`;
}

export function checkpointMismatch(dir: string, changes: readonly { path: string; checkpoint: string; now: string }[]) {
  const list = changes.map((c) => `${c.path}: ${c.checkpoint} -> ${c.now}`).join('; ');
  return `${dir}/experiment.yaml no longer matches its checkpoint (${list}); the checkpoint's weights and optimizer state belong to the other settings. Put the settings back to resume, or start a new run: npx tfexp run ${dir}/experiment.yaml`;
}

/** A run's status for tables: `stale (process gone)` for a running run whose process died (src/runs/liveness.ts). */
export function statusCell(status: string) {
  return status === 'stale' ? 'stale (process gone)' : status;
}

export function runningAsOf(time: string) {
  return `running as of ${time.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} (tfexp compare tells whether it still is)`;
}

export function continuingToEpochs(planned: number, before: number) {
  return `Continuing to ${plural(planned, 'epoch')}, planned ${before}.`;
}

export function resumingOnBackend(backend: string) {
  return `Resuming on ${backend}, the backend this run trained on (--backend to choose another).`;
}

export function runWithoutCheckpoint(dir: string, epochs: number) {
  return `${dir} finished ${epochs} epoch(s) but has no checkpoint/ to continue from. Start a new run with its experiment.yaml.`;
}

// BACKEND

/** How to get the native TensorFlow backends (tfjs-node 4.x is built on TensorFlow 2.9: CUDA 11.2, cuDNN 8.1). */
export const INSTALL_NODE_GPU =
  'npm install @tensorflow/tfjs-node-gpu (Linux x86-64 with an NVIDIA driver >= 450.x, CUDA 11.2 and cuDNN 8.1; its install downloads libtensorflow, so it needs internet)';
/** The GPU package on a machine with no NVIDIA driver: no CUDA set-up can make it use a GPU. */
export const NODE_GPU_WITHOUT_NVIDIA =
  'it needs an NVIDIA GPU and its driver (then CUDA 11.2 and cuDNN 8.1), and this machine has none: nothing to install for it here. Another GPU: --backend webgpu; the CPU: @tensorflow/tfjs-node or wasm';
export const INSTALL_NODE_CPU = 'npm install @tensorflow/tfjs-node (its install downloads libtensorflow, so it needs internet)';

export function backendUnavailable(requested: string, reasons: readonly string[], fix: string) {
  return `backend "${requested}" cannot be used here: ${reasons.join('; ')}. ${fix}`;
}

export function gpuPackageOnCpu(pkg: string) {
  return `${pkg} is installed but TensorFlow sees no CUDA GPU, so it runs on the CPU. Check that nvidia-smi lists a GPU and that CUDA 11.2 and cuDNN 8.1 are on the library path.`;
}

export function wasmSingleThreaded(reason: string) {
  return `multi-threaded WASM did not start (${reason}); using single-threaded WASM, which is about half as fast on 2 cores`;
}

export const CPU_BACKEND_SLOW =
  'the pure-JavaScript cpu backend is a last resort: it takes minutes per training step of a convolutional model. Use --backend wasm.';

// BACKEND: WebGPU (Dawn)

export const INSTALL_WEBGPU = 'npm install webgpu (Dawn\'s Node bindings; the package carries its own binary, so it installs offline from a registry mirror)';

export const VULKAN_LOADER_MISSING =
  'the Vulkan loader libvulkan.so.1 is not installed (Debian/Ubuntu: apt-get install libvulkan1; Fedora: dnf install vulkan-loader)';

export const VULKAN_LOADER_MISSING_SHORT = 'the Vulkan loader libvulkan.so.1 is not installed';
export const VULKAN_NO_DRIVER_SHORT = 'no Vulkan driver is installed';
export function vulkanOverrideMissingShort(name: string) {
  return `${name} names a file that does not exist`;
}

export function vulkanOverrideMissing(override: string, missing: readonly string[]) {
  return `${override} names ${missing.join(', ')}, which does not exist; fix the path or unset the variable`;
}

export function vulkanNoDriver(folders: readonly string[]) {
  return `no Vulkan driver is installed (no driver manifest in ${folders.join(', ')}): install your GPU driver with its Vulkan part (NVIDIA's driver writes nvidia_icd.json). For a CPU emulation, for testing only: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian's chromium package)`;
}

/** One line naming the adapter: "NVIDIA H200 (nvidia hopper), hardware". */
export function adapterLine(adapter: { vendor: string; architecture: string; description: string; device: string; kind: string }) {
  const name = adapter.description || adapter.device || 'unnamed adapter';
  const detail = [adapter.vendor, adapter.architecture].filter((part) => part !== '').join(' ');
  return `${name}${detail ? ` (${detail})` : ''}, ${adapter.kind}`;
}

export function softwareAdapterSkipped(adapter: { vendor: string; architecture: string; description: string; device: string; kind: string }) {
  return `only a software adapter: ${adapterLine(adapter)}, a CPU emulation that auto never picks (ask for it with --backend webgpu)`;
}

export function softwareAdapterWarning(adapter: { vendor: string; architecture: string; description: string; device: string; kind: string }) {
  return `WebGPU adapter ${adapterLine(adapter).replace(/, software$/, '')} is a software adapter: it emulates a GPU on the CPU, fine for checking correctness, far slower than --backend wasm for training`;
}

export function webgpuSoftwareOnly(adapter: { vendor: string; architecture: string; description: string; device: string; kind: string }) {
  return `available, software adapter ${adapterLine(adapter).replace(/, software$/, '')}: a CPU emulation, used only with --backend webgpu`;
}

export const WEBGPU_NO_HARDWARE =
  'no hardware adapter: for a GPU, install its driver with Vulkan support (Linux), or run on macOS (Metal) or Windows (D3D12); the software adapter is for correctness checks';

export function webgpuDeviceFailed(reason: string) {
  return `the adapter was found but its device did not start: ${reason}`;
}

export function badThreads(value: unknown, fromEnv: boolean) {
  return `${fromEnv ? 'TFEXP_THREADS' : '--threads'} must be a positive integer, got ${JSON.stringify(value)}`;
}

export function badCount(flag: string, value: unknown, min: number) {
  return `${flag} must be an integer >= ${min}, got ${JSON.stringify(value)}`;
}

// DATA: labels

/** One label value and how many samples carry it, in a split. */
export interface LabelCount {
  readonly label: number;
  readonly count: number;
}

/** Labels of one split that the model cannot output. */
export interface SplitLabelsOutside {
  readonly split: 'train' | 'test';
  /** The labels file (for .npz, `archive.npz:y_train.npy`); undefined when unknown. */
  readonly file: string | undefined;
  /** Ascending by label. */
  readonly outside: readonly LabelCount[];
}

/** Label values listed before the rest is summed up as "N other values". */
const LABELS_LISTED = 8;

/** "a", "a and b", "a, b and c". */
const andList = (items: readonly string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`);

/** "42 (3 samples) and 255 (1 sample)"; past 8 values: "..., 17 (2 samples) and 30 other values (95 samples)". */
export function labelCounts(values: readonly LabelCount[]) {
  const shown = values.length > LABELS_LISTED ? values.slice(0, LABELS_LISTED - 1) : values;
  const items = shown.map((v) => `${v.label} (${plural(v.count, 'sample')})`);
  const rest = values.slice(shown.length);
  if (rest.length > 0) items.push(`${rest.length} other values (${plural(rest.reduce((n, v) => n + v.count, 0), 'sample')})`);
  return andList(items);
}

/** "labels 42 (3 samples) and 255 (1 sample) in train labels FILE are outside 0..9 for the 10 units of LAYER" */
export function splitLabelsOutside(p: SplitLabelsOutside, units: number, layer: string) {
  const one = p.outside.length === 1;
  const where = p.file === undefined ? `the ${p.split} split` : `${p.split} labels ${p.file}`;
  return `${one ? 'label' : 'labels'} ${labelCounts(p.outside)} in ${where} ${one ? 'is' : 'are'} outside 0..${units - 1} for the ${plural(units, 'unit')} of ${layer}.`;
}

/**
 * Labels that the final layer has no unit for (they would train silently: a one-hot of an index past the
 * last unit is all zeros). One line per split, then the fix.
 * @param needed the largest label + 1.
 */
export function labelsOutsideModel(splits: readonly SplitLabelsOutside[], units: number, layer: string, needed: number) {
  return [
    ...splits.map((s) => splitLabelsOutside(s, units, layer)),
    `Labels are class indices into the model's output, so they must lie in 0..${units - 1}. Set units: ${needed} on the final Dense layer if these are real classes, or fix the labels.`,
  ].join('\n');
}

/** "0..9, 42, 255": ascending distinct labels as runs; past 8 runs, "..., 40..41, (+5 more), 255". */
export function labelRuns(labels: readonly number[]) {
  const runs: string[] = [];
  for (let i = 0; i < labels.length; ) {
    let j = i;
    while (j + 1 < labels.length && labels[j + 1] === labels[j]! + 1) j++;
    runs.push(i === j ? String(labels[i]) : `${labels[i]}..${labels[j]}`);
    i = j + 1;
  }
  if (runs.length <= LABELS_LISTED) return runs.join(', ');
  return [...runs.slice(0, LABELS_LISTED - 1), `(+${runs.length - LABELS_LISTED} more)`, runs[runs.length - 1]].join(', ');
}

/**
 * The classes a loaded dataset actually holds (distinct labels in train and test), for `tfexp data`:
 * "10 classes present (labels 0..9)", "12 classes present (labels 0..9, 42, 255; range 0..255)", and for a
 * built-in dataset missing some of its classes "9 classes present (...) of mnist's 10".
 * @param present ascending distinct labels; `declared` the built-in dataset's class count (undefined for `idx`).
 */
export function classesPresent(present: readonly number[], dataset: string, declared: number | undefined) {
  if (present.length === 0) return 'no labels';
  const first = present[0]!;
  const last = present[present.length - 1]!;
  const contiguous = last - first + 1 === present.length;
  const text = `${present.length} ${present.length === 1 ? 'class' : 'classes'} present (labels ${labelRuns(present)}${contiguous ? '' : `; range ${first}..${last}`})`;
  return declared !== undefined && (present.length !== declared || last >= declared) ? `${text} of ${dataset}'s ${declared}` : text;
}

/** The `tfexp data` counts line, with the classes present (`classesPresent`). */
export function dataCountsPresent(train: number, test: number, shape: readonly number[], classes: string) {
  return `train: ${thousands(train)} samples, test: ${thousands(test)} samples; sample shape ${shape.join('x')}; ${classes}`;
}

/** `tfexp data <experiment>`: the data does not fit the experiment's model (run refuses it). */
export function dataDoesNotFitModel(file: string, detail: string) {
  return `warning: ${file}: tfexp run would refuse this data:\n${detail}`;
}

// COMPARE: broken runs

/** The status cell of a run whose metrics.json does not parse or is not a metrics file (the detail goes to a warning). */
export const CORRUPT_METRICS_STATUS = 'corrupt metrics.json';

/** The status cell of a run that is not running and has no metrics.json. */
export const MISSING_METRICS_STATUS = 'missing metrics.json';

export function corruptMetrics(dir: string, status: string, detail: string) {
  return `${dir}: corrupt metrics.json: ${detail}; listed without metrics (run.json says ${status})`;
}

export function missingMetrics(dir: string, status: string) {
  return `${dir}: no metrics.json; listed without metrics (run.json says ${status})`;
}

export function corruptRunJson(dir: string, detail: string) {
  return `${dir}: corrupt run.json: ${detail}; skipped`;
}

/**
 * After the table: the broken run folders among the inputs (exit 2).
 * @param broken each folder, what is wrong in a few words (`corrupt metrics.json`), and whether the table lists it.
 * @param shown how many runs the table shows (0: no table, nothing was readable).
 */
export function brokenRuns(broken: readonly { dir: string; what: string; listed: boolean }[], shown: number) {
  const list = broken.map((b) => `${b.dir} (${b.what}${b.listed || shown === 0 ? '' : ', not in the table'})`).join(', ');
  const count = broken.length === 1 ? '1 broken run folder' : `${broken.length} broken run folders`;
  const table = shown === 0 ? 'No run is readable' : 'The table shows the readable runs';
  return `${count} among the inputs (details in the warnings above): ${list}. ${table}; repair or remove the broken folder(s), or leave them out of the arguments.`;
}

// RUNS: write errors

/** Why a write failed, in words: from its errno code, else the operating system's message (`detail`). */
export function writeCause(code: string | undefined, detail: string) {
  switch (code) {
    case 'ENOSPC':
      return 'the disk is full (ENOSPC: no space left on device)';
    case 'EDQUOT':
      return 'the disk is full for your user: its quota is used up (EDQUOT: disk quota exceeded)';
    case 'EROFS':
      return 'the file system is read-only (EROFS)';
    case 'EACCES':
      return 'permission denied (EACCES)';
    case 'EPERM':
      return 'permission denied (EPERM: operation not permitted)';
    default:
      return detail;
  }
}

/** A file tfexp writes (outside a run's own bookkeeping) could not be written. */
export function writeFailed(file: string, cause: string) {
  return `cannot write ${file}: ${cause}`;
}

/** "epochs 1-3", "epoch 1", "epochs 1, 2, 4". */
function epochList(epochs: readonly number[]) {
  if (epochs.length === 1) return `epoch ${epochs[0]}`;
  const contiguous = epochs.every((e, i) => i === 0 || e === epochs[i - 1]! + 1);
  return `epochs ${contiguous ? `${epochs[0]}-${epochs[epochs.length - 1]}` : epochs.join(', ')}`;
}

/**
 * A file of a run directory could not be written during a run: which file, why, what the run
 * kept on disk, and how to go on once the cause is fixed.
 * @param w.metricsEpochs the epochs metrics.json holds (null: no readable metrics.json);
 *   w.checkpoint the newest complete checkpoint folder (`checkpoint/` or `checkpoint.old/`) and its epoch;
 *   w.resumable false when the run has no run.json, experiment.yaml or metrics.json yet;
 *   w.finished true when the checkpoint holds the last planned epoch (only the test and model/ are left).
 */
export function runWriteFailed(w: {
  readonly dir: string;
  readonly file: string;
  readonly what?: string | undefined;
  readonly cause: string;
  readonly kind: 'disk-full' | 'quota' | 'read-only' | 'permission' | 'other';
  readonly removed: readonly string[];
  readonly metricsEpochs: readonly number[] | null;
  readonly checkpoint: { readonly folder: string; readonly epoch: number } | null;
  readonly resumable: boolean;
  readonly finished: boolean;
}) {
  const metrics =
    w.metricsEpochs === null ? 'no readable metrics.json' : w.metricsEpochs.length === 0 ? 'no completed epoch in metrics.json' : `${epochList(w.metricsEpochs)} in metrics.json`;
  const checkpoint = w.checkpoint === null ? 'no checkpoint yet' : `the checkpoint of epoch ${w.checkpoint.epoch} in ${w.checkpoint.folder}/`;
  const removed = w.removed.length > 0 ? `; the partial ${w.removed.join(', ')} was removed` : '';
  const fix = {
    'disk-full': 'Free some space on that disk',
    quota: 'Free some space (or have your disk quota raised)',
    'read-only': `Make that file system writable (or copy ${w.dir} to a writable disk and resume the copy)`,
    permission: `Give your user write access to ${w.dir} (e.g. chmod -R u+w ${w.dir})`,
    other: 'Fix that',
  }[w.kind];
  const next = !w.resumable
    ? `then delete ${w.dir} and run the experiment again (training had not started, so there is nothing to resume)`
    : w.checkpoint === null
      ? `then start it again from epoch 1 with: npx tfexp resume ${w.dir}`
      : w.finished
        ? `then finish it (test evaluation and model/) with: npx tfexp resume ${w.dir}`
        : `then continue from epoch ${w.checkpoint.epoch + 1} with: npx tfexp resume ${w.dir}`;
  return `cannot write ${w.file}${w.what ? ` (${w.what})` : ''}: ${w.cause}. Kept: ${metrics} and ${checkpoint}${removed}. ${fix}, ${next}`;
}

// MODEL: memory

/** Sizes already formatted (readableBytes), for the memory messages. */
export interface MemoryFigures {
  readonly total: string;
  readonly weights: string;
  readonly gradients: string;
  readonly optimizerSlots: string;
  readonly activations: string;
  readonly largestTemporary: string;
}

/** Why a step takes `batch` samples: the configured batch size, or all training samples when fewer. */
function stepSize(batch: number, configured: number | undefined): string {
  return configured !== undefined && configured > batch
    ? `batch size ${batch} (all ${batch} training samples: train.batch_size ${configured} is larger, and a step takes at most all of them, as in Keras)`
    : `batch size ${batch}`;
}

/**
 * A training step's estimate exceeds what the backend holds (validate and run refuse, exit 2).
 * @param fits the largest batch size that fits; 0 when not even one sample does.
 * @param fixed the part of the estimate that does not depend on the batch size (weights, gradients, slots, the update).
 */
export function memoryOverLimit(p: {
  backend: string;
  batch: number;
  configuredBatch?: number;
  figures: MemoryFigures;
  limit: string;
  limitWhy: string;
  fits: number;
  fixed: string;
}) {
  const f = p.figures;
  const parts = `activations ${f.activations}, largest temporary ${f.largestTemporary}, weights ${f.weights}, gradients ${f.gradients}, optimizer slots ${f.optimizerSlots}`;
  const fix =
    p.fits > 0
      ? `Use --set train.batch_size=${p.fits} or less, or a smaller model`
      : `Not even batch size 1 fits: the parts that do not depend on it (weights, gradients, optimizer slots and the optimizer's update) take ${p.fixed}. Use a smaller model (fewer units or filters), or an optimizer with fewer slots (sgd keeps none)`;
  return `training needs about ${f.total} per step at ${stepSize(p.batch, p.configuredBatch)}, more than the ${p.backend} backend can hold (${p.limit}: ${p.limitWhy}): ${parts}. ${fix}; on a GPU backend (TFEXP_BACKEND=tensorflow or webgpu) the limit is the device's memory.`;
}

/** The line a run's header and `tfexp summary` give: the estimate and what the backend holds. */
export function memoryEstimateLine(total: string, batch: number, limit: { bytes: string; backend: string } | null) {
  return `about ${total} per training step at batch size ${batch}${limit === null ? '' : ` (the ${limit.backend} backend holds at most ${limit.bytes})`}`;
}

/**
 * A backend crashed while training, most likely for lack of memory: one line, no stack.
 * @param where epoch and batch (from 1), when known.
 * @param estimate the model's estimate and the backend's limit, when known; `fits` the largest batch that fits (0: none).
 */
export function backendOutOfMemory(p: {
  backend: string;
  detail: string;
  where: { epoch: number; batch: number } | null;
  batchSize?: number;
  estimate?: { total: string; limit: string | null; over: boolean; fits: number };
}) {
  const name = p.backend === 'wasm' ? 'the WebAssembly backend' : `the ${p.backend} backend`;
  const at = p.where === null ? '' : ` at epoch ${p.where.epoch}, batch ${p.where.batch}`;
  const size = p.batchSize === undefined ? '' : ` (batch size ${p.batchSize})`;
  const e = p.estimate;
  let advice: string;
  if (e === undefined) {
    advice = 'use a smaller train.batch_size (--set train.batch_size=N) or a smaller model';
  } else {
    const of = e.limit === null ? '' : e.over ? ` of at most ${e.limit}` : `, within the ${e.limit} it can hold`;
    const fix =
      e.fits === 0
        ? 'use a smaller model'
        : e.over || p.batchSize === undefined
          ? `use --set train.batch_size=${e.fits} or a smaller model`
          : `use --set train.batch_size=${Math.max(1, Math.floor(p.batchSize / 2))} or a smaller model, and report it if a smaller batch crashes too`;
    advice = `the estimate for this model is ${e.total}${of}: ${fix}`;
  }
  return `${name} ran out of memory (${p.detail})${at}${size}; ${advice}`;
}

// CLI

export const NO_FILES = 'give at least one experiment file, e.g. npx tfexp validate experiments/baseline.yaml';

export function validOk(file: string) {
  return `${file}: ok`;
}

// TRAIN: callbacks

/** The loss of a batch is NaN or infinite; `epoch` and `batch` count from 1. Also the stop reason. */
export function lossNotFinite(loss: number, epoch: number, batch: number) {
  return `loss became ${String(loss)} at epoch ${epoch}, batch ${batch}`;
}

export function monitorNotAvailable(at: string, monitor: string, suggestion: string | undefined, available: readonly string[]) {
  return `${at}.monitor is "${monitor}", which this run does not log${didYouMean(suggestion)}. Available metrics: ${available.join(', ')}. Set ${at}.monitor to one of them.`;
}

/** The stop reason of EarlyStopping; epochs count from 1. */
export function earlyStopping(epoch: number, monitor: string, wait: number, best: number | null, bestEpoch: number) {
  const since = best === null ? '' : ` (best ${best} at epoch ${bestEpoch})`;
  return `Epoch ${epoch}: early stopping, ${monitor} did not improve for ${plural(wait, 'epoch')}${since}`;
}

export function restoringBestWeights(epoch: number) {
  return `Restoring model weights from the end of the best epoch: ${epoch}.`;
}

export function bestWeightsNotInCheckpoint(epoch: number) {
  return `The weights of the best epoch (${epoch}) are not in the checkpoint this run resumed from, and no later epoch was better: keeping the last epoch's weights.`;
}

export function reducingLearningRate(epoch: number, rate: number) {
  return `Epoch ${epoch}: ReduceLROnPlateau reducing learning rate to ${rate}.`;
}

export const SCHEDULE_WITH_REDUCE_LR =
  'train.learning_rate_schedule and train.reduce_lr_on_plateau both set the learning rate, so the schedule would undo every reduction (Keras refuses this too). Keep one of them.';

export function badCallbackState(callback: string, detail: string) {
  return `the checkpoint's state for ${callback} is unusable (${detail}); resume from another checkpoint or start the run again.`;
}

/** "1 thread", "2 threads": a count and an English noun with a regular plural. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/**
 * "@tensorflow/tfjs-backend-wasm, 2 threads" (the package alone where tfexp does not set threads);
 * on webgpu the adapter instead: "..., adapter NVIDIA H200 (nvidia hopper), hardware".
 */
export function packageAndThreads(choice: {
  readonly package: string;
  readonly threads: number | null;
  readonly adapter?: { vendor: string; architecture: string; description: string; device: string; kind: string } | null;
  readonly kernels?: 'plain' | 'relaxed';
}): string {
  const adapter = choice.adapter ? `, adapter ${adapterLine(choice.adapter)}` : '';
  const kernels = choice.kernels === 'relaxed' ? ', relaxed SIMD (FMA)' : '';
  return `${choice.package}${choice.threads !== null ? `, ${plural(choice.threads, 'thread')}` : ''}${kernels}${adapter}`;
}

/** A backend in one short table cell: "wasm/2t", "webgpu/NVIDIA H200", "webgpu/SwiftShader driver 5.0.0 (software)". */
export function backendCell(backend: {
  readonly name?: string;
  readonly threads?: number | null;
  readonly adapter?: { vendor?: string; architecture?: string; description?: string; kind?: string } | null;
}): string | null {
  if (backend.name === undefined) return null;
  const a = backend.adapter;
  if (a) return `${backend.name}/${a.description || a.architecture || a.vendor || 'adapter'}${a.kind === 'software' ? ' (software)' : ''}`;
  return `${backend.name}${backend.threads ? `/${backend.threads}t` : ''}`;
}

// BACKEND: CUDA libraries (tfjs-node-gpu)

/** tfjs-node-gpu 4.22 runs libtensorflow 2.9, built against CUDA 11.2 and cuDNN 8.1 (TensorFlow's tested build configurations). */
const NODE_GPU_NEEDS = '@tensorflow/tfjs-node-gpu 4.22 (libtensorflow 2.9) needs CUDA 11.2 and cuDNN 8.1';

/** "CUDA 12" for a CUDA runtime (libcudart), "cuDNN 9" for cuDNN. */
export function cudaLibraryLabel(library: 'cudart' | 'cudnn', major: number) {
  return `${library === 'cudart' ? 'CUDA' : 'cuDNN'} ${major}`;
}

export function cudaLibrariesOk(sonames: readonly string[]) {
  return `the dynamic loader finds ${sonames.join(' and ')}, the CUDA 11.2 and cuDNN 8.1 libraries @tensorflow/tfjs-node-gpu 4.22 needs`;
}

/** `offLoaderPath`: the missing ones that are installed in a folder the loader does not search; `instead`: e.g. "CUDA 12". */
export function cudaLibrariesMissing(missing: readonly string[], offLoaderPath: readonly string[], instead: readonly string[]) {
  const off = offLoaderPath.length > 0 ? `; ${offLoaderPath.join(' and ')} present but not on the loader path` : '';
  const other = instead.length > 0 ? `; found ${instead.join(', ')} instead` : '';
  return `${NODE_GPU_NEEDS}, but the dynamic loader cannot find ${missing.join(' or ')}${off}${other}`;
}

export function cudaLibraryLoadable(soname: string, release: string, path: string, source: 'LD_LIBRARY_PATH' | 'ldconfig') {
  return `${soname} (${release}): ${path}, via ${source === 'ldconfig' ? 'the ldconfig cache' : 'LD_LIBRARY_PATH'}`;
}

export function cudaLibraryOffLoaderPath(soname: string, release: string, dirs: readonly string[]) {
  return `${soname} (${release}): present in ${dirs.join(', ')}, but not on the loader path (neither LD_LIBRARY_PATH nor the ldconfig cache)`;
}

export function cudaLibraryAbsent(soname: string, release: string) {
  return `${soname} (${release}): not found`;
}

/** Another CUDA runtime / cuDNN major version, e.g. "CUDA 12 at /usr/local/cuda-12.4/lib64/libcudart.so.12, not on the loader path". */
export function cudaOtherVersion(label: string, path: string, onLoaderPath: boolean) {
  return `${label} at ${path}${onLoaderPath ? '' : ', not on the loader path'} (not usable by libtensorflow 2.9)`;
}

export const CUDA_LDCONFIG_UNAVAILABLE = 'ldconfig -p could not run, so the ldconfig cache was not searched (only LD_LIBRARY_PATH)';

/**
 * How to give tfjs-node-gpu its libraries. `offLoaderDirs`: folders that hold a
 * missing library but are off the loader path; `install`: some library is not
 * installed at all; `instead`: the versions present, e.g. ["CUDA 12", "cuDNN 9"].
 */
export function cudaFix(offLoaderDirs: readonly string[], install: boolean, instead: readonly string[]) {
  const steps: string[] = [];
  if (offLoaderDirs.length > 0) steps.push(`put ${offLoaderDirs.join(', ')} on the loader path: export LD_LIBRARY_PATH=${offLoaderDirs.join(':')}:$LD_LIBRARY_PATH`);
  if (install) {
    const beside = instead.length > 0 ? `side by side with ${instead.join(' and ')} ` : '';
    steps.push(`install CUDA 11.2 and cuDNN 8.1 ${beside}(e.g. CUDA in /usr/local/cuda-11.2, cuDNN 8.1's libraries copied into its lib64) and put that lib64 folder on LD_LIBRARY_PATH`);
  }
  steps.push('or use --backend webgpu instead (WebGPU through Dawn: installs from npm and works with any CUDA version)');
  return steps.join('; ');
}

// --- reports (issue 13) ---

export const REPORT_NO_EPOCH_YET = 'No epoch has finished yet.';

export const REPORT_NOT_EVALUATED = 'Not evaluated (the run did not finish).';

export const REPORT_NO_GIT_COMMIT = 'none (the experiment file was not in a git repository, or git was not found)';

/** A recorded field run.json lacks (written by an older tfexp). */
export const REPORT_NOT_RECORDED = 'not recorded';

// --- compare (issue 13) ---

/**
 * A sweep folder among compare's inputs with no run folder to compare: how many
 * points, how they ended, where the reasons are, the first one quoted.
 * @param statuses [status, count] pairs from sweep.json, e.g. [['failed', 4]].
 */
export function sweepWithoutRuns(p: { dir: string; points: number; statuses: readonly (readonly [string, number])[]; firstReason: { index: number; reason: string } | null }) {
  const ended = p.statuses.map(([status, count]) => `${count} ${status}`).join(', ') || 'none planned';
  const reasons = p.firstReason === null ? '' : ` Each point's reason is in ${p.dir}/sweep.json; point ${p.firstReason.index}: ${p.firstReason.reason}.`;
  const unfinished = p.statuses.some(([status]) => status !== 'completed' && status !== 'failed');
  const next = unfinished ? ` Continue it with: npx tfexp resume ${p.dir}` : '';
  return `${p.dir}: a sweep of ${plural(p.points, 'point')} with no completed run to compare (${ended}; no point has a run folder).${reasons}${next}`;
}

/**
 * How the terminal table and compare.html show `best_epoch` when its monitor is not
 * the best validation accuracy (metrics.json `best`, a run without validation): `2 (loss)`.
 * csv and json keep the number, the monitor in `best_monitor`.
 */
export function bestEpochCell(epoch: number, monitor: string) {
  return `${epoch} (${monitor})`;
}

/** No run folder among compare's arguments. */
export function compareNoRuns(args: readonly string[]) {
  return `no run directories found in ${args.join(' ')}; give run folders (runs/<id>), a folder of runs (runs/) or a glob ('runs/2026*')`;
}

/**
 * `--metric` or `--sort` naming a column the table does not have, with the closest column
 * when one is near: `unknown metric "tset_accuracy" (--metric): did you mean test_accuracy? Columns are ...`.
 */
export function compareUnknownColumn(option: 'metric' | 'sort', column: string, columns: readonly string[], suggestion: string | undefined) {
  const what = option === 'metric' ? 'metric' : 'sort column';
  const hint = suggestion === undefined ? '; columns are' : `: did you mean ${suggestion}? Columns are`;
  return `unknown ${what} "${column}" (--${option})${hint} ${columns.join(', ')}`;
}

/** compare's chart titles: `3 runs`; compare.html's heading: `Comparison of 3 runs`. */
export function compareChartTitle(runs: number) {
  return plural(runs, 'run');
}
export function compareReportTitle(runs: number) {
  return `Comparison of ${compareChartTitle(runs)}`;
}

/** Subtitles of compare's overlay curves (with and without validation) and of its bar chart. */
export const COMPARE_CURVES_SUBTITLE = 'training (solid) and validation (dashed) per epoch';
export const COMPARE_CURVES_SUBTITLE_NO_VALIDATION = 'training per epoch (no run has validation)';
export const COMPARE_BARS_SUBTITLE = 'test accuracy';

/** Under a terminal table that left out columns with one value in every run, to fit: `same in every run: status completed, epochs 2`. */
export function sameInEveryRun(pairs: readonly (readonly [string, string])[]) {
  return `same in every run: ${pairs.map(([column, value]) => `${column} ${value}`).join(', ')}`;
}

/** After compare's table: where the page and the charts are. */
export function compareWritten(html: string, plots: string) {
  return `report: ${html}\nplots: ${plots} (curves and test_accuracy as .svg, .png, .vl.json)`;
}

/** Under a terminal table headed by short names to fit: `short headers: lr = train.optimizer.learning_rate, acc = accuracy`. */
export function shortHeaders(pairs: readonly (readonly [string, string])[]) {
  return `short headers: ${pairs.map(([short, column]) => `${short} = ${column}`).join(', ')}`;
}

/** Under a terminal table that left out columns to fit `width`. */
export function leftOutToFit(width: number, columns: readonly string[]) {
  return `left out to fit ${width} columns: ${columns.join(', ')}`;
}

/** Under a terminal table that was shortened to fit (columns left out or renamed). */
export const WIDE_HINT = '--wide shows every column in full, --format csv or json every value';
/** Under a terminal table some of whose cells were cut to fit: said only then. */
export const CUT_CELLS = 'cut cells end in …';
/** The hint under a fitted table: CUT_CELLS first when a cell was cut. */
export function wideHint(cut: boolean) {
  return cut ? `${CUT_CELLS}; ${WIDE_HINT}` : WIDE_HINT;
}

// --- progress and sweeps (issue 13) ---

/** Header lines longer than this are wrapped at spaces (a path is never cut). */
export const HEADER_WIDTH = 100;

/**
 * `text` wrapped at spaces into lines of at most `width` display columns (string-width:
 * a CJK character counts two), continuation lines indented by `indent`; a word wider
 * than the width stays whole on its own line.
 * @param keepWhole where the pieces between these separators fit a line, break only
 *   there (compare's notes: ", ", so `lr = train.optimizer.learning_rate` stays whole);
 *   a wider piece breaks at spaces. A line broken at it keeps its trimmed end (",").
 */
export function wrapLine(text: string, width = HEADER_WIDTH, indent = '  ', keepWhole?: string): string {
  const lines: string[] = [];
  let line = '';
  // A line broken after a chunk keeps the separator's mark (`,`): leave room for it.
  const trail = stringWidth(keepWhole?.trimEnd() ?? '');
  const put = (piece: string, joiner: string) => {
    if (line !== '' && stringWidth(line + joiner + piece) + trail > (lines.length === 0 ? width : width - stringWidth(indent))) {
      lines.push(line + joiner.trimEnd());
      line = piece;
    } else line = line === '' ? piece : line + joiner + piece;
  };
  (keepWhole === undefined ? [text] : text.split(keepWhole)).forEach((chunk, i) => {
    const joiner = i === 0 ? '' : keepWhole!;
    if (keepWhole !== undefined && stringWidth(chunk) + stringWidth(indent) <= width) put(chunk, joiner);
    else chunk.split(' ').forEach((word, k) => put(word, k === 0 ? joiner : ' '));
  });
  lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`)).join('\n');
}

/** While the backend starts (a few seconds: tfexp probes the faster ones first). */
export const STATUS_BACKEND = 'Starting the compute backend ...';

/** While the dataset loads (and is downloaded, the first time). */
export function statusLoadingData(dataset: string) {
  return `Loading data: ${dataset === 'idx' ? "the experiment's IDX files" : dataset} ...`;
}

export const STATUS_COMPILING = 'Compiling the model ...';

/** Said before the first step's numbers, which take longer: the backend builds its kernels (webgpu: compiles shaders). */
export function firstStepStatus(backend: string) {
  return `First step (${backend === 'webgpu' ? 'compiles the GPU shaders' : 'sets up the kernels'}) ...`;
}

/** A skipped backend's reason, cut to its headline: "no Vulkan driver is installed", "not installed". */
function briefSkipReason(reason: string): string {
  const cause = reason.startsWith('no WebGPU adapter: ') ? reason.slice('no WebGPU adapter: '.length) : reason;
  return cause.split(': ')[0]!.split(' (')[0]!;
}

/**
 * The run header's backend lines: `Backend: wasm (tfjs-backend-wasm, 2 threads, CPU; fastest available)`,
 * then, when faster backends were passed over, `Skipped: tensorflow (not installed), webgpu (no Vulkan
 * driver is installed); see tfexp doctor` (run.json keeps each full reason). Long lines are wrapped.
 */
export function backendHeader(choice: {
  readonly name: string;
  readonly package: string;
  readonly device: string;
  readonly threads: number | null;
  readonly adapter?: { vendor: string; architecture: string; description: string; device: string; kind: string } | null;
  readonly reason: string;
  readonly skipped: readonly { backend: string; reason: string }[];
}): string {
  const short = (pkg: string) => pkg.replace(/^@tensorflow\//, '');
  const lines = [wrapLine(`Backend: ${choice.name} (${packageAndThreads({ ...choice, package: short(choice.package) })}, ${choice.device.toUpperCase()}; ${choice.reason})`)];
  // One entry per backend ("tensorflow" for both tfjs-node packages) when its packages share a reason.
  const groups = new Map<string, { pkg: string; reason: string }[]>();
  for (const s of choice.skipped) {
    const [, base = s.backend, pkg = ''] = /^(\S+)(?: \((.*)\))?$/.exec(s.backend) ?? [];
    groups.set(base, [...(groups.get(base) ?? []), { pkg: short(pkg), reason: briefSkipReason(s.reason) }]);
  }
  const entries = [...groups].flatMap(([base, list]) =>
    new Set(list.map((e) => e.reason)).size === 1 ? [`${base} (${list[0]!.reason})`] : list.map((e) => `${base}${e.pkg ? ` ${e.pkg}` : ''} (${e.reason})`),
  );
  if (entries.length > 0) lines.push(wrapLine(`Skipped: ${entries.join(', ')}; see tfexp doctor`));
  return lines.join('\n');
}

/** At the end of a completed run: where to look. `plots`: the rendered charts (.png), if any. */
export function runOutputs(report: string, plots: readonly string[]) {
  return [`Report: ${report}`, ...(plots.length > 0 ? [`Plots: ${plots.join(', ')}`] : [])].join('\n');
}

/** `--sweep` naming a setting the schema does not have. `suggestion`: a whole dotted path. */
export function sweepUnknownPath(arg: string, at: string, segment: string, suggestion: string | undefined, known: readonly string[]) {
  const where = at === '' ? 'at the top level' : `under "${at}"`;
  const tail = suggestion !== undefined ? `; did you mean --sweep ${suggestion}=...?` : known.length > 0 ? `. Known keys: ${known.join(', ')}.` : '';
  return `--sweep ${excerpt(arg)}: the schema has no "${excerpt(segment)}" ${where}${tail}`;
}

/** `--sweep` on a key that cannot be swept (sweep, seeds, extends). */
export function sweepNotAxis(arg: string, key: string) {
  return `--sweep ${excerpt(arg)}: "${key}" cannot be a sweep axis; ${key === 'seeds' ? 'use --seeds N' : 'sweep a setting such as train.optimizer.learning_rate'}`;
}

/** A sweep point that failed; the sweep goes on with the next point. */
export function sweepPointFailed(index: number, reason: string) {
  return `point ${index} failed: ${reason}; going on with the next point`;
}

/** The end of a sweep in which some points failed (their reasons are in sweep.json). */
export function sweepFailedPoints(dir: string, failed: readonly number[], total: number) {
  return `${plural(failed.length, 'point')} of ${total} failed (${failed.join(', ')}); reasons in ${dir}/sweep.json; rerun them with: npx tfexp resume ${dir}`;
}

// --- CLI start-up (issue 13) ---

/**
 * A command run without a required argument (`tfexp summary`): which argument, the
 * usage line, where the help is. `argument` as in the usage: `<file>`, `<files..>`.
 */
/** `tfexp bogus`: a first word that is no command and close to none. */
export function unknownCommand(word: string, commands: readonly string[]) {
  return `unknown command "${excerpt(word)}". The commands are: ${commands.join(', ')}.`;
}

export function missingArgument(command: string, argument: string, usage: string) {
  const many = argument.endsWith('..>') ? ' (one or more)' : '';
  return `tfexp ${command}: missing argument ${argument}${many}.\nUsage: tfexp ${usage} [options]\nSee tfexp ${command} --help.`;
}


// --- interrupts ---

/** What stopping keeps, by default. */
export const KEPT_EPOCHS = 'the finished epochs and the last checkpoint are kept';

/** What stopping a run keeps, from how many epochs it has finished. */
export function keptOnStop(epochsCompleted: number) {
  return epochsCompleted === 0
    ? 'no epoch has finished yet, so nothing is kept and tfexp resume starts again at epoch 1'
    : `${plural(epochsCompleted, 'finished epoch')} and the checkpoint of epoch ${epochsCompleted} are kept`;
}

/** The first Ctrl-C (or SIGTERM) of a run. */
export function stoppingAfterBatch(signal: string, kept: string) {
  return `${signal}: stopping after this batch; ${kept}. Press Ctrl-C again to quit at once.`;
}

/** A run stopped by Ctrl-C, after `lastEpoch` finished epochs (0: none). */
export function runInterrupted(lastEpoch: number, dir: string) {
  return lastEpoch === 0
    ? `run interrupted before its first epoch finished; start it again with: npx tfexp resume ${dir}`
    : `run interrupted after ${plural(lastEpoch, 'completed epoch')}; resume with: npx tfexp resume ${dir}`;
}

// --- queue (issue 14) ---

/** A `--queue` value that is not a Redis URL tfexp understands. `shown` is already redacted. */
export function queueBadUrl(shown: string, why: string) {
  return `--queue ${shown}: ${why}; expected redis://[:password@]host:port[/db] or rediss://... (TLS)`;
}

/** Redis does not answer at the queue's address. `shown` is the redacted URL. */
export function queueUnreachable(shown: string, why: string) {
  return `cannot reach Redis at ${shown}: ${why}; is redis-server running there, and is the port open to this machine?`;
}

/** Redis refused the credentials (the password itself is never shown). */
export function queueAuthFailed(shown: string, why: string) {
  return `Redis at ${shown} refused the password: ${why}; check the password in --queue (redis://:PASSWORD@host:port)`;
}

/** Redis needs a password and the URL has none. */
export function queueNeedsPassword(shown: string) {
  return `Redis at ${shown} needs a password: give it in the URL, redis://:PASSWORD@host:port`;
}

/** A job's `idx` data path that would leave the worker's data folder. */
export function queueDataPathEscapes(key: string, path: string, dataDir: string) {
  return `job refused: data.${key} ${JSON.stringify(excerpt(path))} is not a relative path inside the worker's --data-dir ${dataDir} (absolute paths and '..' are refused)`;
}

/** A job with `idx` data on a worker started without --data-dir. */
export function queueNoDataDir(key: string) {
  return `job refused: data.${key} names an idx file, and this worker has no --data-dir (or $TFEXP_DATA_DIR) to find it in`;
}

/** A job that is not a tfexp sweep point (another program's job, or another tfexp version's). */
export function queueBadJob(why: string) {
  return `job refused: ${why}`;
}

/** A submitter's `idx` path outside the folder it is sent relative to. */
export function queueDataOutsideBase(key: string, path: string, base: string) {
  return `data.${key} ${path} is not inside ${base}, the folder idx paths are sent relative to; give --data-dir with the folder that holds the data (workers need the same files under their own --data-dir)`;
}

/** `--concurrency` other than 1. */
export function queueConcurrency(n: number) {
  return `--concurrency ${n}: a worker runs one point at a time for now (start more workers to run more at once)`;
}

/** `--lock-seconds` under 1. */
export function queueLockSeconds(seconds: number) {
  return `--lock-seconds ${seconds}: give at least 1 (a point's lock must outlast a batch, or another worker takes the point over while it runs)`;
}

/** A Redis command failed after connecting (out of memory, refused, a Redis too old for BullMQ). */
export function queueRedisFailed(shown: string, why: string) {
  return `Redis at ${shown} failed: ${why}; what was done is kept (in Redis and in the sweep folder): fix Redis, then continue with npx tfexp resume <sweep-dir>`;
}

/** Another process follows the sweep already. */
export function queueFollowedElsewhere(dir: string, host: string, pid: number, since: string) {
  return `${dir} is followed already, by pid ${pid} on ${host} (since ${since}); stop that one first (Ctrl-C detaches it), or, if it was killed, try again in 30 s`;
}

/** This follower's claim lapsed (the process stopped, or cut off from Redis, for over 30 s) and another took over (pid 0: unknown). */
export function queueFollowTakenOver(dir: string, host: string, pid: number, since: string) {
  const who = pid > 0 ? `pid ${pid} on ${host} took it over (at ${since})` : 'another process took it over';
  return `stopped following ${dir}: ${who} while this process's claim had lapsed (stopped, or cut off from Redis, for over 30 s); that one gathers the runs, and the sweep goes on on the workers`;
}

/** `--attempts` under 1 or not a whole number. */
export function queueAttempts(value: number) {
  return `--attempts ${value}: give a whole number of tries, 1 or more (2: one retry after 5 s)`;
}

/** `--queue` given without a URL and no $TFEXP_QUEUE. */
export const QUEUE_URL_MISSING = '--queue needs a URL (redis://[:password@]host:port[/db]), or $TFEXP_QUEUE set to one';

/** The follower lost its Redis connection; queued points are kept by Redis (its append-only file) meanwhile. */
export function queueConnectionLost(shown: string) {
  return `lost the connection to Redis at ${shown}; reconnecting every 2 s (the workers go on; queued points stay in Redis)`;
}

/** The follower is connected again. */
export function queueConnectionBack(shown: string) {
  return `connected to Redis at ${shown} again`;
}

/** How to give the queue again: the URL as the user wrote it minus its password. */
function queueArg(shown: string) {
  return shown.includes(':***@') ? `--queue ${shown.replace(':***@', ':PASSWORD@')}` : `--queue ${shown}`;
}

/** The submitter stopped following (Ctrl-C): the sweep goes on. */
export function queueDetached(dir: string, shown: string) {
  return `stopped following; the sweep goes on on the workers. Follow it again (and gather its runs) with: npx tfexp resume ${dir} ${queueArg(shown)}; stop it with: npx tfexp sweep cancel ${dir} ${queueArg(shown)}`;
}

/** A point's job is gone from Redis (a Redis that lost its data, or jobs older than a week): enqueued again. */
export function queueJobMissing(index: number) {
  return `point ${index}: its job is not in Redis (lost, or older than a week); enqueued again`;
}

/** `tfexp resume` / `sweep cancel` on a sweep folder without sweep.json's `queue`, or a queued one without --queue. */
export function queueNotQueued(dir: string) {
  return `${dir} is a local sweep, not one sent through a queue; continue it with: npx tfexp resume ${dir}`;
}

export function queueUrlNeeded(command: string, dir: string, shown: string) {
  return `${dir} was sent through the queue at ${shown}; give it again: npx tfexp ${command} ${dir} ${queueArg(shown)} (or set TFEXP_QUEUE)`;
}

/** The URL given to resume/cancel names another server than the sweep's (password aside). */
export function queueOtherServer(dir: string, given: string, shown: string) {
  return `--queue ${given} is not the queue ${dir} was sent through (${shown}); give that one`;
}

/** Why a point stopped: `tfexp sweep cancel`. */
export const QUEUE_CANCELLED = 'cancelled by tfexp sweep cancel';

/** A worker refusing or stopping a point of a cancelled sweep. */
export function queuePointCancelled(job: string) {
  return `job ${job}: ${QUEUE_CANCELLED}`;
}

/** What `tfexp sweep cancel` did. */
export function queueCancelSummary(p: { dir: string; shown: string; removed: number; stopped: readonly string[]; completed: number; stillRunning: readonly string[] }) {
  const parts = [`removed ${plural(p.removed, 'queued point')}`];
  if (p.stopped.length > 0) parts.push(`stopped ${plural(p.stopped.length, 'running point')} after its batch (${p.stopped.join(', ')}; checkpoints kept)`);
  if (p.stillRunning.length > 0) parts.push(`${plural(p.stillRunning.length, 'point')} still running (${p.stillRunning.join(', ')}): their workers stop them at their next batch`);
  if (p.completed > 0) parts.push(`${plural(p.completed, 'completed point')} kept`);
  return `Cancelled: ${parts.join('; ')}. Run what is left later with: npx tfexp resume ${p.dir} ${queueArg(p.shown)}`;
}

/** The follower's end when `tfexp sweep cancel` stopped some points (exit 130). */
export function queueSweepCancelled(dir: string, shown: string, cancelled: number, total: number) {
  return `sweep cancelled: ${cancelled} of ${plural(total, 'point')} did not run to the end; run them later with: npx tfexp resume ${dir} ${queueArg(shown)}`;
}

/** Resume found the sweep cancelled: resuming lifts it. */
export const QUEUE_UNCANCELLED = 'the sweep was cancelled; resuming runs its points again';

/** A run whose files exceed what travels through Redis. */
export function queueArtifactsTooBig(dir: string, bytes: number, limit: number) {
  return `the run folder ${dir} holds ${(bytes / 2 ** 20).toFixed(0)} MiB to send back, more than the ${(limit / 2 ** 20).toFixed(0)} MiB limit; use a shared --runs-dir`;
}

// --- doctor queue (issue 14) ---

/** Heading of doctor's queue section (`tfexp doctor --queue URL` or $TFEXP_QUEUE). */
export const DOCTOR_QUEUE_HEADING = 'Queue (--queue or $TFEXP_QUEUE):';

/** Worker names shown in doctor's queue line before "and N more". */
const DOCTOR_QUEUE_WORKERS_SHOWN = 10;

/**
 * Doctor's queue line: "redis://127.0.0.1:6379/0: Redis 7.0.15, 2 workers (w1, w2), jobs: 3 waiting,
 * 1 active, 0 delayed, 5 completed, 0 failed". `url` is the redacted URL; `workers` null when Redis
 * does not list its clients. Prioritized jobs are named only when there are some.
 */
export function doctorQueueLine(status: {
  readonly url: string;
  readonly server: string;
  readonly version: string;
  readonly workers: readonly string[] | null;
  readonly jobs: { readonly waiting: number; readonly active: number; readonly delayed: number; readonly prioritized: number; readonly completed: number; readonly failed: number };
}) {
  const { workers, jobs } = status;
  const names = workers === null ? '' : workers.slice(0, DOCTOR_QUEUE_WORKERS_SHOWN).join(', ') + (workers.length > DOCTOR_QUEUE_WORKERS_SHOWN ? `, and ${workers.length - DOCTOR_QUEUE_WORKERS_SHOWN} more` : '');
  const seen = workers === null ? 'workers unknown (Redis does not allow CLIENT LIST)' : `${plural(workers.length, 'worker')}${names === '' ? '' : ` (${names})`}`;
  const prioritized = jobs.prioritized > 0 ? `, ${jobs.prioritized} prioritized` : '';
  return `${status.url}: ${status.server} ${status.version}, ${seen}, jobs: ${jobs.waiting} waiting${prioritized}, ${jobs.active} active, ${jobs.delayed} delayed, ${jobs.completed} completed, ${jobs.failed} failed`;
}

/** The queue's Redis may evict keys: BullMQ needs maxmemory-policy noeviction. `shown` is the redacted URL. */
export function doctorQueueEviction(shown: string, policy: string) {
  return `Redis at ${shown} has maxmemory-policy ${policy}: when its memory is full it deletes keys, queued sweep points among them. BullMQ needs noeviction: run CONFIG SET maxmemory-policy noeviction and set it in redis.conf (on a managed Redis, in the provider's settings)`;
}

/** Jobs wait and no worker is connected to take them. */
export function doctorQueueNoWorker(waiting: number) {
  return `${plural(waiting, 'job')} ${waiting === 1 ? 'waits' : 'wait'} and no worker is connected: start one with npx tfexp worker --queue URL`;
}

/** Redis connected but did not answer doctor's reads in time. */
export function doctorQueueTimeout(shown: string, seconds: number) {
  return `Redis at ${shown} accepted the connection but did not answer within ${seconds} s; is it overloaded, or is the connection being cut?`;
}

/** Redis refused one of doctor's reads (INFO, CLIENT LIST, the queue's keys): an ACL, or not a Redis. */
export function doctorQueueReadFailed(shown: string, why: string) {
  return `Redis at ${shown} refused to show the queue: ${why}; the user in --queue needs read access to INFO and the tfexp:* keys`;
}

// --- queue TLS (issue 14) ---

/** rediss://: the server's certificate chain does not lead to a CA this machine trusts (a private or self-signed CA). */
export function queueTlsUntrusted(shown: string, why: string) {
  return `Redis at ${shown} has a TLS certificate this machine does not trust: ${why}; if a private CA signed it, start tfexp with NODE_EXTRA_CA_CERTS=/path/to/ca.pem (that CA's certificate, PEM)`;
}

/** rediss://: the certificate is refused for another reason (another host's, expired, not yet valid). */
export function queueTlsCertificate(shown: string, why: string) {
  return `Redis at ${shown} has a TLS certificate that does not fit: ${why}; give the host name or address the certificate was issued for in --queue, and check that it has not expired`;
}

// --- evaluation (issue 15) ---

/** `data.class_names` names more or fewer classes than the model outputs. `where`: the final layer (`layerRef`). */
export function classNamesCount(names: number, units: number, where: string) {
  return `data.class_names has ${plural(names, 'name')}, but ${where} outputs ${units} classes: give one name per class, in label order (label 0 first)`;
}

/** A run's report: the heading of one evaluation ("Test set: 10,000 samples"). */
export function reportEvaluationHeading(split: string, samples: number) {
  return `${split === 'test' ? 'Test' : 'Training'} set: ${samples.toLocaleString('en-US')} samples`;
}

/** A run's report: the evaluation's headline numbers. */
export function reportEvaluationLine(accuracy: number, loss: number) {
  return `accuracy ${accuracy.toFixed(4)}, loss ${loss.toFixed(4)}`;
}

/** A run's report, where the misclassified grid would be. */
export const REPORT_MISCLASSIFIED_NOT_DRAWN = 'The misclassified grid was not drawn (sharp could not be loaded; see tfexp evaluate).';

/** sharp (images) cannot be imported: not installed, or no prebuilt binary for this platform. */
export function sharpUnavailable(why: string) {
  return `cannot load sharp, the image library tfexp reads and draws images with (${why}); install it with npm install sharp (its prebuilt libvips comes from the npm registry; see https://sharp.pixelplumbing.com/install for other platforms)`;
}

/** The run goes on without its misclassified grid. `why`: sharpUnavailable's text. */
export function misclassifiedNotDrawn(why: string) {
  return `warning: plots/misclassified.png not drawn: ${why}`;
}

/** `tfexp evaluate` / `tfexp predict` on a folder that is not a run. */
export function notARunFor(command: string, dir: string) {
  return `${dir} is not a run directory (it has no run.json). Give a run folder, e.g. npx tfexp ${command} runs/20261202-120000-baseline`;
}

/** The run has no saved model: it never completed. */
export function runWithoutModel(dir: string, status: string) {
  return `${dir} has no trained model (model/model.json): the run is ${status}. A run saves its model when it completes; continue it with npx tfexp resume ${dir}`;
}

/** `tfexp evaluate`: what it wrote. */
export function evaluationWritten(files: readonly string[]) {
  return `Wrote ${files.join(', ')}`;
}

/** `tfexp predict --top` below 1. */
export function badTop(value: number) {
  return `--top must be a whole number of classes, at least 1; got ${value}`;
}

/** `tfexp evaluate --misclassified` that is not a whole number from 0 to `max`. */
export function badMisclassified(value: number, max: number) {
  return `--misclassified must be a whole number of samples from 0 (none, and no misclassified grid) to ${max}; got ${Number.isNaN(value) ? 'something that is not a number' : value}`;
}

/** An image file for `tfexp predict` that does not exist or cannot be read. */
export function imageUnreadable(file: string, why: string) {
  return `${file}: cannot read the file (${why})`;
}

/** A file sharp cannot decode (not an image, or corrupt). */
export function imageUndecodable(file: string, why: string) {
  return `${file}: not a readable image (${why}). tfexp predict takes PNG or JPEG images and IDX image files (.gz or raw)`;
}

/** An IDX file whose content is not images (labels: one dimension). */
export function idxNotImages(file: string, shape: readonly number[]) {
  return `${file}: an IDX file of shape [${shape.join(', ')}], not images: tfexp predict takes IDX image files of shape [count, height, width] or [count, height, width, channels]`;
}

/** IDX images of another size than the model takes. */
export function idxWrongSize(file: string, got: readonly number[], expected: readonly number[]) {
  return `${file}: IDX images of shape [${got.join(', ')}] (height, width, channels), but the model takes [${expected.join(', ')}]; resize them or give PNG/JPEG images (those are resized)`;
}

/** The model's input has a channel count predict cannot make from an image (not 1 or 3). */
export function unsupportedChannels(channels: number) {
  return `the model takes ${channels} channels per pixel; tfexp predict makes 1 (greyscale) or 3 (RGB) from an image (IDX files of ${channels} channels work)`;
}

/** `tfexp evaluate` on the backend the run trained on. */
export function evaluatingOnBackend(backend: string) {
  return `Evaluating on ${backend}, the backend this run trained on (--backend to choose another).`;
}

/** The misclassified grid of an evaluation without mistakes. */
export const MISCLASSIFIED_NONE = 'Every sample was classified correctly.';
// --- ui (issue 15) ---

/** Subtitle of the dashboard's seed bands (src/plots/bands-spec.ts). */
export const UI_BANDS_SUBTITLE = 'mean over seeds per epoch (line), mean ± one standard deviation (band); training solid, validation dashed';

/** Title of the seed bands: "3 grid points, 9 runs". */
export function uiBandsTitle(groups: number, runs: number) {
  return `${plural(groups, 'grid point')}, ${plural(runs, 'run')}`;
}

/** Subtitle of the parallel coordinates (src/plots/parallel-spec.ts). */
export function uiParallelSubtitle(metric: string) {
  return `one line per run through its differing settings to ${metric}, coloured by ${metric}`;
}

/** `tfexp ui`: the runs folder does not exist. */
export function uiRunsDirMissing(dir: string) {
  return `tfexp ui: runs folder ${dir} does not exist; name the folder tfexp run writes to (default: runs), e.g. tfexp ui runs`;
}

/** `tfexp ui`: the runs folder is a file. */
export function uiRunsDirNotFolder(dir: string) {
  return `tfexp ui: ${dir} is not a folder; name the folder that holds the run folders (default: runs)`;
}

/** `tfexp ui --port`: not a TCP port. */
export function uiBadPort(port: unknown) {
  return `tfexp ui: --port ${String(port)} is not a TCP port; give a whole number from 0 (any free port) to 65535, e.g. --port 6006`;
}

/** `tfexp ui`: the port is taken. */
export function uiPortInUse(host: string, port: number) {
  return `tfexp ui: ${host}:${port} is already in use (another tfexp ui or TensorBoard?); choose another with --port, or --port 0 for any free port`;
}

/** `tfexp ui --host`: the address cannot be bound here. */
export function uiCannotListen(host: string, port: number, why: string) {
  return `tfexp ui: cannot listen on ${host}:${port}: ${why}; give an address of this machine with --host (default 127.0.0.1)`;
}

/** `tfexp ui --host` other than loopback: a warning. */
export function uiNotLoopback(host: string) {
  return `warning: --host ${host} is not a loopback address: every run under the folder (metrics, experiment files, models) becomes readable by anyone who can reach this machine on the network`;
}

/** Said once the server listens. */
export function uiListening(root: string, runs: number, url: string) {
  return `tfexp ui: ${plural(runs, 'run')} under ${root}, live at ${url} (read-only; Ctrl-C to stop)`;
}

/** `--open`: the browser could not be started. */
export function uiOpenFailed(url: string, why: string) {
  return `warning: could not open a browser (${why}); open ${url} yourself`;
}

/** File watching failed (the inotify limit, say): the page no longer updates by itself. */
export function uiWatchFailed(why: string) {
  return `warning: watching the runs folder failed (${why}); the page updates only when reloaded. On Linux, raise fs.inotify.max_user_watches`;
}

/** A request for anything outside the runs folder, or nothing at all. */
export const UI_NOT_FOUND = 'Not found';

/** A request naming a host the server does not answer for (DNS rebinding). */
export function uiWrongHost(host: string) {
  return `This tfexp ui answers only for its own address, not for Host ${host}`;
}

/** Said on Ctrl-C. */
export const UI_STOPPED = 'tfexp ui: stopped';
// --- kernels (issue 16) ---

/** TFEXP_SIMD set to something else than plain or relaxed. */
export function simdVariantUnknown(value: string) {
  return `TFEXP_SIMD=${value}: give plain (multiply then add, as XNNPACK) or relaxed (fused multiply-add; Node 22 or later), or unset it to pick the fastest this engine runs`;
}

/** TFEXP_SIMD=relaxed on an engine without relaxed SIMD. */
export function simdRelaxedUnsupported(version: string) {
  return `TFEXP_SIMD=relaxed: Node ${version} does not run WebAssembly relaxed SIMD (Node 22 and later do); unset TFEXP_SIMD to use the plain kernels`;
}

/** `tfexp bench --threads` that is not a list of whole numbers >= 1. */
export function badThreadList(text: string) {
  return `--threads ${text}: give a thread count or a comma-separated list of them, each 1 or more (e.g. --threads 1,2)`;
}

/** `tfexp bench --simd` naming something else than plain and relaxed. */
export function badSimdList(text: string) {
  return `--simd ${text}: give plain, relaxed, or plain,relaxed`;
}

/** A child `tfexp bench` (one thread count of a --threads list) failed. */
export function benchChildFailed(threads: number, code: number, last: string) {
  return `tfexp bench with --threads ${threads} failed (exit ${code}): ${last}`;
}
