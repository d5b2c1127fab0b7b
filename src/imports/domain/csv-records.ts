import { MAX_ROW_CHARS } from 'src/imports/domain/import.types';

/** One CSV record as its fields, or why it could not be read. `record` counts from 1, the header included. */
export type CsvRecord = { record: number; fields: string[]; error?: undefined } | { record: number; error: string; fields?: undefined };

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A streaming RFC 4180 reader: comma-separated, fields optionally in double quotes with `""` for a
 * quote, records ending in LF or CRLF (line breaks inside quotes belong to the field). Fed pieces of
 * any size. Lenient where the RFC leaves room (a stray quote inside an unquoted field is kept as
 * text); blank records are skipped but still counted, so numbers match what an editor shows.
 */
export class CsvRecordReader {
  private fields: string[] = [];
  private field = '';
  private recordChars = 0;
  private record = 0;
  private inQuotes = false;
  private quoteSeen = false;
  private fieldQuoted = false;
  // A record holding only "" is a record with one empty field, not a blank line.
  private recordQuoted = false;
  private started = false;
  private oversized = false;

  constructor(private readonly maxRecordChars = MAX_ROW_CHARS) {}

  push(text: string): CsvRecord[] {
    const records: CsvRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    const n = text.length;
    let runStart = i;
    while (i < n) {
      if (this.inQuotes) {
        if (this.quoteSeen) {
          this.quoteSeen = false;
          if (text.charCodeAt(i) === QUOTE) {
            // "" inside quotes is one quote.
            this.append('"');
            i++;
            runStart = i;
            continue;
          }
          // The quote before closed the field; read this character as unquoted text.
          this.inQuotes = false;
          runStart = i;
          continue;
        }
        const quote = text.indexOf('"', i);
        if (quote === -1) {
          this.append(text.slice(i));
          i = n;
          runStart = n;
          break;
        }
        this.append(text.slice(i, quote));
        this.quoteSeen = true;
        i = quote + 1;
        runStart = i;
        continue;
      }
      const c = text.charCodeAt(i);
      if (c === COMMA) {
        this.append(text.slice(runStart, i));
        this.endField();
        runStart = ++i;
      } else if (c === LF) {
        this.append(text.slice(runStart, i));
        this.endField();
        this.endRecord(records);
        runStart = ++i;
      } else if (c === CR) {
        // Dropped outside quotes: CRLF ends a record like LF does.
        this.append(text.slice(runStart, i));
        runStart = ++i;
      } else if (c === QUOTE && runStart === i && this.field === '' && !this.fieldQuoted) {
        this.inQuotes = true;
        this.fieldQuoted = true;
        runStart = ++i;
      } else {
        i++;
      }
    }
    if (!this.inQuotes) this.append(text.slice(runStart, n));
    return records;
  }

  /** The last record, when the upload does not end with a line break. */
  end(): CsvRecord[] {
    const records: CsvRecord[] = [];
    if (this.inQuotes && !this.quoteSeen) {
      this.record++;
      records.push({ record: this.record, error: 'a quoted field is not closed before the end of the file' });
    } else if (this.fields.length > 0 || this.field !== '' || this.fieldQuoted) {
      this.endField();
      this.endRecord(records);
    }
    this.reset();
    return records;
  }

  private append(piece: string): void {
    if (piece.length === 0) return;
    this.recordChars += piece.length;
    if (this.recordChars > this.maxRecordChars) this.oversized = true;
    if (!this.oversized) this.field += piece;
  }

  private endField(): void {
    this.fields.push(this.oversized ? '' : this.field);
    if (this.fieldQuoted) this.recordQuoted = true;
    this.field = '';
    this.fieldQuoted = false;
  }

  private endRecord(records: CsvRecord[]): void {
    this.record++;
    if (this.oversized) {
      records.push({ record: this.record, error: `the record is longer than ${this.maxRecordChars} characters` });
    } else if (!(this.fields.length === 1 && this.fields[0] === '' && !this.recordQuoted)) {
      records.push({ record: this.record, fields: this.fields });
    }
    this.reset();
  }

  private reset(): void {
    this.fields = [];
    this.field = '';
    this.recordChars = 0;
    this.inQuotes = false;
    this.quoteSeen = false;
    this.fieldQuoted = false;
    this.recordQuoted = false;
    this.oversized = false;
  }
}
