/**
 * Numbers in the HTML reports (pure): one format per table column, chosen from the
 * column's name, so a column never mixes "0.5" with "0.5000" or "60000" with "60,000".
 *   metric   loss, accuracy, val_*, test_*: 4 significant digits ("0.9688", "0.05040", "1.000")
 *   seconds  durations (seconds, duration_s): 1 decimal ("1.6", "1,234.5")
 *   rate     learning rates: plain down to 0.001, else scientific ("0.001", "3e-4", "2.5e-5")
 *   count    integers (epochs, params, batch sizes): thousands separators ("60,000")
 *   id       seeds: the integer as is ("12345")
 *   plain    anything else: up to 6 significant digits, thousands separators ("0.9", "1,234.5")
 * Separators are always en-US (comma for thousands, point for decimals), whatever the locale.
 */

export const NUMBER_FORMATS = ['metric', 'seconds', 'rate', 'count', 'id', 'plain'] as const;
export type NumberFormat = (typeof NUMBER_FORMATS)[number];

const LOCALE = 'en-US';

/**
 * The formatters, made once: `toLocaleString(locale, options)` builds a new Intl.NumberFormat
 * at every call (the same output, tens of microseconds each: felt in a table of 1,000 runs).
 */
const COUNT = new Intl.NumberFormat(LOCALE, { maximumFractionDigits: 1 });
const GROUPED = new Intl.NumberFormat(LOCALE);
const SECONDS = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const PLAIN = new Intl.NumberFormat(LOCALE, { maximumSignificantDigits: 6 });

/** Non-finite values as JavaScript writes them ("NaN", "Infinity"): a diverged loss shows as such. */
const nonFinite = (value: number) => (Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity');

/** `1.2340e-5` -> `1.234e-5`; `3.000e+4` -> `3e4`: mantissa without trailing zeros, exponent without "+". */
function scientific(value: number, digits: number): string {
  const [mantissa, exponent] = value.toExponential(digits - 1).split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return `${m}e${exponent.replace('+', '')}`;
}

/** A count with thousands separators: 60000 -> "60,000"; a mean over seeds keeps one decimal (2.5). */
export function formatCount(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  return COUNT.format(value);
}

/**
 * A metric to 4 significant digits, trailing zeros kept so a column reads evenly:
 * 0.0504 -> "0.05040", 1 -> "1.000", 12345.6 -> "12,350"; below 0.0001 in scientific
 * notation (1.23456e-5 -> "1.235e-5").
 */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return '0.000';
  const size = Math.abs(value);
  if (size < 1e-4) return `${value.toExponential(3).replace('+', '')}`;
  // From 1000 up, grouped and rounded to 4 digits (12345.6 -> "12,350"); toPrecision would write 9999.7 as "1.000e+4".
  const rounded = Number(value.toPrecision(4));
  if (Math.abs(rounded) >= 1000) return GROUPED.format(rounded);
  return value.toPrecision(4);
}

/** Seconds with one decimal: 1.605 -> "1.6", 1234.56 -> "1,234.6". */
export function formatSeconds(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  return SECONDS.format(value);
}

/**
 * A learning rate, compactly: plain from 0.001 up (0.01, 0.001, 0.0015, 0.1), scientific below
 * (3e-4, 2.5e-5, 3.162e-4) and from 1000 up; at most 4 significant digits.
 */
export function formatLearningRate(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  if (value === 0) return '0';
  const size = Math.abs(value);
  if (size >= 1e-3 && size < 1e3) return String(Number(value.toPrecision(4)));
  return scientific(value, 4);
}

/** Up to 6 significant digits with thousands separators: 0.9 -> "0.9", 1234.5 -> "1,234.5". */
export function formatPlain(value: number): string {
  if (!Number.isFinite(value)) return nonFinite(value);
  const size = Math.abs(value);
  if (size !== 0 && (size < 1e-4 || size >= 1e15)) return scientific(value, 6);
  return PLAIN.format(value);
}

/** `value` in `format`. */
export function formatNumber(value: number, format: NumberFormat): string {
  switch (format) {
    case 'metric':
      return formatMetric(value);
    case 'seconds':
      return formatSeconds(value);
    case 'rate':
      return formatLearningRate(value);
    case 'count':
      return formatCount(value);
    case 'id':
      return Number.isFinite(value) ? String(value) : nonFinite(value);
    case 'plain':
      return formatPlain(value);
  }
}

/**
 * The format of a column, from its name (a metric, a duration, a learning rate, a seed, in any
 * dotted setting path or with a `_std` suffix), else from its values: `count` when every one is
 * an integer, `plain` otherwise.
 * @param values the column's numbers (non-numbers already left out).
 */
export function columnFormat(column: string, values: readonly number[]): NumberFormat {
  const name = column.replace(/_std$/, '');
  if (/(^|[._])(seconds|duration|duration_s|duration_seconds)$/.test(name)) return 'seconds';
  if (/(^|[._])(learning_rate|lr)$/.test(name)) return 'rate';
  if (/(^|[._])seed$/.test(name)) return 'id';
  if (/(^|_)(loss|accuracy|crossentropy|auc|precision|recall|f1|f1-score|mse|mae)$/.test(name) || /^(val|test)_/.test(name)) return 'metric';
  return values.every((v) => Number.isInteger(v)) ? 'count' : 'plain';
}

/** A string that is exactly a decimal number ("0.001", "64", "-1.5e-3"); compare's table never cuts one either. */
export const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i;

/**
 * The number a table cell holds: a number, or a string that is exactly a decimal number
 * (`tfexp compare` shows differing settings as text: "0.001", "64"); undefined otherwise.
 */
export function cellNumber(cell: unknown): number | undefined {
  if (typeof cell === 'number') return cell;
  if (typeof cell === 'string' && NUMBER_TEXT.test(cell.trim())) return Number(cell);
  return undefined;
}
