/**
 * Evaluation section: what the test evaluation at the end of a run (and `tfexp evaluate`)
 * records beyond Keras's `evaluate` metrics (src/evaluation/). Optional: without it, the
 * defaults below apply, and runs made before it existed read the same.
 */
import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_MISCLASSIFIED, MAX_MISCLASSIFIED } from '../../evaluation/misclassified.js';
import { Defaulted } from './common.js';

export const EvaluationSettings = Type.Optional(
  Type.Object(
    {
      misclassified: Defaulted(
        Type.Integer({
          minimum: 0,
          maximum: MAX_MISCLASSIFIED,
          description: `How many of the most confidently wrong samples evaluation.json lists (highest confidence first) and plots/misclassified.png draws (the same for evaluation_train.json of \`tfexp evaluate --split train\`); 0: none, and no misclassified grid. At most ${MAX_MISCLASSIFIED}. \`tfexp evaluate --misclassified N\` overrides it for one evaluation. Default: ${DEFAULT_MISCLASSIFIED}.`,
        }),
        DEFAULT_MISCLASSIFIED,
      ),
    },
    {
      additionalProperties: false,
      description: 'The evaluation of the trained model on the test set (evaluation.json, the confusion matrix, the misclassified grid). Optional: the defaults apply without it.',
    },
  ),
);

export type EvaluationConfig = Static<typeof EvaluationSettings>;
