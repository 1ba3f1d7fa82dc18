/**
 * Reads hyperfine's --export-json from scripts/bench-cli.sh and prints, per command, the mean
 * start-up time, its difference from `node -e 0` and PASS/FAIL against the targets of issue 13.
 * Exits 1 when a command misses its target.
 * Usage: tsx scripts/bench-cli-report.ts bench.json
 */
import { readFileSync } from 'node:fs';

interface HyperfineResult {
  command: string;
  /** Seconds. */
  mean: number;
  stddev: number;
  times: number[];
}

/** The baseline every target is measured from: Node starting and doing nothing. */
const BASELINE = 'node -e 0';

/** Most seconds each command may take beyond the baseline, by the command's arguments. */
const TARGETS: readonly [RegExp, number][] = [
  [/ --(help|version)$/, 0.3],
  [/ (validate|render) /, 1],
];

const file = process.argv[2];
if (file === undefined) throw new Error('usage: tsx scripts/bench-cli-report.ts bench.json');
const { results } = JSON.parse(readFileSync(file, 'utf8')) as { results: HyperfineResult[] };
const base = results.find((r) => r.command === BASELINE);
if (base === undefined) throw new Error(`${file}: no result for "${BASELINE}"`);

const ms = (seconds: number) => `${(seconds * 1000).toFixed(0)} ms`;
const width = Math.max(...results.map((r) => r.command.length));
let failed = 0;
console.log(`\n${'command'.padEnd(width)}  ${'mean'.padStart(8)}  ${'± sd'.padStart(7)}  ${'- node'.padStart(8)}  target`);
for (const result of results) {
  const extra = result.mean - base.mean;
  const target = TARGETS.find(([pattern]) => pattern.test(result.command))?.[1];
  const verdict = target === undefined ? '' : `${extra <= target ? 'PASS' : 'FAIL'} (<= ${ms(target)})`;
  if (target !== undefined && extra > target) failed++;
  const diff = result === base ? '' : `${extra >= 0 ? '+' : ''}${ms(extra)}`;
  console.log(`${result.command.padEnd(width)}  ${ms(result.mean).padStart(8)}  ${ms(result.stddev).padStart(7)}  ${diff.padStart(8)}  ${verdict}`);
}
if (failed > 0) {
  console.log(`\n${failed} command(s) over target`);
  process.exitCode = 1;
}
