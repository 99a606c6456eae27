/** Writes rows as RFC 4180 CSV, quoting only fields that need it (like Python's QUOTE_MINIMAL). */
export function writeCsv(rows: readonly (readonly string[])[], options: { lineEnd?: '\n' | '\r\n'; bom?: boolean } = {}): string {
  const lineEnd = options.lineEnd ?? '\n';
  const body = rows.map((fields) => writeRecord(fields)).join(lineEnd) + lineEnd;
  return options.bom ? '\uFEFF' + body : body;
}

function writeRecord(fields: readonly string[]): string {
  // A record of one empty field would read as a blank line, which parsers skip: quote it.
  if (fields.length === 1 && fields[0] === '') return '""';
  return fields.map((field) => (/[",\r\n]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field)).join(',');
}
