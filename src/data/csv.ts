import { DatasetFileError } from './errors.js';

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts (a quoted field may span several lines). */
  line: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;
const BOM = 0xfeff;

/**
 * RFC 4180 CSV. Records end at LF or CRLF; quoted fields may hold commas, doubled quotes and
 * line breaks (kept as written). A leading BOM is dropped and empty lines are skipped, so a
 * trailing newline adds no record. Lenient where the RFC is strict but the intent is clear: a
 * quote inside an unquoted field (`5" screen`) and a lone CR are kept as data.
 */
export function parseCsv(text: string): CsvRecord[] {
  return new CsvScanner(text).records();
}

/**
 * Fields are slices of the input found with indexOf: building them character by character is
 * what makes naive parsers slow on files of tens of megabytes.
 */
class CsvScanner {
  private pos: number;
  private line = 1;
  /** Next comma / LF at or after pos (or text.length), cached because most fields end at one. */
  private nextComma = -1;
  private nextLf = -1;

  constructor(private readonly text: string) {
    this.pos = text.charCodeAt(0) === BOM ? 1 : 0;
  }

  records(): CsvRecord[] {
    const { text } = this;
    const records: CsvRecord[] = [];
    while (this.pos < text.length) {
      if (this.skipLineEnd()) continue;
      const record: CsvRecord = { fields: [], line: this.line };
      do {
        record.fields.push(text.charCodeAt(this.pos) === QUOTE ? this.quoted() : this.unquoted());
      } while (this.fieldEnd());
      records.push(record);
    }
    return records;
  }

  /** Steps over an LF or CRLF at pos, if there is one. */
  private skipLineEnd(): boolean {
    const c = this.text.charCodeAt(this.pos);
    if (c === LF) this.pos += 1;
    else if (c === CR && this.text.charCodeAt(this.pos + 1) === LF) this.pos += 2;
    else return false;
    this.line++;
    return true;
  }

  /** After a field: true if another field of the record follows. */
  private fieldEnd(): boolean {
    if (this.text.charCodeAt(this.pos) === COMMA) {
      this.pos++;
      return true;
    }
    if (this.pos < this.text.length && !this.skipLineEnd()) throw this.textAfterClosingQuote();
    return false;
  }

  private unquoted(): string {
    const { text, pos } = this;
    if (this.nextComma < pos) this.nextComma = indexOrEnd(text, ',', pos);
    if (this.nextLf < pos) this.nextLf = indexOrEnd(text, '\n', pos);
    let stop = Math.min(this.nextComma, this.nextLf);
    if (stop === this.nextLf && stop > pos && text.charCodeAt(stop - 1) === CR) stop--;
    this.pos = stop;
    return text.slice(pos, stop);
  }

  private quoted(): string {
    const { text } = this;
    const startLine = this.line;
    let chunkStart = this.pos + 1;
    let value = '';
    for (;;) {
      const close = text.indexOf('"', chunkStart);
      if (close < 0) throw this.unterminatedQuote(startLine);
      for (let lf = text.indexOf('\n', chunkStart); lf >= 0 && lf < close; lf = text.indexOf('\n', lf + 1)) this.line++;
      if (text.charCodeAt(close + 1) !== QUOTE) {
        this.pos = close + 1;
        return value + text.slice(chunkStart, close);
      }
      value += text.slice(chunkStart, close + 1);
      chunkStart = close + 2;
    }
  }

  private unterminatedQuote(line: number): DatasetFileError {
    return new DatasetFileError(
      'MALFORMED',
      line,
      'content',
      'a quoted field starts on this line but its closing quote is missing; close the quote, ' +
        'and write a quote inside a quoted field as two quotes ("")',
    );
  }

  private textAfterClosingQuote(): DatasetFileError {
    return new DatasetFileError(
      'MALFORMED',
      this.line,
      'content',
      `unexpected ${JSON.stringify(this.text[this.pos])} after the closing quote of a field; a quoted field must ` +
        'end at a comma or the end of the line, and a quote inside it must be written as two quotes ("")',
    );
  }
}

function indexOrEnd(text: string, char: string, from: number): number {
  const at = text.indexOf(char, from);
  return at < 0 ? text.length : at;
}
