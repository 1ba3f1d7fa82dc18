/**
 * Output formats of `tfexp compare`. Apart from table.ts, which loads the table and CSV
 * libraries, so the CLI can declare `--format` without loading them (issue 13).
 */
export const FORMATS = ['table', 'markdown', 'csv', 'json'] as const;
export type Format = (typeof FORMATS)[number];
