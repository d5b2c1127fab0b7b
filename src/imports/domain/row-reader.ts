import { CsvRecordReader } from 'src/imports/domain/csv-records';
import type { ImportFormat } from 'src/imports/domain/import.types';
import { JsonLinesSplitter } from 'src/imports/domain/json-lines';
import { ReleasePackageSplitter } from 'src/imports/domain/release-package';

/** One row of an upload, not yet interpreted: a JSON text, CSV fields, or why it could not be read. */
export type RowRecord =
  | { row: number; text: string; fields?: undefined; error?: undefined }
  | { row: number; fields: string[]; text?: undefined; error?: undefined }
  | { row: number; error: string; text?: undefined; fields?: undefined };

/**
 * Reads the rows of an upload fed as text in pieces of any size. The API counts rows with it while
 * the upload streams in, and the worker reads them with it, so both always agree on `total` and on
 * every row number. CSV's first record is the header, kept aside (rows count after it).
 */
export interface RowReader {
  push(text: string): RowRecord[];
  end(): RowRecord[];
  /** CSV only: the header record once read. */
  readonly csvHeader: string[] | null;
}

export function createRowReader(format: ImportFormat): RowReader {
  switch (format) {
    case 'ndjson':
      return textRows(new JsonLinesSplitter());
    case 'ocds-package':
      return textRows(new ReleasePackageSplitter());
    case 'csv':
      return new CsvRowReader();
  }
}

function textRows(splitter: JsonLinesSplitter | ReleasePackageSplitter): RowReader {
  return { push: (text) => splitter.push(text), end: () => splitter.end(), csvHeader: null };
}

class CsvRowReader implements RowReader {
  private readonly reader = new CsvRecordReader();
  private header: string[] | null = null;
  private headerRecord = 0;

  get csvHeader(): string[] | null {
    return this.header;
  }

  push(text: string): RowRecord[] {
    return this.rows(this.reader.push(text));
  }

  end(): RowRecord[] {
    return this.rows(this.reader.end());
  }

  private rows(records: ReturnType<CsvRecordReader['push']>): RowRecord[] {
    const rows: RowRecord[] = [];
    for (const record of records) {
      if (this.header === null) {
        // A header that cannot be read is no header: it is reported as empty.
        this.header = record.fields ?? [];
        this.headerRecord = record.record;
        continue;
      }
      const row = record.record - this.headerRecord;
      rows.push(record.error !== undefined ? { row, error: record.error } : { row, fields: record.fields });
    }
    return rows;
  }
}
