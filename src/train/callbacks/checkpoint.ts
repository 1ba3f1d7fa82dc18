/**
 * Reading and writing callback state for checkpoints. `saveState` must return
 * JSON, which has no NaN or Infinity (JSON.stringify turns them into null), so
 * monitored values are stored as a number or one of the strings "NaN",
 * "Infinity", "-Infinity".
 */
import { TrainingError } from '../../errors.js';
import * as message from '../../log/message.js';

/** A number as JSON keeps it exactly: finite numbers as they are, the others as their name. */
export type JsonNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function encodeNumber(value: number): JsonNumber {
  return Number.isFinite(value) ? value : (String(value) as JsonNumber);
}

/** Reads the fields of a callback's saved state, naming the callback in every error. */
export class StateReader {
  private readonly fields: Record<string, unknown>;

  /**
   * @param callback the config key of the callback (`train.early_stopping`), for messages.
   * @throws TrainingError when `state` is not a JSON object.
   */
  constructor(
    private readonly callback: string,
    state: unknown,
  ) {
    if (typeof state !== 'object' || state === null || Array.isArray(state)) {
      throw new TrainingError(message.badCallbackState(callback, `expected an object, got ${message.describeValue(state)}`));
    }
    this.fields = state as Record<string, unknown>;
  }

  /** @throws TrainingError unless `key` holds an integer >= 0. */
  count(key: string): number {
    const value = this.fields[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
    throw this.bad(key, 'an integer >= 0', value);
  }

  /** @throws TrainingError unless `key` holds a `JsonNumber`. */
  number(key: string): number {
    const value = this.fields[key];
    if (typeof value === 'number') return value;
    if (value === 'NaN' || value === 'Infinity' || value === '-Infinity') return Number(value);
    throw this.bad(key, 'a number', value);
  }

  /** Like `number`, but null is allowed (Keras `None`). */
  numberOrNull(key: string): number | null {
    return this.fields[key] === null ? null : this.number(key);
  }

  private bad(key: string, expected: string, got: unknown): TrainingError {
    return new TrainingError(message.badCallbackState(this.callback, `"${key}" should be ${expected}, got ${message.describeValue(got)}`));
  }
}
