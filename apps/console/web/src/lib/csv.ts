/**
 * CSV as RFC 4180 says (comma separated, CRLF line ends, a field with a comma, quote or line
 * break in double quotes, quotes doubled), so Excel, LibreOffice and pandas read it alike.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvValue;
}

/** A text cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at its start). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: empty for nothing, ISO-8601 for a date, quoted when it must be. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  // An id tag typed at a charger is data, not a formula: a leading apostrophe keeps it text.
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A header line and one line per row, each ended by CRLF. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  const lines = [columns.map((c) => csvField(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvField(c.value(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
