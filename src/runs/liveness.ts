/**
 * Whether a run marked `running` really is: run.json records the host, the process id and a
 * heartbeat time, rewritten every HEARTBEAT_SECONDS while the run trains. A run whose process
 * is gone (killed, crashed, machine rebooted) would otherwise show as running forever.
 */
import { hostname } from 'node:os';

/** How often a training run rewrites its heartbeat, seconds. */
export const HEARTBEAT_SECONDS = 15;
/** A heartbeat older than this (seconds) means the process is gone: three missed beats, plus slack for a slow epoch end. */
export const STALE_AFTER_SECONDS = 90;

/** The fields of run.json this reads. */
export interface LivenessFields {
  readonly status: string;
  readonly host?: string;
  readonly pid?: number;
  /** ISO 8601. */
  readonly heartbeat_at?: string | null;
}

/** Whether process `pid` exists on this host (signal 0 checks without signalling; EPERM means it exists). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The status to show: run.json's, except that a `running` run whose process is gone is `stale`.
 * On this host the process id decides; elsewhere (a shared folder) the heartbeat's age does.
 * Runs written before tfexp recorded heartbeats keep their status.
 * @param now milliseconds since the epoch.
 */
export function liveStatus(info: LivenessFields, now = Date.now(), host = hostname(), alive: (pid: number) => boolean = processAlive): string {
  if (info.status !== 'running' || info.pid === undefined) return info.status;
  if (info.host === host) return alive(info.pid) ? 'running' : 'stale';
  const beat = info.heartbeat_at ? Date.parse(info.heartbeat_at) : Number.NaN;
  return Number.isFinite(beat) && now - beat <= STALE_AFTER_SECONDS * 1000 ? 'running' : 'stale';
}
