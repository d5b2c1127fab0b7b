import { MAX_ROW_CHARS } from 'src/imports/domain/import.types';

/** One row of an upload as text, or why it could not be read. Rows are numbered from 1. */
export type TextRecord = { row: number; text: string; error?: undefined } | { row: number; error: string; text?: undefined };

const BLANK = /^[ \t\r]*$/;

/**
 * Splits JSON Lines fed in pieces of any size into rows. A row is numbered by its line, so that a
 * reported row is the line an editor shows; blank lines are skipped but still counted. The API
 * counts rows with this same splitter, so `total` and the worker always agree.
 */
export class JsonLinesSplitter {
  private partial: string[] = [];
  private partialChars = 0;
  private line = 0;
  private started = false;

  constructor(private readonly maxRowChars = MAX_ROW_CHARS) {}

  push(text: string): TextRecord[] {
    const records: TextRecord[] = [];
    let start = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) start = 1;
    }
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1) {
        this.keep(text.slice(start));
        return records;
      }
      this.keep(text.slice(start, newline));
      this.emit(records);
      start = newline + 1;
    }
  }

  /** The last line, when the upload does not end with a newline. */
  end(): TextRecord[] {
    const records: TextRecord[] = [];
    if (this.partial.length > 0) this.emit(records);
    return records;
  }

  private keep(piece: string): void {
    if (piece.length === 0) return;
    this.partialChars += piece.length;
    // Past the limit the line is only measured, not kept: a 100 MB line never sits in memory.
    if (this.partialChars <= this.maxRowChars) this.partial.push(piece);
    else this.partial = [''];
  }

  private emit(records: TextRecord[]): void {
    this.line++;
    const chars = this.partialChars;
    const text = this.partial.length === 1 ? this.partial[0] : this.partial.join('');
    this.partial = [];
    this.partialChars = 0;
    if (chars > this.maxRowChars) {
      records.push({ row: this.line, error: `the line is longer than ${this.maxRowChars} characters` });
    } else if (!BLANK.test(text)) {
      records.push({ row: this.line, text });
    }
  }
}
