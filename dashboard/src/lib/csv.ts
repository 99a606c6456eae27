import { saveBlob } from './save-file';

export type CsvValue = string | number | boolean | null | undefined;

/**
 * RFC 4180 text: a header row, then one row per record. A text cell that a spreadsheet would run
 * as a formula (=, +, -, @ first) gets a leading apostrophe; numbers stay numbers.
 */
export function toCsv(columns: string[], rows: Array<Record<string, CsvValue>>): string {
  const cell = (value: CsvValue): string => {
    if (value === null || value === undefined) return '';
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [columns.map(cell).join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\r\n') + '\r\n';
}

/** Saves CSV text as a file the browser downloads. */
export function downloadCsv(filename: string, text: string): void {
  saveBlob(filename, new Blob([text], { type: 'text/csv;charset=utf-8' }));
}
