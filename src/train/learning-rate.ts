/** Reading and changing a tfjs optimizer's learning rate (tfjs has no common API for it). */
import type * as tf from '@tensorflow/tfjs';

/** The learning rate the optimizer uses now. */
export function getLearningRate(optimizer: tf.Optimizer): number {
  return (optimizer as unknown as { learningRate: number }).learningRate;
}

/**
 * Sets the learning rate. SGD and momentum keep a precomputed `-lr` tensor, so
 * they need their own `setLearningRate`; the others read `learningRate` at
 * every update (tfjs-core optimizers/*.ts).
 */
export function setLearningRate(optimizer: tf.Optimizer, rate: number): void {
  const target = optimizer as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (typeof target.setLearningRate === 'function') target.setLearningRate(rate);
  else target.learningRate = rate;
}
