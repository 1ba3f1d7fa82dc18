/** CPU facts for choosing a thread count. */
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Physical cores: distinct (physical id, core id) pairs in /proc/cpuinfo on
 * Linux, which counts each hyper-threaded core once; elsewhere (or when the
 * file lacks those fields, as in some VMs) the logical core count. No upper
 * bound: a 16-core machine gets 16. At most the logical CPUs this process may
 * run on (`os.availableParallelism()`: its CPU affinity, e.g. `taskset`).
 * @param cpuinfo the text of /proc/cpuinfo (for tests); read from the file by default.
 * @param allowed the logical CPUs this process may use. Default: os.availableParallelism().
 */
export function physicalCores(cpuinfo?: string, allowed: number = os.availableParallelism()): number {
  return Math.max(1, Math.min(countPhysical(cpuinfo), allowed));
}

function countPhysical(cpuinfo?: string): number {
  let text = cpuinfo;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/cpuinfo', 'utf8');
    } catch {
      return os.availableParallelism();
    }
  }
  const cores = new Set<string>();
  for (const block of text.split(/\n\s*\n/)) {
    const physical = /^physical id\s*:\s*(\d+)/m.exec(block)?.[1];
    const core = /^core id\s*:\s*(\d+)/m.exec(block)?.[1];
    if (physical !== undefined && core !== undefined) cores.add(`${physical}:${core}`);
  }
  return cores.size > 0 ? cores.size : os.availableParallelism();
}

/** The CPU model name Node reports (e.g. "AMD EPYC"), or "unknown". */
export function cpuModel(): string {
  return os.cpus()[0]?.model.trim() || 'unknown';
}
