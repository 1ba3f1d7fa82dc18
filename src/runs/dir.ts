/** Run directories: `runs/<YYYYMMDD-HHMMSS>-<name>/`, unique even for runs started in the same second. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A name safe as one path component: letters, digits, `.`, `_` and `-` only,
 * no leading dots (so never `..`), at most 80 characters; `run` if nothing is left.
 */
export function sanitizeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 80);
  return cleaned === '' ? 'run' : cleaned;
}

/** `YYYYMMDD-HHMMSS` in UTC. */
export function runTimestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * Creates a new, empty run directory under `runsDir`. When the name is taken
 * (two runs in the same second), `-2`, `-3`, ... is appended; mkdir without
 * `recursive` fails on an existing folder, so two processes never share one.
 * @returns the run id (the folder name) and its path.
 */
export function createRunDir(runsDir: string, name: string, now: Date = new Date()): { id: string; dir: string } {
  mkdirSync(runsDir, { recursive: true });
  const base = `${runTimestamp(now)}-${sanitizeName(name)}`;
  for (let n = 1; ; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    const dir = join(runsDir, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
