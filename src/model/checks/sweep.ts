import { NOT_SWEEP_AXES, settingPathProblem } from '../../config/suggest-path.js';
import * as message from '../../log/message.js';
import type { ModelCheck } from './types.js';

/** Every `sweep` axis names a setting the schema has (as `--set` and `--sweep` paths must, with the same check). */
export const sweepPathsExist: ModelCheck = ({ experiment, locator }) =>
  Object.keys(experiment.sweep ?? {}).flatMap((path) => {
    const problem = settingPathProblem(path.split('.'), NOT_SWEEP_AXES);
    if (problem === undefined) return [];
    const text =
      problem.kind === 'unknown'
        ? message.overrideUnknownPath(problem.at, problem.segment, problem.suggestion, problem.known)
        : problem.kind === 'forbidden'
          ? message.overrideForbiddenKey(path, problem.key)
          : message.overrideUnknownPath('', problem.key, undefined, []);
    return [{ at: locator.locate(['sweep', path], true), message: `sweep: ${text}` }];
  });
