/**
 * `GET /api/run?id=...`: one run's page. The header rows are report.html's (runFacts)
 * plus the backend and why (the run header's own lines), the charts are the specs
 * report.html draws (training-spec.ts) with the reader's view options
 * (interactive.ts), and the evaluation views appear for each split the run folder has them of:
 * the test set (`evaluation.json`, `plots/misclassified.png`) and, after `tfexp evaluate --split
 * train`, the training samples (`evaluation_train.json`, `plots/misclassified_train.png`); each
 * confusion matrix is drawn from its evaluation file by the runs' own confusionMatrixSpec (counts
 * and row shares), never from a spec file of the run folder.
 */
import { readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isPlainObject } from '../../config/pointer.js';
import * as message from '../../log/message.js';
import { confusionMatrixSpec } from '../../plots/confusion-spec.js';
import { EVALUATION_SPLITS, evaluationChartNames, evaluationFileName, type Evaluation, type EvaluationSplit } from '../../evaluation/index.js';
import { interactiveSpec, type ChartView } from '../../plots/interactive.js';
import { runFacts } from '../../plots/report.js';
import { runReportFacts } from '../../plots/run-facts.js';
import { learningRateSpec, trainingSpec } from '../../plots/training-spec.js';
import type { RunInfo } from '../../runs/store.js';
import { encodePath, isInside, realInside, runIdOf } from '../paths.js';
import { readText } from '../static.js';
import type { IndexedRun } from '../store.js';
import { statusKind, type StatusKind } from './list.js';

/** A file of the run folder, with its download address. */
export interface RunFile {
  /** Relative to the run folder, `/`-separated. */
  readonly path: string;
  /** Bytes. */
  readonly size: number;
  /** `/files/<run id>/<path>`, percent-encoded. */
  readonly url: string;
}

export interface RunPayload {
  readonly id: string;
  readonly status: StatusKind;
  /** The status as compare's table writes it (`stale (process gone)`, `corrupt metrics.json`). */
  readonly statusText: string;
  readonly name: string;
  readonly description: string;
  /** Header rows: label and a text value, or `{html}` (escaped by report.ts). */
  readonly facts: readonly (readonly [string, string | { html: string }])[];
  /** The run header's backend lines (`Backend: wasm (...; fastest available)`, `Skipped: ...`), or null. */
  readonly backend: string | null;
  readonly epochs: { readonly completed: number; readonly planned: number | null };
  readonly failure: string | null;
  readonly warnings: readonly string[];
  readonly history: readonly Record<string, number>[];
  readonly test: Readonly<Record<string, number>> | null;
  readonly charts: { readonly training: object | null; readonly learningRate: object | null };
  /** The evaluations the run folder has, test first then train (EvaluationView); empty when none. */
  readonly evaluations: readonly EvaluationView[];
  readonly summary: string | null;
  readonly experimentYaml: string | null;
  readonly files: readonly RunFile[];
}

/**
 * One split's evaluation views: listed when the run folder has the split's evaluation file
 * (evaluationFileName: evaluation.json, evaluation_train.json) as JSON, or its misclassified grid.
 */
export interface EvaluationView {
  readonly split: EvaluationSplit;
  /** The evaluation file as written, or null (absent, unreadable, not JSON: the grid alone is there). */
  readonly evaluation: unknown;
  /** The confusion matrix as counts and as row shares (Vega-Lite specs), or null when the file lacks what they need. */
  readonly confusion: object | null;
  readonly confusionNormalised: object | null;
  /** The misclassified grid's address (`plots/misclassified.png`, `plots/misclassified_train.png`), or null. */
  readonly misclassified: string | null;
}

/** At most this many files are listed (a run folder holds about 20). */
export const MAX_FILES = 500;

/** Folders deeper than this inside a run folder are not listed (a link cycle ends here too). */
const MAX_DEPTH = 4;

/** Every regular file of `dir` that resolves inside `root` (links out are left out), sorted, at most MAX_FILES. */
export function runFiles(root: string, dir: string): RunFile[] {
  const files: RunFile[] = [];
  const walk = (folder: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (files.length >= MAX_FILES) return;
      const path = join(folder, entry.name);
      let real: string;
      try {
        real = realpathSync(path);
      } catch {
        continue;
      }
      // Listed only when it stays inside the runs folder, as the file route serves it.
      if (!isInside(root, real)) continue;
      const stats = statSync(real, { throwIfNoEntry: false });
      if (stats?.isDirectory() && depth < MAX_DEPTH) walk(path, depth + 1);
      else if (stats?.isFile()) files.push({ path: runIdOf(dir, path), size: stats.size, url: `/files/${encodePath(runIdOf(root, path))}` });
    }
  };
  walk(dir, 0);
  return files;
}

/** A text file of the run folder, or null when it is missing, unreadable or a link out of the runs folder. */
function readInside(root: string, path: string): string | null {
  const real = realInside(root, path);
  return real === null ? null : readText(real);
}

/** A JSON file of the run folder, or null when it is missing, not JSON, or a link out. */
function readJson(root: string, path: string): unknown {
  const text = readInside(root, path);
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}


/** The run header's backend lines, when run.json's backend has the fields they need. */
function backendLines(backend: unknown): string | null {
  if (!isPlainObject(backend) || typeof backend.name !== 'string' || typeof backend.package !== 'string' || typeof backend.device !== 'string') return null;
  return message.backendHeader({
    name: backend.name,
    package: backend.package,
    device: backend.device,
    threads: typeof backend.threads === 'number' ? backend.threads : null,
    adapter: isPlainObject(backend.adapter) ? (backend.adapter as never) : null,
    reason: typeof backend.reason === 'string' ? backend.reason : 'not recorded',
    skipped: Array.isArray(backend.skipped) ? backend.skipped.filter(isPlainObject).map((s) => ({ backend: String(s.backend), reason: String(s.reason) })) : [],
  });
}

/** Key facts beside report.html's header rows: parameters, FLOPs, data, seed, duration, as report.html words them. */
export function keyFacts(info: Partial<RunInfo>): [string, string][] {
  const facts = runReportFacts(info);
  return (['parameters', 'FLOPs per sample', 'data', 'seed', 'duration'] as const).map((key) => [key, facts[key]!]);
}

/** A whole number from a file, or null (a hand-edited or corrupt run.json must not reach the page as markup). */
function wholeNumber(value: unknown): number | null {
  return typeof value === 'number' && Number.isInteger(value) ? value : null;
}

/** The confusion matrix as counts and as row shares, or null when evaluation.json lacks what it needs. */
function confusionCharts(evaluation: unknown): { counts: object; shares: object } | null {
  if (!isPlainObject(evaluation) || !Array.isArray(evaluation.confusion_matrix) || !Array.isArray(evaluation.class_names)) return null;
  try {
    const matrix = evaluation as unknown as Evaluation;
    return { counts: confusionMatrixSpec(matrix), shares: confusionMatrixSpec(matrix, { normalize: true }) };
  } catch {
    return null;
  }
}

/** The evaluation views of each split `files` (the run folder's) has, test first. */
function evaluationViews(root: string, dir: string, files: readonly RunFile[]): EvaluationView[] {
  return EVALUATION_SPLITS.flatMap((split) => {
    const grid = `plots/${evaluationChartNames(split).misclassified}.png`;
    const misclassified = files.find((f) => f.path === grid)?.url ?? null;
    const read = readJson(root, join(dir, evaluationFileName(split)));
    // A file that parses but is no evaluation (`[]`, `42`) offers nothing to show.
    const evaluation = isPlainObject(read) ? read : null;
    if (evaluation === null && misclassified === null) return [];
    const confusion = confusionCharts(evaluation);
    return [{ split, evaluation, confusion: confusion?.counts ?? null, confusionNormalised: confusion?.shares ?? null, misclassified }];
  });
}

/**
 * The payload of one run.
 * @param root the runs folder's real path.
 * @param view the reader's chart options.
 * @param statusText compare's status cell for the run (the runs table's).
 */
export function runPayload(root: string, indexed: IndexedRun, view: ChartView, statusText: string): RunPayload {
  const { run, dir } = indexed;
  const info = (run?.info ?? {}) as Partial<RunInfo>;
  const experiment = run?.experiment ?? null;
  const name = typeof experiment?.name === 'string' ? experiment.name : (info.name ?? indexed.id);
  const description = typeof experiment?.description === 'string' ? experiment.description : '';
  const metrics = run?.metrics ?? null;
  const training = metrics !== null && metrics.history.length > 0 ? interactiveSpec(trainingSpec(metrics, name, description), view) : null;
  const rate = metrics === null ? undefined : learningRateSpec(metrics, name);
  const files = runFiles(root, dir);
  return {
    id: indexed.id,
    status: run === undefined ? 'corrupt' : statusKind(run),
    statusText,
    name,
    description,
    facts: [...keyFacts(info), ...runFacts(info)],
    backend: backendLines(info.backend),
    epochs: { completed: metrics?.history.length ?? wholeNumber(info.epochs_completed) ?? 0, planned: wholeNumber(info.epochs_planned) },
    failure: info.failure_reason ?? null,
    warnings: indexed.warnings,
    history: metrics?.history ?? [],
    test: metrics?.test ?? null,
    charts: {
      training,
      learningRate: rate === undefined ? null : interactiveSpec(rate, { ...view, logY: false }),
    },
    // The confusion matrices from the evaluation files through the runs' own spec (its `normalize`
    // parameter gives the row shares). Only specs the server builds are drawn: a spec file from
    // the run folder is never handed to the page. A malformed evaluation file draws nothing.
    evaluations: evaluationViews(root, dir, files),
    summary: readInside(root, join(dir, 'summary.txt')),
    experimentYaml: readInside(root, join(dir, 'experiment.yaml')),
    files,
  };
}
