/**
 * Plots of a run, in `plots/`: `training.vl.json` (accuracy and loss per epoch,
 * training and validation, test marked) and, when the rate changed,
 * `learning_rate.vl.json`; each also as `.svg` and `.png`. The runner calls
 * `updateRunPlots` after every epoch and at the end, so a long run can be watched.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic, writeJsonAtomic } from '../runs/atomic.js';
import type { Metrics } from '../runs/store.js';
import { specToSvg, svgToPng } from './render.js';
import { learningRateSpec, trainingSpec } from './training-spec.js';

/**
 * Writes `<name>.vl.json`, `<name>.svg` and `<name>.png` for `spec` into `dir`, each atomically.
 * @returns the SVG text (for reports).
 */
export async function writeChart(dir: string, name: string, spec: Record<string, unknown>): Promise<string> {
  writeJsonAtomic(join(dir, `${name}.vl.json`), spec);
  const svg = await specToSvg(spec);
  writeFileAtomic(join(dir, `${name}.svg`), svg);
  writeFileAtomic(join(dir, `${name}.png`), svgToPng(svg));
  return svg;
}

/**
 * Brings `plotsDir` up to date with `metrics`.
 * @param title chart title (the experiment name); `subtitle` e.g. its description.
 */
export async function updateRunPlots(plotsDir: string, metrics: Metrics, title = 'run', subtitle = ''): Promise<Record<string, string>> {
  mkdirSync(plotsDir, { recursive: true });
  if (metrics.history.length === 0) return {};
  const charts: Record<string, string> = { training: await writeChart(plotsDir, 'training', trainingSpec(metrics, title, subtitle)) };
  const rate = learningRateSpec(metrics, title);
  if (rate !== undefined) charts.learning_rate = await writeChart(plotsDir, 'learning_rate', rate);
  return charts;
}
