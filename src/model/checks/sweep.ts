import { resolvePath } from '../../config/schema-walk.js';
import { closestMatch } from '../../config/suggest.js';
import * as message from '../../log/message.js';
import type { ModelCheck } from './types.js';

/** Every `sweep` axis names a setting the schema has (as `--set` paths must). */
export const sweepPathsExist: ModelCheck = ({ experiment, locator }) =>
  Object.keys(experiment.sweep ?? {}).flatMap((path) => {
    const segments = path.split('.');
    const found = resolvePath(segments);
    if (found.ok && segments[0] !== 'sweep' && segments[0] !== 'seeds' && segments[0] !== 'extends') return [];
    const failedAt = found.ok ? 0 : found.failedAt;
    const known = found.ok ? [] : found.known;
    const segment = segments[failedAt]!;
    return [{ at: locator.locate(['sweep', path], true), message: `sweep: ${message.overrideUnknownPath(segments.slice(0, failedAt).join('.'), segment, closestMatch(segment, known), known)}` }];
  });
