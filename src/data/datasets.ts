/** What tfexp knows about each built-in dataset before loading it: shape, classes, file names, checksums. */

/** The datasets tfexp can find or download by name (Keras names `mnist`, `fashion_mnist`). */
export const BUILTIN_DATASETS = ['mnist', 'fashion-mnist'] as const;
export type BuiltinDatasetName = (typeof BUILTIN_DATASETS)[number];

/** Base names of the four IDX files, as LeCun published them (a `.gz` suffix is optional on disk). */
export const IDX_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/**
 * Known SHA-256 digests (lower-case hex), keyed by file name: `<name>.gz` is the digest of the
 * compressed file as published, `<name>` that of the uncompressed IDX content (so recompressed or
 * raw copies are still recognised), `<dataset>.npz` that of Keras's archive.
 */
export type ChecksumTable = Readonly<Record<string, string>>;

export interface DatasetInfo {
  /** One sample without the batch axis: [height, width, channels]. */
  readonly sampleShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Labels are class indices 0..numClasses-1 (not one-hot). */
  readonly labels: 'integer';
  readonly classNames: readonly string[];
  readonly trainSize: number;
  readonly testSize: number;
  /** What to fetch when no local copy exists: Keras's `.npz` archive, or the four `.gz` IDX files. */
  readonly download: 'npz' | 'idx';
  readonly sha256: ChecksumTable;
}

/**
 * Where Keras downloads its datasets from (`keras.datasets.mnist.load_data`, `fashion_mnist.load_data`):
 * `<base>/mnist.npz` and `<base>/<idx file>.gz`.
 */
export const KERAS_DATASET_BASE_URL = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets';

/**
 * Sizes and classes as published with the datasets (LeCun et al.; Xiao et al., 2017). Checksums: the
 * MNIST `.gz` and content digests from /work/shared/data/mnist/README.md (whose md5s match LeCun's);
 * the Fashion-MNIST content digests from /work/shared/data/fashion-mnist/README.md (Debian recompressed
 * the `.gz` files, so only the uncompressed digests are canonical); `mnist.npz` is Keras's `file_hash`.
 */
export const DATASETS: Record<BuiltinDatasetName, DatasetInfo> = {
  mnist: {
    sampleShape: [28, 28, 1],
    numClasses: 10,
    labels: 'integer',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60_000,
    testSize: 10_000,
    download: 'npz',
    sha256: {
      'train-images-idx3-ubyte.gz': '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
      'train-labels-idx1-ubyte.gz': '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
      't10k-images-idx3-ubyte.gz': '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
      't10k-labels-idx1-ubyte.gz': 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
      'train-images-idx3-ubyte': 'ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db',
      'train-labels-idx1-ubyte': '65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5',
      't10k-images-idx3-ubyte': '0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7',
      't10k-labels-idx1-ubyte': 'ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2',
      'mnist.npz': '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1',
    },
  },
  'fashion-mnist': {
    sampleShape: [28, 28, 1],
    numClasses: 10,
    labels: 'integer',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    trainSize: 60_000,
    testSize: 10_000,
    download: 'idx',
    sha256: {
      'train-images-idx3-ubyte': 'c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888',
      'train-labels-idx1-ubyte': 'bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9',
      't10k-images-idx3-ubyte': '5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b',
      't10k-labels-idx1-ubyte': '0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34',
    },
  },
};

/** The built-in dataset's metadata, or undefined for datasets only known after loading (`idx`). */
export function builtinDataset(name: string): DatasetInfo | undefined {
  return isBuiltinDataset(name) ? DATASETS[name] : undefined;
}

/** True when `name` is one of the built-in datasets (not `idx`). */
export function isBuiltinDataset(name: string): name is BuiltinDatasetName {
  return (BUILTIN_DATASETS as readonly string[]).includes(name);
}
