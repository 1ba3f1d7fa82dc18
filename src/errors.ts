/**
 * The small error vocabulary of tfexp (after tfjs-layers' `errors.ts`).
 *
 * Every error a user can cause is a `TfexpError` whose `exitCode` is one of the
 * few codes the CLI promises: 1 a run failed, 2 bad input caught before
 * training, 130 interrupted. Only `src/cli/main.ts` turns them into exit codes.
 */

/** Exit codes of the `tfexp` command. */
export const ExitCode = {
  ok: 0,
  failed: 1,
  badInput: 2,
  interrupted: 130,
} as const;

/** Base class: a message for the user plus the process exit code it maps to. */
export class TfexpError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A place in a source the user wrote: a YAML file (1-based line and column) or a `--set` argument. */
export interface SourceLocation {
  /** Path of the YAML file as the user named it, or `--set <path>=<value>` for overrides. */
  readonly file: string;
  /** 1-based line; 0 when the place is the whole source (e.g. a `--set` argument). */
  readonly line: number;
  /** 1-based column; 0 with `line` 0. */
  readonly col: number;
}

/** One problem found in an experiment: where it is and what is wrong (with the fix). */
export interface Problem {
  readonly at: SourceLocation;
  readonly message: string;
}

/** Formats a location as `file:line:col`, or just `file` when it has no line. */
export function formatLocation(at: SourceLocation): string {
  return at.line > 0 ? `${at.file}:${at.line}:${at.col}` : at.file;
}

/** Formats a problem as one `file:line:col: message` line, the format compilers and editors read. */
export function formatProblem(problem: Problem): string {
  return `${formatLocation(problem.at)}: ${problem.message}`;
}

/**
 * The experiment file (or its overrides) is invalid: one or more problems, each
 * with its location. Exit code 2.
 */
export class ConfigError extends TfexpError {
  constructor(readonly problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'), 2);
  }
}

/** A command-line argument is invalid (not a config file problem). Exit code 2. */
export class UsageError extends TfexpError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** tfexp itself broke an invariant it checks (a bug to report, not a user mistake). Exit code 1. */
export class InternalError extends TfexpError {
  constructor(message: string) {
    super(`internal error: ${message} (please report this as a tfexp bug)`, 1);
  }
}

/**
 * A dataset file is missing, unreadable, malformed or not the expected data
 * (wrong checksum, counts that disagree, labels out of range), or a download
 * failed. Exit code 2: it is caught before training.
 */
export class DataError extends TfexpError {
  /**
   * @param message what is wrong with `file` and how to fix it (from `src/log/message.ts`).
   * @param file the file, folder or URL the problem is about, as tfexp used it.
   */
  constructor(
    message: string,
    readonly file: string,
  ) {
    super(message, 2);
  }
}

/**
 * The requested compute backend cannot be used here (not installed, its
 * native binding failed, or it does not start). Exit code 2: caught before training.
 */
export class BackendError extends TfexpError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** The user stopped a run (Ctrl-C, SIGTERM); what finished is saved. Exit code 130. */
export class RunInterrupted extends TfexpError {
  constructor(message: string) {
    super(message, 130);
  }
}

/** A run failed after training started; run.json says why. Exit code 1. */
export class RunFailed extends TfexpError {
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * Training failed once started: the loss became NaN or infinite, a callback's
 * monitored metric is not logged, or a checkpoint's callback state is unusable.
 * Exit code 1 (a run failed).
 */
export class TrainingError extends TfexpError {
  /** @param message what went wrong, with epoch and batch where known (from `src/log/message.ts`). */
  constructor(message: string) {
    super(message, 1);
  }
}

/**
 * The job queue (issue 14) cannot be used: a malformed `--queue` URL, Redis unreachable, a wrong
 * password, or a job a worker refuses. Exit code 2: caught before any point trains.
 */
export class QueueError extends TfexpError {
  constructor(message: string) {
    super(message, 2);
  }
}

/**
 * A package a command needs cannot be loaded here (sharp, whose prebuilt libvips binary comes
 * from npm, for reading and drawing images). Exit code 2: caught before any work is done.
 */
export class MissingPackageError extends TfexpError {
  /** @param packageName the npm package, e.g. `sharp`. */
  constructor(
    message: string,
    readonly packageName: string,
  ) {
    super(message, 2);
  }
}
