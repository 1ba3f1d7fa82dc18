/** What tfexp knows about each built-in dataset before loading it. */
import type { DatasetName } from '../config/index.js';

export interface DatasetInfo {
  /** One sample without the batch axis: [height, width, channels]. */
  readonly sampleShape: readonly [number, number, number];
  readonly numClasses: number;
  /** Labels are class indices 0..numClasses-1 (not one-hot). */
  readonly labels: 'integer';
  readonly classNames: readonly string[];
  readonly trainSize: number;
  readonly testSize: number;
}

/** Sizes and classes as published with the datasets (LeCun et al.; Xiao et al., 2017). */
export const DATASETS: Record<DatasetName, DatasetInfo> = {
  mnist: {
    sampleShape: [28, 28, 1],
    numClasses: 10,
    labels: 'integer',
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    trainSize: 60_000,
    testSize: 10_000,
  },
  'fashion-mnist': {
    sampleShape: [28, 28, 1],
    numClasses: 10,
    labels: 'integer',
    classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'],
    trainSize: 60_000,
    testSize: 10_000,
  },
};
