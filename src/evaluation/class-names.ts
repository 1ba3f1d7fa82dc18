/** Which name each class has, for evaluation.json, the charts and tfexp predict. */
import type { DataConfig } from '../config/index.js';
import { builtinDataset } from '../data/datasets.js';

/**
 * The K class names of an experiment, in label order: `data.class_names` when given (the model
 * checks hold it to K names), else the built-in dataset's (digits "0".."9" for mnist, the ten
 * Fashion-MNIST names: T-shirt/top, Trouser, ...), else "0".."K-1".
 * @param data the experiment's validated `data` section.
 * @param numClasses K, the final layer's units.
 */
export function classNamesOf(data: Pick<DataConfig, 'dataset' | 'class_names'>, numClasses: number): string[] {
  if (data.class_names !== undefined && data.class_names.length === numClasses) return [...data.class_names];
  const builtin = builtinDataset(data.dataset)?.classNames;
  if (builtin !== undefined && builtin.length === numClasses) return [...builtin];
  return Array.from({ length: numClasses }, (_, i) => String(i));
}
