import * as message from '../../log/message.js';
import type { ModelCheck } from './types.js';

/** A learning-rate schedule and reduce_lr_on_plateau are not combined: the schedule would overwrite every reduction. */
export const oneLearningRatePolicy: ModelCheck = ({ experiment, locator }) =>
  experiment.train.learning_rate_schedule !== undefined && experiment.train.reduce_lr_on_plateau !== undefined
    ? [{ at: locator.locate(['train', 'reduce_lr_on_plateau']), message: message.SCHEDULE_WITH_REDUCE_LR }]
    : [];
