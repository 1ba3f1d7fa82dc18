/**
 * Run labels for compare's tables and charts: what tells a run apart, not its
 * timestamped folder. A label is the run's name (run.json's `name`: `--name`, else
 * the experiment's name; table.ts labelName) followed by the values of the settings
 * that differ among the runs of that name: `baseline lr=0.0003 bs=128`,
 * `keras-convnet`, `intr`. A sweep point is named by its sweep's experiment (not
 * `baseline-3`). Runs that still share a label get
 * ` #1`, ` #2`... in folder order. The folder (the run id) stays in the `run`
 * column.
 */

/**
 * Short names of common settings in labels, chart legends and the fitted table's
 * headers: Keras's argument names where they fit (`optimizer` of `compile()`,
 * `validation_split` of `fit()`), `lr` for the learning rate as Keras's optimizers
 * once named it; other settings use their last path segment. A fitted table
 * (src/compare/table.ts) may cut a setting's header down to its cells' width
 * (`valida…`); the `short headers:` note under it spells each out.
 */
export const SHORT_NAMES: Readonly<Record<string, string>> = {
  'train.optimizer.learning_rate': 'lr',
  'train.optimizer.type': 'optimizer',
  'train.optimizer.momentum': 'momentum',
  // Not Keras's `batch_size`: its values are 2-3 digits, so the header alone sets the
  // column's width; ten runs of the library at 120 columns then cut `train.epochs`
  // to `train…` and `validation_split` to `valid…` to make room for `batch_…`.
  // `bs` keeps those readable (`train.e…`, `valida…`) and labels short (`lr=0.0003 bs=128`).
  'train.batch_size': 'bs',
  'train.epochs': 'epochs',
  'train.loss.type': 'loss',
  'data.dataset': 'data',
  'data.validation_split': 'validation_split',
  'data.train_limit': 'train_limit',
  model: 'model',
  seed: 'seed',
};

/** Settings that never go into a label: the name is its first word already, the description is prose. */
export const NOT_IN_LABELS: readonly string[] = ['name', 'description'];

/**
 * Short names for `paths`, unique among them: SHORT_NAMES, else the last path
 * segment; when two paths would share one, more segments are kept
 * (`layers.0.filters`, `layers.3.filters`), a list index never alone.
 */
export function shortNames(paths: readonly string[]): Map<string, string> {
  const segmentsOf = (path: string) => path.split('.');
  const keep = new Map(paths.map((p) => [p, 1]));
  const name = (path: string): string => {
    if (SHORT_NAMES[path] !== undefined) return SHORT_NAMES[path]!;
    const segments = segmentsOf(path);
    let n = Math.min(keep.get(path)!, segments.length);
    // A list index alone ("0.filters") says little: take its list's name too.
    if (n < segments.length && /^\d+$/.test(segments[segments.length - n]!)) n += 1;
    return segments.slice(-n).join('.');
  };
  for (let round = 0; round < 16; round++) {
    const byName = new Map<string, string[]>();
    for (const p of paths) byName.set(name(p), [...(byName.get(name(p)) ?? []), p]);
    const clashes = [...byName.values()].filter((group) => group.length > 1);
    if (clashes.length === 0) break;
    for (const group of clashes) for (const p of group) keep.set(p, keep.get(p)! + 1);
  }
  return new Map(paths.map((p) => [p, name(p)]));
}

export interface LabelInput {
  /** The run's name: run.json's (`--name` or the experiment's); a sweep point: its sweep's experiment name. */
  readonly name: string;
  /** The run's value of each differing setting, by path (as in the table). */
  readonly values: ReadonlyMap<string, string>;
}

/**
 * One label per run, in the same order.
 * @param paths the differing settings (table columns), in column order.
 */
export function runLabels(runs: readonly LabelInput[], paths: readonly string[]): string[] {
  const candidates = paths.filter((p) => !NOT_IN_LABELS.includes(p));
  const short = shortNames(candidates);
  const labels = runs.map((run) => {
    const sameName = runs.filter((r) => r.name === run.name);
    const telling = candidates.filter((p) => new Set(sameName.map((r) => r.values.get(p) ?? '-')).size > 1);
    return [run.name, ...telling.map((p) => `${short.get(p)}=${run.values.get(p) ?? '-'}`)].join(' ');
  });
  const counts = new Map<string, number>();
  labels.forEach((l) => counts.set(l, (counts.get(l) ?? 0) + 1));
  const seen = new Map<string, number>();
  return labels.map((l) => {
    if (counts.get(l)! < 2) return l;
    seen.set(l, (seen.get(l) ?? 0) + 1);
    return `${l} #${seen.get(l)}`;
  });
}
