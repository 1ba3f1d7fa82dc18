/** Options shared by several commands. */
import type { Argv } from 'yargs';

/** `--set path=value`, repeatable; always an array. */
export function withSet<T>(y: Argv<T>) {
  return y.option('set', {
    type: 'string',
    describe: 'Override a setting, e.g. --set train.epochs=5 (value parsed as YAML; repeatable)',
    coerce: (value: string | string[] | undefined): string[] => (value === undefined ? [] : ([] as string[]).concat(value)),
  });
}
