/**
 * Plots of a run. The runner calls `updateRunPlots` after every epoch and at
 * the end of the run; drawing the Vega-Lite accuracy/loss charts into
 * `plots/` is the plotting issue's work. Until then the run directory has an
 * empty `plots/` folder and this function only creates it.
 */
import { mkdirSync } from 'node:fs';
import type { Metrics } from '../runs/store.js';

/** Brings `plotsDir` up to date with `metrics`. */
export async function updateRunPlots(plotsDir: string, _metrics: Metrics): Promise<void> {
  mkdirSync(plotsDir, { recursive: true });
}
