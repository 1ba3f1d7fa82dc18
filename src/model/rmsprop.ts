/**
 * RMSprop with a fused update where the backend has one.
 *
 * tfjs-core's RMSPropOptimizer updates each variable with about a dozen
 * element-wise ops, each a pass over memory (and, in 4.22, computes the new mean
 * square twice). When the active backend registers the kernel RMSPROP_UPDATE
 * (tfexp's wasm kernels do), this subclass updates each variable in one pass with
 * the same formulas and float32 operation order; otherwise, and for centered
 * RMSprop, it is tfjs's optimizer unchanged. Slot variables, names
 * (`<var>/rms`, `<var>/momentum`), getWeights/setWeights and className are the
 * parent's, so checkpoints and saved models do not change.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * Kernel name. Inputs { value, gradient, ms, mom } (float32, one shape), attrs
 * { learningRate, rho, momentum, epsilon }; outputs [value', ms', mom'].
 */
export const RMSPROP_UPDATE = 'TfexpRMSPropUpdate';

/** A variable's gradient, as the optimizer API passes it (tfjs-core's NamedTensor, not re-exported). */
type NamedGradients = Parameters<tf.Optimizer['applyGradients']>[0];

/** The parent's private state this subclass reads (private in its typings). */
interface Slots {
  centered: boolean;
  accumulatedMeanSquares: { originalName: string; variable: tf.Variable }[];
  accumulatedMoments: { originalName: string; variable: tf.Variable }[];
}

export class RMSPropOptimizer extends tf.RMSPropOptimizer {
  override applyGradients(variableGradients: NamedGradients): void {
    const slots = this as unknown as Slots;
    if (slots.centered || tf.getKernel(RMSPROP_UPDATE, tf.getBackend()) === undefined) {
      super.applyGradients(variableGradients);
      return;
    }
    const names = Array.isArray(variableGradients) ? variableGradients.map((item) => item.name) : Object.keys(variableGradients);
    names.forEach((name, i) => {
      const value = tf.engine().registeredVariables[name]!;
      // Created as the parent creates them (same names and order), on first use.
      slots.accumulatedMeanSquares[i] ??= { originalName: `${name}/rms`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      slots.accumulatedMoments[i] ??= { originalName: `${name}/momentum`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      const gradient = Array.isArray(variableGradients) ? variableGradients[i]!.tensor : variableGradients[name];
      if (gradient == null) return;
      const ms = slots.accumulatedMeanSquares[i]!.variable;
      const mom = slots.accumulatedMoments[i]!.variable;
      tf.tidy(() => {
        const attrs = { learningRate: this.learningRate, rho: this.decay, momentum: this.momentum, epsilon: this.epsilon };
        const [next, nextMs, nextMom] = tf.engine().runKernel(RMSPROP_UPDATE, { value, gradient, ms, mom }, attrs as never) as tf.Tensor[];
        ms.assign(nextMs!);
        mom.assign(nextMom!);
        value.assign(next!);
      });
    });
    this.incrementIterations();
  }
}
