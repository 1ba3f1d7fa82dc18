/**
 * Reading run directories for `tfexp compare`, robustly: a folder that is not
 * a run is skipped with a warning; a failed, interrupted or running run is
 * kept with whatever metrics it has; a corrupt metrics.json is reported, not fatal.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { glob } from 'tinyglobby';
import type { Metrics, RunInfo } from '../runs/store.js';

/** A run as compare sees it. */
export interface ComparedRun {
  readonly dir: string;
  readonly info: RunInfo;
  /** Null when metrics.json is missing or unreadable (see `problem`). */
  readonly metrics: Metrics | null;
  /** The resolved experiment (experiment.yaml), or null when unreadable. */
  readonly experiment: Record<string, unknown> | null;
  /** What was wrong with this run's files, if anything. */
  readonly problem: string | null;
}

/**
 * Expands the arguments into run directories: a run directory itself, a folder
 * of runs (`runs/`: every run inside, sweeps included), or a glob (`runs/2026*`).
 * @returns run directories (sorted, unique) and warnings for arguments that hold no run.
 */
export async function findRunDirs(args: readonly string[]): Promise<{ dirs: string[]; warnings: string[] }> {
  const dirs = new Set<string>();
  const warnings: string[] = [];
  for (const arg of args) {
    const matches = existsSync(arg) ? [arg] : await glob(arg, { onlyDirectories: true, expandDirectories: false });
    if (matches.length === 0) warnings.push(`${arg}: no such file or folder; skipped`);
    for (const match of matches) {
      if (existsSync(join(match, 'run.json'))) dirs.add(match.replace(/\/+$/, ''));
      else if (statSync(match).isDirectory()) {
        const inside = await glob('**/run.json', { cwd: match, deep: 3 });
        if (inside.length === 0) warnings.push(`${match}: not a run directory (no run.json); skipped`);
        for (const file of inside) dirs.add(join(match, file, '..'));
      } else warnings.push(`${match}: not a run directory; skipped`);
    }
  }
  return { dirs: [...dirs].sort(), warnings };
}

function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** Reads one run; undefined (with a warning) when run.json itself is unreadable. */
export function readRun(dir: string, warn: (line: string) => void): ComparedRun | undefined {
  let info: RunInfo;
  try {
    info = readJson(join(dir, 'run.json')) as RunInfo;
  } catch (error) {
    warn(`${dir}: run.json is unreadable (${(error as Error).message}); skipped`);
    return undefined;
  }
  let metrics: Metrics | null = null;
  let problem: string | null = null;
  try {
    metrics = readJson(join(dir, 'metrics.json')) as Metrics;
    if (!Array.isArray(metrics.history)) throw new Error('no "history" list');
  } catch (error) {
    metrics = null;
    problem = `metrics.json is unreadable: ${(error as Error).message.split('\n')[0]}`;
    warn(`${dir}: ${problem}`);
  }
  let experiment: Record<string, unknown> | null = null;
  try {
    experiment = parseYaml(readFileSync(join(dir, 'experiment.yaml'), 'utf8')) as Record<string, unknown>;
  } catch {
    experiment = null;
  }
  return { dir, info, metrics, experiment, problem };
}
