/**
 * Loading a dataset into memory as uint8, in order:
 *   1. find its files (locate.ts: --data-dir, TFEXP_DATA_DIR, the user cache)
 *   2. if none has it, download it into the cache (download.ts)
 *   3. verify SHA-256 where known (checksum.ts) and parse IDX or .npz (idx.ts, npz.ts)
 *   4. check shapes, counts and label ranges (here)
 */
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DataError } from '../errors.js';
import * as message from '../log/message.js';
import { checkFile, type FileCheck } from './checksum.js';
import { DATASETS, IDX_FILES, KERAS_DATASET_BASE_URL, type BuiltinDatasetName, type ChecksumTable } from './datasets.js';
import { DownloadFailure, downloadFile } from './download.js';
import { maybeGunzip } from './gzip.js';
import { parseIdx, type ByteArray } from './idx.js';
import { findIdxFile, inspectDir, searchDirs, type FoundFiles } from './locate.js';
import { parseNpz } from './npz.js';

/** One split held in memory. */
export interface DataSplit {
  /** Shape [count, height, width, channels] flattened in C order; dtype uint8, 0-255. */
  readonly images: Uint8Array;
  /** Shape [count]; class indices 0..numClasses-1, dtype uint8. */
  readonly labels: Uint8Array;
  readonly count: number;
  /** The labels file, as messages name it (for .npz `archive.npz:y_train.npy`); unset for splits built in memory. */
  readonly labelsFile?: string;
}

/** A dataset in memory, with where it came from. */
export interface LoadedDataset {
  /** `mnist`, `fashion-mnist`, or `idx` for files named in the experiment. */
  readonly name: string;
  readonly train: DataSplit;
  readonly test: DataSplit;
  /** One sample without the batch axis: [height, width, channels]. */
  readonly sampleShape: readonly [number, number, number];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  readonly source: {
    /** The folder the files were read from. */
    readonly dir: string;
    /** What named that folder: `--data-dir`, `TFEXP_DATA_DIR`, `cache`, or `experiment`. */
    readonly origin: string;
    readonly format: 'idx' | 'npz';
    /** True when the files were downloaded by this call. */
    readonly downloaded: boolean;
    readonly files: readonly FileCheck[];
  };
}

export interface LoadOptions {
  /** `--data-dir`: searched first, as DIR/<dataset>/. */
  readonly dataDir?: string;
  /** Environment for TFEXP_DATA_DIR, XDG_CACHE_HOME and TFEXP_DATASET_BASE_URL. Default: `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Replaces the known digests of `datasets.ts` (tests only). */
  readonly checksums?: ChecksumTable;
  /** Draw a download progress bar. Default: whether stderr is a terminal. */
  readonly progress?: boolean;
  /** Receives one line per download ("downloading URL -> file"). Default: silent. */
  readonly log?: (line: string) => void;
  /** Replaces Node's global `fetch` for downloads (tests only). */
  readonly fetch?: (url: string) => Promise<Response>;
}

/**
 * Loads a built-in dataset, downloading it into the user cache when no local copy exists.
 *
 * The download base URL is Keras's (`KERAS_DATASET_BASE_URL`); env `TFEXP_DATASET_BASE_URL` replaces it.
 * That variable exists for tests (a local HTTP server) and is not a supported user setting.
 * @returns train (60,000) and test (10,000) splits of uint8 [n, 28, 28, 1] images and uint8 labels, plus provenance.
 * @throws DataError when a folder holds an incomplete file set, a file is unreadable or malformed, a known
 *   checksum differs, counts disagree, a label is out of range, or the dataset is absent and cannot be downloaded
 *   (the message lists the folders searched, the URL that failed and why, and which files to put where).
 */
export async function loadDataset(name: BuiltinDatasetName, options: LoadOptions = {}): Promise<LoadedDataset> {
  const info = DATASETS[name];
  const env = options.env ?? process.env;
  const checksums = options.checksums ?? info.sha256;
  const dirs = searchDirs(name, options.dataDir, env);
  const searched: string[] = [];
  let found: FoundFiles | undefined;
  for (const at of dirs) {
    const result = inspectDir(name, at, at.origin === 'cache');
    if (typeof result !== 'string') {
      found = result;
      break;
    }
    searched.push(message.searchedDirLine(at.dir, at.origin, result));
  }
  let downloaded = false;
  if (found === undefined) {
    const cache = dirs[dirs.length - 1]!;
    await download(name, cache.dir, checksums, searched, options, env);
    const result = inspectDir(name, cache, false);
    if (typeof result === 'string') throw new DataError(message.incompleteFileSet(cache.dir, [], Object.values(IDX_FILES)), cache.dir);
    found = result;
    downloaded = true;
  }
  const parsed = found.format === 'idx' ? readIdxSet(found.files, checksums) : readNpzFile(found.file, checksums);
  for (const check of parsed.checks) {
    if (check.checksum === 'mismatch') throw new DataError(message.checksumMismatch(check.path, check.expected!, check.actual!, check.compared!), check.path);
  }
  const [train, test, sampleShape] = assemble(parsed, info.numClasses);
  return {
    name,
    train,
    test,
    sampleShape,
    numClasses: info.numClasses,
    classNames: info.classNames,
    source: { dir: found.dir, origin: found.origin, format: found.format, downloaded, files: parsed.checks },
  };
}

/** Paths of the four IDX files of an `idx` dataset (absolute, or relative to the current directory). */
export interface IdxPaths {
  readonly trainImages: string;
  readonly trainLabels: string;
  readonly testImages: string;
  readonly testLabels: string;
}

/**
 * Loads four IDX files named by the user (dataset `idx`). Checksums are `unknown`; the class count is
 * the largest label + 1 and class names are "0", "1", ...
 * @throws DataError as `loadDataset` does for unreadable or malformed files and inconsistent contents.
 */
export function loadIdxDataset(paths: IdxPaths, dir: string): LoadedDataset {
  const parsed = readIdxSet(paths, {});
  let max = 0;
  for (const labels of [parsed.trainLabels.array.data, parsed.testLabels.array.data]) for (const label of labels) if (label > max) max = label;
  const numClasses = max + 1;
  const [train, test, sampleShape] = assemble(parsed, numClasses);
  const classNames = Array.from({ length: numClasses }, (_, i) => String(i));
  return { name: 'idx', train, test, sampleShape, numClasses, classNames, source: { dir, origin: 'experiment', format: 'idx', downloaded: false, files: parsed.checks } };
}

interface Named {
  readonly path: string;
  readonly array: ByteArray;
}
interface ParsedSet {
  readonly trainImages: Named;
  readonly trainLabels: Named;
  readonly testImages: Named;
  readonly testLabels: Named;
  readonly checks: FileCheck[];
}

function readBytes(path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new DataError(message.dataUnreadable(path, error instanceof Error ? error.message : String(error)), path);
  }
}

function readIdxSet(paths: IdxPaths, checksums: ChecksumTable): ParsedSet {
  const checks: FileCheck[] = [];
  const read = (key: keyof IdxPaths): Named => {
    const path = paths[key];
    const bytes = readBytes(path);
    const content = maybeGunzip(bytes, path);
    checks.push(checkFile(path, bytes, IDX_FILES[key], checksums, content));
    return { path, array: parseIdx(content, path) };
  };
  return { trainImages: read('trainImages'), trainLabels: read('trainLabels'), testImages: read('testImages'), testLabels: read('testLabels'), checks };
}

function readNpzFile(path: string, checksums: ChecksumTable): ParsedSet {
  const bytes = readBytes(path);
  const check = checkFile(path, bytes, basename(path), checksums);
  const npz = parseNpz(bytes, path);
  const at = (member: string, array: ByteArray): Named => ({ path: `${path}:${member}.npy`, array });
  return { trainImages: at('x_train', npz.x_train), trainLabels: at('y_train', npz.y_train), testImages: at('x_test', npz.x_test), testLabels: at('y_test', npz.y_test), checks: [check] };
}

/** Checks ranks, counts, label range and equal sample shapes; returns train, test and [h, w, c]. */
function assemble(set: ParsedSet, numClasses: number): [DataSplit, DataSplit, [number, number, number]] {
  const split = (images: Named, labels: Named): [DataSplit, [number, number, number]] => {
    const s = images.array.shape;
    if (s.length !== 3 && s.length !== 4) throw new DataError(message.imageRank(images.path, s), images.path);
    if (labels.array.shape.length !== 1) throw new DataError(message.labelRank(labels.path, labels.array.shape), labels.path);
    const count = s[0]!;
    if (labels.array.shape[0] !== count) throw new DataError(message.countMismatch(images.path, count, labels.path, labels.array.shape[0]!), labels.path);
    const data = labels.array.data;
    for (let i = 0; i < data.length; i++) {
      if (data[i]! >= numClasses) throw new DataError(message.labelOutOfRange(labels.path, i, data[i]!, numClasses), labels.path);
    }
    return [{ images: images.array.data, labels: data, count, labelsFile: labels.path }, [s[1]!, s[2]!, s[3] ?? 1]];
  };
  const [train, trainShape] = split(set.trainImages, set.trainLabels);
  const [test, testShape] = split(set.testImages, set.testLabels);
  if (trainShape.some((d, i) => d !== testShape[i])) {
    throw new DataError(message.sampleShapeMismatch(set.trainImages.path, trainShape, set.testImages.path, testShape), set.testImages.path);
  }
  return [train, test, trainShape];
}

/** Downloads what the cache folder lacks: Keras's `.npz`, or the `.gz` IDX files. */
async function download(name: BuiltinDatasetName, dir: string, checksums: ChecksumTable, searched: string[], options: LoadOptions, env: NodeJS.ProcessEnv): Promise<void> {
  const base = (env.TFEXP_DATASET_BASE_URL || KERAS_DATASET_BASE_URL).replace(/\/+$/, '');
  const wanted =
    DATASETS[name].download === 'npz'
      ? [{ file: `${name}.npz`, canonical: `${name}.npz` }]
      : Object.values(IDX_FILES)
          .filter((f) => findIdxFile(dir, f) === undefined)
          .map((f) => ({ file: `${f}.gz`, canonical: f }));
  for (const { file, canonical } of wanted) {
    const url = `${base}/${file}`;
    options.log?.(message.downloading(url, join(dir, file)));
    try {
      await downloadFile(url, dir, file, canonical, { checksums, progress: options.progress, ...(options.fetch ? { fetch: options.fetch } : {}) });
    } catch (error) {
      if (!(error instanceof DownloadFailure)) throw error;
      const npz = DATASETS[name].download === 'npz' ? `${name}.npz` : undefined;
      throw new DataError(message.datasetNotFound(name, searched, url, error.message, dir, npz, Object.values(IDX_FILES)), url);
    }
  }
}
