/**
 * A file of a run directory (or another tfexp output) could not be written: the
 * disk is full, the file system is read-only, permission is denied, or another
 * operating-system error. Raised by `writeFileAtomic` (which names the file) and
 * by `RunStore` (which adds what the run kept and how to resume).
 */
import { TfexpError } from '../errors.js';
import * as message from '../log/message.js';

/** Why a write failed, from the errno code: what the message says and what the fix is. */
export type WriteFailureKind = 'disk-full' | 'quota' | 'read-only' | 'permission' | 'other';

export function writeFailureKind(code: string | undefined): WriteFailureKind {
  switch (code) {
    case 'ENOSPC':
      return 'disk-full';
    case 'EDQUOT':
      return 'quota';
    case 'EROFS':
      return 'read-only';
    case 'EACCES':
    case 'EPERM':
      return 'permission';
    default:
      return 'other';
  }
}

/** The facts of a failed write. */
export interface WriteFailure {
  /** The file (or folder) that could not be written, as tfexp named it (never a `*.tmp` temporary). */
  readonly file: string;
  /** The errno code (`ENOSPC`, `EROFS`, ...), when the operating system gave one. */
  readonly code: string | undefined;
  readonly kind: WriteFailureKind;
  /** The operating system's message, e.g. `ENOSPC: no space left on device, write`. */
  readonly detail: string;
  /** What was being saved when it is more than the file, e.g. `the checkpoint of epoch 4`. */
  readonly what?: string;
  /** Partial outputs removed after the failure, e.g. `checkpoint.new/`. */
  readonly removed?: readonly string[];
}

/** Exit code 1: it happens after training started (or while writing outputs), as a failed run. */
export class WriteError extends TfexpError {
  /** @param message from `src/log/message.ts` (`writeFailed`, or `runWriteFailed` for a run directory). */
  constructor(
    message: string,
    readonly failure: WriteFailure,
  ) {
    super(message, 1);
  }

  get file(): string {
    return this.failure.file;
  }

  get code(): string | undefined {
    return this.failure.code;
  }

  get kind(): WriteFailureKind {
    return this.failure.kind;
  }
}

/** A failed write as a WriteError naming `file`; undefined when `error` is not an operating-system error (a bug, a tfjs error, ...). */
export function writeErrorOf(error: unknown, file: string): WriteError | undefined {
  if (error instanceof WriteError) return error;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  // errno codes (ENOSPC, EIO, ...), not Node's ERR_* codes for programming errors.
  if (!(error instanceof Error) || typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) return undefined;
  const failure: WriteFailure = { file, code, kind: writeFailureKind(code), detail: error.message };
  return new WriteError(message.writeFailed(file, message.writeCause(code, error.message)), failure);
}
