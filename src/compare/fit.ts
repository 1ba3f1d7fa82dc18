/**
 * Fitting compare's terminal table into the terminal's width (pure): columns
 * shrink by display width (string-width: a CJK character is two columns), in
 * groups, widest first; cut text ends with an ellipsis `…`. Numbers never shrink.
 */
import stringWidth from 'string-width';

/** Used where the terminal's width is unknown (output piped or redirected). */
export const DEFAULT_WIDTH = 120;

/** The ellipsis that marks a cut cell (one column wide). */
export const ELLIPSIS = '…';

const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const graphemes = (text: string) => [...segmenter.segment(text)].map((s) => s.segment);

/** `text` cut at the end to at most `width` display columns, `…` marking the cut. */
export function truncateEnd(text: string, width: number): string {
  if (stringWidth(text) <= width) return text;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  for (const g of graphemes(text)) {
    const w = stringWidth(g);
    if (used + w > width - 1) break;
    out += g;
    used += w;
  }
  return out + ELLIPSIS;
}

/** A column as the fitting sees it. */
export interface FitColumn {
  /** Width it needs to show everything, display columns. */
  readonly natural: number;
  /** Narrowest it may become (equal to `natural` for a column that never shrinks). */
  readonly min: number;
  /** Which shrinks first: group 0, then 1, ...; columns of a group shrink together, widest first. */
  readonly group: number;
}

/**
 * Widths for `columns` so that the row (columns plus `gap` spaces between them)
 * is at most `limit` display columns, when their minimums allow; otherwise each
 * shrinkable column at its minimum (the row is then wider than `limit`).
 */
export function fitColumns(columns: readonly FitColumn[], limit: number, gap = 2): number[] {
  const widths = columns.map((c) => c.natural);
  const total = () => widths.reduce((a, b) => a + b, 0) + gap * Math.max(0, widths.length - 1);
  const groups = [...new Set(columns.map((c) => c.group))].sort((a, b) => a - b);
  for (const group of groups) {
    const members = columns.flatMap((c, i) => (c.group === group ? [i] : []));
    while (total() > limit) {
      // Shrink the widest member that can still shrink by one column.
      let pick = -1;
      for (const i of members) if (widths[i]! > columns[i]!.min && (pick < 0 || widths[i]! > widths[pick]!)) pick = i;
      if (pick < 0) break;
      widths[pick] = widths[pick]! - 1;
    }
    if (total() <= limit) break;
  }
  return widths;
}
