/**
 * tfjs-layers' Conv2D, with its convolution, bias add and ReLU (or linear activation) run as one
 * kernel in training as well as in `predict` (src/model/conv2d-bias-activation.ts). tfjs-layers
 * asks tfjs-core's `fused.conv2d` for that, which on a gradient tape fuses only a linear
 * activation (through a customGrad) and runs relu as separate kernels.
 *
 * It is the same layer, not a new one: its class name is tfjs-layers' 'Conv2D' (inherited), and
 * its config and weights (`kernel`, `bias`) are the parent's, so a saved model loads with
 * `tf.loadLayersModel` (as tfjs-layers' own Conv2D) and in Keras. Other activations, dilation
 * channels-first data and inputs other than float32 run the parent's code.
 */
import { InternalError } from '../../errors.js';
import { conv2dBiasActivation, FUSED_ACTIVATIONS, type FusedActivation } from '../conv2d-bias-activation.js';
import { tf } from './tfjs.js';

type Tensor = import('@tensorflow/tfjs').Tensor;
type Conv2DArgs = Parameters<typeof tf.layers.conv2d>[0];
type Layer = ReturnType<typeof tf.layers.conv2d>;
type Kwargs = Record<string, unknown>;
type CallableLayer = Layer & { call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] };

/** The fields of tfjs-layers' Conv (layers/convolutional.ts) that call() reads (protected in its typings). */
interface ConvFields {
  readonly rank: number;
  readonly kernel: { read(): Tensor };
  readonly bias: { read(): Tensor } | null;
  readonly strides: number[];
  readonly padding: string;
  readonly dataFormat: string;
  readonly dilationRate: number | number[];
  readonly activation: { getClassName(): string };
}

let layerClass: (new (args: Conv2DArgs) => Layer) | undefined;

/**
 * A Conv2D layer, as `tf.layers.conv2d(args)` makes it, that runs one fused kernel where it can.
 * Input [batch, height, width, channels], output [batch, newHeight, newWidth, filters] (NHWC).
 * @throws what tf.layers.conv2d throws for bad arguments.
 */
export function conv2dLayer(args: Conv2DArgs): Layer {
  layerClass ??= defineLayerClass();
  return new layerClass(args);
}

/** The class, defined on first use: its parent is tfjs-layers' Conv2D, which tfjs-layers does not export but registers for deserialization. */
function defineLayerClass(): new (args: Conv2DArgs) => Layer {
  const registered = tf.serialization.SerializationMap.getMap().classNameMap.Conv2D;
  if (registered === undefined) throw new InternalError('tfjs-layers registers no Conv2D class');
  const Conv2D = registered[0] as unknown as new (args: Conv2DArgs) => CallableLayer;
  return class extends Conv2D {
    override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
      const fields = this as unknown as ConvFields;
      const activation = fields.activation.getClassName();
      const x = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0]! : null) : inputs;
      const fusable =
        x !== null && x.rank === 4 && x.dtype === 'float32' && fields.rank === 2 && fields.dataFormat === 'channelsLast' && tf.backend_util.tupleValuesAreOne(fields.dilationRate) &&
        (fields.padding === 'same' || fields.padding === 'valid') && (FUSED_ACTIVATIONS as readonly string[]).includes(activation);
      if (!fusable) return super.call(inputs, kwargs);
      return tf.tidy(() =>
        conv2dBiasActivation(x, fields.kernel.read(), fields.bias?.read() ?? null, {
          strides: [fields.strides[0]!, fields.strides[1]!],
          padding: fields.padding as 'same' | 'valid',
          activation: activation as FusedActivation,
        }),
      );
    }
  };
}
