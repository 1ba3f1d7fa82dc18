/**
 * `tfexp run` and `tfexp resume`, in order:
 *   1. load and check the experiment (exit 2 on any problem, before anything is written)
 *   2. choose the backend, load the data, compile the model
 *   3. create the run directory and write experiment.yaml, summary.txt, run.json
 *   4. train (trainLoop), writing metrics.json and a checkpoint after every epoch
 *   5. evaluate on the test set (metrics.json's test results, evaluation.json and its charts), save
 *      the model, mark the run completed
 * A failure after step 3 marks the run `failed` with the reason (exit 1); Ctrl-C marks it
 * `interrupted` (exit 130). Either way every finished epoch stays in metrics.json.
 */
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BACKEND_REQUESTS, selectBackend, type BackendChoice, type BackendRequest } from '../backend/select.js';
import { cpuModel } from '../backend/cores.js';
import { backendCrashKind, explainBackendCrash, guardBackendCrashes, trainingPosition } from '../backend/crash.js';
import { memoryLimitFor, setMemoryLimit } from '../model/checks/memory.js';
import { loadExperiment, type LoadedExperiment } from '../config/index.js';
import { experimentToYaml } from '../config/render.js';
import { checkLabels, loadExperimentData, splitIndices, type LoadedDataset, type SplitIndices } from '../data/index.js';
import { RunFailed, RunInterrupted, TfexpError, UsageError } from '../errors.js';
import * as message from '../log/message.js';
import { compileExperiment, planExperiment, type CompiledExperiment } from '../model/index.js';
import { layerRef } from '../model/plan.js';
import { formatMemoryLine, formatSummary, memorySection, type MemorySection } from '../model/summary.js';
import { classNamesOf } from '../evaluation/class-names.js';
import { misclassifiedOf } from '../evaluation/misclassified.js';
import { evaluateClassifier } from '../evaluation/predictions.js';
import { sampleReader } from '../data/samples.js';
import { writeEvaluationPlots } from '../plots/evaluation.js';
import type { ReportEvaluation } from '../plots/report.js';
import { writeRunReport } from '../plots/run-report.js';
import { createRunDir } from '../runs/dir.js';
import { fingerprint, fingerprintChanges } from '../runs/fingerprint.js';
import { writeErrorOf } from '../runs/write-error.js';
import { HEARTBEAT_SECONDS, liveStatus } from '../runs/liveness.js';
import { RunStore, type Metrics, type RunInfo } from '../runs/store.js';
import { redactUrl } from '../queue/url.js';
import { versions } from '../version.js';
import { buildCallbacks } from './callbacks/index.js';
import { direction } from './callbacks/monitor.js';
import type { Callback } from './callbacks/types.js';
import { type Feed } from './evaluate.js';
import { watchInterrupts } from './interrupt.js';
import { getLearningRate, setLearningRate } from './learning-rate.js';
import { trainLoop, type EpochRecord } from './loop.js';
import { evaluationProgress, StatusLine, type ProgressOptions } from './progress.js';

export interface RunOptions {
  readonly sets?: readonly string[];
  /** Parent of run directories. Default: `runs`. */
  readonly runsDir?: string;
  readonly dataDir?: string;
  readonly backend?: BackendRequest;
  readonly threads?: number;
  /** Run name (default: the experiment name); sanitised for the folder name. */
  readonly name?: string;
  readonly quiet?: boolean;
  /** Where progress goes (default: stdout), and whether it is a terminal. */
  readonly write?: (text: string) => void;
  readonly live?: boolean;
  /** Off a terminal, the least time between two progress lines within an epoch, in milliseconds. Default: 30,000 (progress.ts). */
  readonly progressInterval?: number;
  /** Told the run directory as soon as it exists (sweeps record it). */
  readonly onRunDir?: (dir: string) => void;
  /** Told each finished epoch's record (a queue worker reports it as the job's progress). */
  readonly onEpoch?: (record: Readonly<Record<string, number>>, epochs: number) => void;
  /**
   * Asked after each batch besides Ctrl-C/SIGTERM: a reason (for run.json) stops the run as they do, the
   * checkpoint of the last epoch kept, with RunInterrupted (a queue worker: `tfexp sweep cancel`).
   */
  readonly stopRequested?: () => string | undefined;
}

export interface RunOutcome {
  readonly dir: string;
  readonly info: RunInfo;
  readonly metrics: Metrics;
}

/** Everything a run needs once inputs are loaded: shared by run, resume and evaluate. */
export interface Prepared {
  readonly loaded: LoadedExperiment;
  readonly compiled: CompiledExperiment;
  readonly choice: BackendChoice;
  readonly data: LoadedDataset;
  readonly split: SplitIndices;
  readonly validationFrom: 'split' | 'test' | 'none';
  readonly callbacks: readonly Callback[];
  /** The training memory estimate at the step's size, against the chosen backend's limit (none for cpu, tensorflow, webgpu). */
  readonly memory: MemorySection;
}

/** Writes one line of console output where the options say. */
export function sayer(options: RunOptions): (line: string) => void {
  const write = options.write ?? ((text: string) => void process.stdout.write(text));
  return (line) => write(`${line}\n`);
}

/** Where progress goes and how (terminal or not, quiet), from the run options. */
export function progressOptions(options: RunOptions): ProgressOptions {
  return {
    write: options.write ?? ((t) => void process.stdout.write(t)),
    live: options.live ?? process.stdout.isTTY === true,
    quiet: options.quiet ?? false,
    ...(options.progressInterval !== undefined ? { plainInterval: options.progressInterval } : {}),
  };
}

/** The status line before the first epoch, and a `say` that erases it before each line it writes. */
export function statusAndSay(options: RunOptions): { status: StatusLine; say: (line: string) => void } {
  const status = new StatusLine(progressOptions(options));
  const say = sayer(options);
  return {
    status,
    say: (line) => {
      status.clear();
      say(line);
    },
  };
}

/**
 * Loads and checks the experiment, then the backend and the data, then builds the model,
 * saying on `status` what it is doing; the status line is erased when it returns or throws,
 * so whatever is printed next (the header, an error) starts on a clean line.
 * @param check more checks of the loaded experiment (resume: the checkpoint's fingerprint),
 *   run with the model checks before any backend starts or data loads, so a bad experiment
 *   costs no download.
 */
export async function prepare(
  file: string,
  sets: readonly string[],
  options: RunOptions,
  say: (line: string) => void,
  status: StatusLine,
  check?: (loaded: LoadedExperiment) => void,
): Promise<Prepared> {
  try {
    const loaded = loadExperiment(file, sets);
    const { experiment } = loaded;
    const plan = planExperiment(loaded);
    check?.(loaded);
    status.show(message.STATUS_BACKEND);
    const choice = await selectBackend({
      ...(options.backend !== undefined ? { request: options.backend } : {}),
      ...(options.threads !== undefined ? { threads: options.threads } : {}),
    });
    for (const warning of choice.warnings) say(`warning: ${warning}`);
    // The memory check in compileExperiment measures against the chosen backend's limit.
    const limit = memoryLimitFor(choice.name);
    setMemoryLimit(limit);
    status.show(message.statusLoadingData(experiment.data.dataset));
    const data = await loadExperimentData(experiment.data, file, { ...(options.dataDir ? { dataDir: options.dataDir } : {}), log: say });
    const misfit = checkLabels(data, plan.output[plan.output.length - 1]!, layerRef(plan.layers[plan.layers.length - 1]!.layer));
    if (misfit !== null) throw misfit;
    const validationFrom = experiment.data.validation === 'test' ? 'test' : experiment.data.validation_split > 0 ? 'split' : 'none';
    const split = splitIndices(data.train.count, data.test.count, {
      seed: experiment.seed,
      validationSplit: experiment.data.validation_split,
      ...(experiment.data.train_limit !== undefined ? { trainLimit: experiment.data.train_limit } : {}),
      ...(experiment.data.test_limit !== undefined ? { testLimit: experiment.data.test_limit } : {}),
    });
    status.show(message.STATUS_COMPILING);
    const compiled = compileExperiment(loaded);
    // The training memory estimate at the step's size (the training set when smaller than a batch), against the chosen backend's limit.
    const stepBatch = Math.max(1, Math.min(experiment.train.batch_size, split.train.length));
    const memory = memorySection(compiled.plan, stepBatch, experiment.train.optimizer, limit, experiment.train.batch_size);
    return { loaded, compiled, choice, data, split, validationFrom, callbacks: buildCallbacks(experiment.train), memory };
  } finally {
    status.clear();
  }
}

/** How batches are fed to the prepared model: the data's sample shape, the experiment's normalisation and batch size, the loss's label encoding, K classes. */
export function feedOf(p: Prepared): Feed {
  return {
    sampleShape: p.data.sampleShape,
    normalize: p.loaded.experiment.data.normalize,
    batchSize: p.loaded.experiment.train.batch_size,
    labels: p.compiled.labels,
    numClasses: p.compiled.plan.output[p.compiled.plan.output.length - 1]!,
  };
}

/**
 * The backend a run recorded in run.json, to continue or re-evaluate it on (another backend computes
 * other digits), unless `options.backend` or TFEXP_BACKEND names one; says so when it is used.
 * @param saying what to say when the recorded backend is used (message.resumingOnBackend).
 * @returns the options to prepare with.
 */
export function onRecordedBackend(info: RunInfo, options: RunOptions, say: (line: string) => void, saying: (backend: string) => string): RunOptions {
  const recorded = (info.backend as { name?: string } | null)?.name;
  const same = options.backend === undefined && !process.env.TFEXP_BACKEND && BACKEND_REQUESTS.includes(recorded as BackendRequest) ? (recorded as BackendRequest) : undefined;
  if (same === undefined) return options;
  say(saying(same));
  return { ...options, backend: same };
}

function gitCommit(file: string): string | null {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(resolve(file)), encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : null;
}

/** The metric that picks the best epoch: early stopping's monitor, else val_loss (or loss without validation). */
function monitorOf(p: Prepared): { monitor: string; mode: 'min' | 'max' } {
  const configured = p.loaded.experiment.train.early_stopping;
  const monitor = configured?.monitor ?? (p.validationFrom === 'none' ? 'loss' : 'val_loss');
  return { monitor, mode: direction(configured?.mode ?? 'auto', monitor) };
}

function bestEpoch(history: readonly Record<string, number>[], monitor: string, mode: 'min' | 'max'): Metrics['best'] {
  let best: Metrics['best'] = null;
  for (const record of history) {
    const value = record[monitor];
    if (value === undefined || Number.isNaN(value)) continue;
    if (best === null || (mode === 'min' ? value < best.value : value > best.value)) best = { monitor, mode, epoch: record.epoch!, value };
  }
  return best;
}

function header(p: Prepared, id: string, dir: string, startEpoch: number): string {
  const { experiment } = p.loaded;
  const plan = p.compiled.plan;
  const val =
    p.validationFrom === 'test' ? `validation: the test set (${p.split.test.length})` : p.validationFrom === 'split' ? `validation ${p.split.validation.length}` : 'no validation';
  // Lines of free text wrap at message.HEADER_WIDTH; Memory and Run stay whole (sweeps read the Run line).
  return [
    message.wrapLine(`Experiment: ${experiment.name}${experiment.description ? ` - ${experiment.description}` : ''}`),
    message.wrapLine(`Data: ${p.data.name}, train ${p.split.train.length}, ${val}, test ${p.split.test.length}; samples [${p.data.sampleShape.join(', ')}]`),
    message.backendHeader(p.choice),
    message.wrapLine(`Model: ${(plan.trainableParams + plan.nonTrainableParams).toLocaleString('en-US')} parameters, ${plan.flops.toLocaleString('en-US')} FLOPs per sample (forward)`),
    `Memory: ${formatMemoryLine(p.memory)}`,
    `Run: ${id} in ${dir}${startEpoch > 1 ? ` (resuming at epoch ${startEpoch})` : ''}`,
  ].join('\n');
}

interface Execution {
  readonly p: Prepared;
  readonly store: RunStore;
  readonly info: RunInfo;
  readonly metrics: Metrics;
  readonly startEpoch: number;
  readonly startStep: number;
}

async function execute(e: Execution, options: RunOptions, say: (line: string) => void): Promise<RunOutcome> {
  const { p, store, info, metrics } = e;
  const { experiment } = p.loaded;
  const model = p.compiled.model;
  const feed = feedOf(p);
  const validation =
    p.validationFrom === 'test' ? { split: p.data.test, indices: p.split.test } : p.validationFrom === 'split' ? { split: p.data.train, indices: p.split.validation } : undefined;
  const { monitor, mode } = monitorOf(p);
  const started = Date.now() - (info.duration_seconds ?? 0) * 1000;
  const finish = (status: RunInfo['status'], reason: string | null) => {
    info.status = status;
    info.failure_reason = reason;
    info.ended_at = new Date().toISOString();
    info.duration_seconds = (Date.now() - started) / 1000;
    metrics.best = bestEpoch(metrics.history, monitor, mode);
    store.writeMetrics(metrics);
    store.writeRun(info);
  };
  // A second Ctrl-C exits at once: leave run.json saying so.
  /** The test evaluation and its charts, once made (the report's Evaluation section). */
  let evaluated: ReportEvaluation | undefined;
  /** Redraws plots/ and report.html from the current metrics and status. */
  const refreshReport = () =>
    writeRunReport(store, { experiment, info, metrics, summary: formatSummary(experiment.name, p.compiled.plan, p.memory), ...(evaluated ? { evaluations: [evaluated] } : {}) });
  let trapped = false;
  const watch = watchInterrupts(
    say,
    () => {
      try {
        finish('interrupted', 'interrupted by the user (second Ctrl-C, mid-epoch)');
      } catch {
        // Quitting at once all the same: run.json's heartbeat goes stale.
      }
    },
    () => message.keptOnStop(info.epochs_completed),
  );
  // The heartbeat tells compare and resume this run is alive (src/runs/liveness.ts).
  const beat = () => {
    info.heartbeat_at = new Date().toISOString();
    if (info.status !== 'running') return;
    try {
      store.writeRun(info);
    } catch {
      // A full disk: the next epoch's writes report it, with what was kept.
    }
  };
  const heartbeat = setInterval(beat, HEARTBEAT_SECONDS * 1000);
  heartbeat.unref();
  const explainCrash = (error: unknown) =>
    explainBackendCrash(error, trainingPosition(), p.choice.name, {
      plan: p.compiled.plan,
      batchSize: p.memory.estimate.batchSize,
      optimizer: experiment.train.optimizer,
    });
  // A wasm worker thread's trap arrives as an uncaught exception, outside this try: the same one line, exit 1.
  const unguard = guardBackendCrashes((error) => {
    const crash = explainCrash(error) ?? String(error);
    try {
      finish('failed', crash);
    } catch {
      // run.json's heartbeat goes stale
    }
    return `run failed: ${crash} (details in ${store.dir}/run.json)`;
  });
  try {
    const result = await trainLoop({
      model,
      train: p.data.train,
      trainIndices: p.split.train,
      ...(validation ? { validation } : {}),
      feed,
      epochs: experiment.train.epochs,
      seed: experiment.seed,
      callbacks: p.callbacks,
      startEpoch: e.startEpoch,
      startStep: e.startStep,
      progress: progressOptions(options),
      firstStepNote: message.firstStepStatus(p.choice.name),
      interrupted: () => watch.interrupted() || options.stopRequested?.() !== undefined,
      onEpochRecord: (record: EpochRecord) => {
        metrics.history.push({ ...record });
        info.epochs_completed = record.epoch;
        info.heartbeat_at = new Date().toISOString();
        metrics.best = bestEpoch(metrics.history, monitor, mode);
        store.writeMetrics(metrics);
        store.writeRun(info);
        options.onEpoch?.(record, experiment.train.epochs);
      },
      onEpochSaved: async (record: EpochRecord, step: number) => {
        await store.saveCheckpoint(model, {
          epoch: record.epoch,
          step,
          learning_rate: getLearningRate(model.optimizer),
          callbacks: p.callbacks.map((cb) => cb.saveState?.() ?? null),
          fingerprint: fingerprint(experiment),
        });
        await refreshReport();
      },
    });
    if (result.interrupted) {
      finish('interrupted', watch.interrupted() ? 'interrupted by the user' : (options.stopRequested?.() ?? 'interrupted'));
      await refreshReport();
      throw new RunInterrupted(message.runInterrupted(result.lastEpoch, store.dir));
    }
    if (result.stoppedBy !== undefined) info.stopped_early = result.stoppedBy;
    const testProgress = evaluationProgress('Test', progressOptions(options));
    const { logs: test, evaluation } = await evaluateClassifier(model, p.data.test, p.split.test, feed, {
      split: 'test',
      classNames: classNamesOf(experiment.data, feed.numClasses),
      loss: experiment.train.loss,
      misclassified: misclassifiedOf(experiment),
      onBatch: testProgress.onBatch,
    });
    testProgress.finish();
    metrics.test = test;
    say(Object.entries(test).map(([name, value]) => `Test ${name}: ${value.toFixed(4)}`).join('\n'));
    // The trained model first: nothing after it (charts) may cost the user their model.
    await store.saveModel(model);
    store.writeEvaluation(evaluation);
    const grid = misclassifiedOf(experiment) > 0;
    evaluated = { evaluation, charts: await writeEvaluationPlots(store.plotsDir, evaluation, sampleReader(p.data.test, p.data.sampleShape), p.data.sampleShape, say, { grid }) };
    finish('completed', null);
    await refreshReport();
    const plots = readdirSync(store.plotsDir).filter((f) => f.endsWith('.png')).sort((a, b) => Number(b.startsWith('training')) - Number(a.startsWith('training')) || a.localeCompare(b));
    say(message.runOutputs(join(store.dir, 'report.html'), plots.map((f) => join(store.plotsDir, f))));
    return { dir: store.dir, info, metrics };
  } catch (error) {
    if (error instanceof RunInterrupted) throw error;
    // A WebAssembly crash or out-of-memory: one line saying where and what to change, never the module's source.
    const crash = explainCrash(error);
    if (crash !== null) {
      trapped = backendCrashKind(error)?.kind === 'trap';
      try {
        finish('failed', crash);
      } catch {
        // run.json's heartbeat goes stale
      }
      throw new RunFailed(`run failed: ${crash} (details in ${store.dir}/run.json)`);
    }
    // A failed write anywhere in the run folder (checkpoint, metrics.json, plots/, report.html): which file, why, what is kept, how to resume.
    const failure = store.writeFailure(error) ?? error;
    const reason = failure instanceof Error ? failure.message : String(failure);
    try {
      finish('failed', reason);
    } catch {
      // The disk may still be full: run.json keeps status running, and its heartbeat goes stale.
    }
    await refreshReport().catch(() => {});
    // Described again: finish may have written metrics.json after all.
    const final = store.writeFailure(failure) ?? failure;
    throw final instanceof TfexpError ? final : new RunFailed(`run failed: ${reason} (details in ${store.dir}/run.json)`);
  } finally {
    unguard();
    clearInterval(heartbeat);
    watch.dispose();
    // A trapped WebAssembly module traps again on free: leave its memory to the process's end.
    if (!trapped) {
      model.optimizer.dispose();
      model.dispose();
    }
  }
}

/**
 * Trains an experiment into a new run directory.
 * @throws ConfigError, DataError, BackendError (exit 2) before anything is written;
 *   RunFailed or TrainingError (exit 1) and RunInterrupted (exit 130) after.
 */
export async function runExperiment(file: string, options: RunOptions = {}): Promise<RunOutcome> {
  const { status, say } = statusAndSay(options);
  const p = await prepare(file, options.sets ?? [], options, say, status);
  const { experiment } = p.loaded;
  const runsDir = options.runsDir ?? 'runs';
  let created: { id: string; dir: string };
  try {
    created = createRunDir(runsDir, options.name ?? experiment.name);
  } catch (error) {
    throw writeErrorOf(error, runsDir) ?? error;
  }
  const { id, dir } = created;
  options.onRunDir?.(dir);
  const store = new RunStore(dir);
  try {
    mkdirSync(store.plotsDir);
  } catch (error) {
    throw store.writeFailure(error) ?? error;
  }
  const plan = p.compiled.plan;
  // A run is one point: its experiment.yaml must not sweep again.
  const { sweep: _sweep, seeds: _seeds, ...single } = experiment;
  store.writeExperiment(experimentToYaml(single));
  store.writeSummary(formatSummary(experiment.name, plan, p.memory));
  const info: RunInfo = {
    id,
    name: options.name ?? experiment.name,
    status: 'running',
    failure_reason: null,
    started_at: new Date().toISOString(),
    ended_at: null,
    duration_seconds: null,
    command: invocation(),
    experiment_file: resolve(file),
    seed: experiment.seed,
    epochs_planned: experiment.train.epochs,
    epochs_completed: 0,
    stopped_early: null,
    backend: p.choice,
    versions: { ...versions() },
    cpu: cpuModel(),
    git_commit: gitCommit(file),
    params: { total: plan.trainableParams + plan.nonTrainableParams, trainable: plan.trainableParams, non_trainable: plan.nonTrainableParams },
    flops_per_sample: plan.flops,
    dataset: { name: p.data.name, train: p.split.train.length, validation: p.validationFrom === 'split' ? p.split.validation.length : p.validationFrom === 'test' ? p.split.test.length : 0, test: p.split.test.length, validation_from: p.validationFrom },
    host: hostname(),
    pid: process.pid,
    heartbeat_at: new Date().toISOString(),
  };
  const metrics: Metrics = { history: [], test: null, best: null };
  store.writeRun(info);
  store.writeMetrics(metrics);
  say(header(p, id, dir, 1));
  return execute({ p, store, info, metrics, startEpoch: 1, startStep: 0 }, options, say);
}

/**
 * Continues an interrupted or failed run in its own directory, from its last
 * checkpoint to its planned epochs, appending to the same metrics. A run that
 * stopped before its first checkpoint starts again from epoch 1. It runs on the backend
 * run.json records unless `options.backend` or TFEXP_BACKEND says otherwise.
 * @throws UsageError (exit 2) when `dir` is not a run directory, is already completed,
 *   or has finished epochs but no checkpoint; otherwise as runExperiment.
 */
export async function resumeRun(dir: string, options: RunOptions = {}): Promise<RunOutcome> {
  const { status, say } = statusAndSay(options);
  const store = new RunStore(dir);
  if (!store.isRun()) throw new UsageError(message.notARunDir(dir));
  const info = store.readRun();
  if (info.status === 'completed') throw new UsageError(message.runAlreadyCompleted(dir, info.epochs_completed));
  if (liveStatus(info) === 'running') throw new UsageError(message.runStillRunning(dir, info.pid!, info.host ?? '?', info.heartbeat_at ?? null));
  // Epochs finished but no checkpoint (its write failed, or the process died first): a failed or dead
  // run starts again from epoch 1 (the history filter below drops those epochs); others are refused.
  const restartable = info.status === 'failed' || liveStatus(info) === 'stale';
  if (info.epochs_completed > 0 && !store.hasCheckpoint() && !restartable) throw new UsageError(message.runWithoutCheckpoint(dir, info.epochs_completed));
  // Same backend as before unless told otherwise (--backend, TFEXP_BACKEND): another backend computes other digits.
  const backendOptions = onRecordedBackend(info, options, say, message.resumingOnBackend);
  const saved = store.checkpointState();
  const matchesCheckpoint = (loaded: LoadedExperiment) => {
    const changes = saved?.fingerprint === undefined ? [] : fingerprintChanges(saved.fingerprint, fingerprint(loaded.experiment));
    if (changes.length > 0) throw new UsageError(message.checkpointMismatch(dir, changes));
  };
  const p = await prepare(resolve(dir, 'experiment.yaml'), options.sets ?? [], backendOptions, say, status, matchesCheckpoint);
  const planned = p.loaded.experiment.train.epochs;
  if (planned !== info.epochs_planned) say(message.continuingToEpochs(planned, info.epochs_planned));
  const metrics = store.readMetrics();
  let startEpoch = 1;
  let startStep = 0;
  if (store.hasCheckpoint()) {
    const state = await store.loadCheckpoint(p.compiled.model);
    setLearningRate(p.compiled.model.optimizer, state.learning_rate);
    p.callbacks.forEach((cb, i) => cb.loadState?.(state.callbacks[i]));
    startEpoch = state.epoch + 1;
    startStep = state.step;
  }
  metrics.history = metrics.history.filter((r) => r.epoch! < startEpoch);
  Object.assign(info, {
    status: 'running',
    failure_reason: null,
    ended_at: null,
    stopped_early: null,
    command: invocation(),
    backend: p.choice,
    epochs_completed: startEpoch - 1,
    epochs_planned: planned,
    host: hostname(),
    pid: process.pid,
    heartbeat_at: new Date().toISOString(),
  } satisfies Partial<RunInfo>);
  store.writeRun(info);
  say(header(p, info.id, dir, startEpoch));
  return execute({ p, store, info, metrics, startEpoch, startStep }, options, say);
}

/**
 * The command line as typed (`tfexp` and its arguments), not the path npx or node resolved the script to;
 * a password in a URL (`tfexp worker --queue redis://:PASSWORD@...`) is replaced by `***`.
 */
function invocation(): string[] {
  return ['tfexp', ...process.argv.slice(2).map(redactUrl)];
}
