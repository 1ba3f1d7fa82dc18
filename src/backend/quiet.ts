/** tfjs process-wide settings the CLI wants. Backend selection proper lives beside this file. */
import * as tf from '@tensorflow/tfjs';

/**
 * Puts tfjs in production mode: no debug checks and no console banners such
 * as the "install our node backend" notice, which would garble `--json` output.
 */
export function quietTfjs(): void {
  tf.env().set('PROD', true);
}
