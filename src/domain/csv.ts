// CSV as spreadsheets read it (RFC 4180): fields separated by commas, records by CRLF; a field with
// a comma, a double quote, a CR or an LF is quoted, its quotes doubled. A text field a spreadsheet
// would run as a formula (starting with =, +, -, @, a tab or a CR) gets a leading apostrophe, so an
// exported company name cannot become a formula on the MSP's desktop (OWASP "CSV injection").
// Numbers are written as they are, so -3 stays a number.
export type CsvValue = string | number | boolean | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole document: the header, then one record per row (the columns' values in order). */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvValue[]>): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/** A file name for Content-Disposition from a person's label: letters, digits, dot, dash, underscore. */
export function csvFileName(...parts: string[]): string {
  const base = parts.map((p) => p.trim().replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '')).filter(Boolean).join('-');
  return `${base || 'export'}.csv`;
}
