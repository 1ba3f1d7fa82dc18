/** Data section: which dataset to train and test on, how to scale it and what to validate on. */
import { Type, type Static } from '@sinclair/typebox';
import { Defaulted, PositiveInt, StringEnum } from './common.js';

/**
 * Datasets: the built-in ones by their Keras names (`keras.datasets.mnist`, `keras.datasets.fashion_mnist`),
 * found locally or downloaded; `idx` reads four IDX files named in the experiment.
 */
export const DATASETS = ['mnist', 'fashion-mnist', 'idx'] as const;
export type DatasetName = (typeof DATASETS)[number];

const IDX_PATHS = ['train_images', 'train_labels', 'test_images', 'test_labels'] as const;

const idxPath = (what: string) =>
  Type.Optional(
    Type.String({
      minLength: 1,
      description: `Path of the ${what} IDX file (.gz or raw), relative to this experiment file. Required when dataset is idx.`,
    }),
  );

export const Data = Type.Object(
  {
    dataset: StringEnum(DATASETS, {
      description:
        'Dataset: mnist or fashion-mnist (60,000 train + 10,000 test, 28x28x1, 10 classes), or idx for your own IDX files (train_images, train_labels, test_images, test_labels).',
    }),
    train_images: idxPath('training images'),
    train_labels: idxPath('training labels'),
    test_images: idxPath('test images'),
    test_labels: idxPath('test labels'),
    normalize: Defaulted(Type.Boolean({ description: 'Scale pixels from uint8 0-255 to float32 in [0, 1] (divide by 255). Default: true.' }), true),
    validation_split: Defaulted(
      Type.Number({
        minimum: 0,
        exclusiveMaximum: 1,
        description:
          'Fraction of the training set held out (after a shuffle seeded by `seed`) and evaluated after each epoch, as Keras fit(validation_split=...). Default: 0 (none).',
      }),
      0,
    ),
    validation: Defaulted(
      StringEnum(['none', 'test'] as const, {
        description:
          'Evaluate on the test set after each epoch (test), as the Keras MNIST examples pass validation_data=(x_test, y_test). Cannot be combined with validation_split > 0. Default: none.',
      }),
      'none',
    ),
    train_limit: Type.Optional(PositiveInt({ description: 'Use only this many training samples (taken after the seeded shuffle). Default: all.' })),
    test_limit: Type.Optional(PositiveInt({ description: 'Use only this many test samples (taken after the seeded shuffle). Default: all.' })),
    class_names: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description:
          'Names of the classes in label order (label 0 first), one per unit of the final layer, as evaluation.json, the confusion matrix, the misclassified grid and tfexp predict show them. Default: the dataset\'s (digits "0".."9" for mnist, the ten Fashion-MNIST names for fashion-mnist), else "0".."K-1".',
      }),
    ),
  },
  {
    additionalProperties: false,
    description: 'The data to train and evaluate on.',
    allOf: [
      {
        if: { properties: { dataset: { const: 'idx' } }, required: ['dataset'] },
        then: { required: [...IDX_PATHS] },
      },
      {
        if: { properties: { validation: { const: 'test' } }, required: ['validation'] },
        then: { properties: { validation_split: { const: 0 } } },
      },
    ],
  },
);

export type DataConfig = Static<typeof Data>;
