/** Data section: which dataset to train and test on. */
import { Type, type Static } from '@sinclair/typebox';
import { StringEnum } from './common.js';

/** Built-in datasets, by their Keras names (`keras.datasets.mnist`, `keras.datasets.fashion_mnist`). */
export const DATASETS = ['mnist', 'fashion-mnist'] as const;
export type DatasetName = (typeof DATASETS)[number];

export const Data = Type.Object(
  {
    dataset: StringEnum(DATASETS, { description: 'Dataset: mnist or fashion-mnist (60,000 train + 10,000 test, 28x28x1, 10 classes).' }),
  },
  { additionalProperties: false, description: 'The data to train and evaluate on.' },
);

export type DataConfig = Static<typeof Data>;
