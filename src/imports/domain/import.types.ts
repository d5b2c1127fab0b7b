export const IMPORT_KINDS = ['suppliers', 'needs'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

/** How an upload is read: JSON Lines, CSV with a header row, or one OCDS release package. */
export const IMPORT_FORMATS = ['ndjson', 'csv', 'ocds-package'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export const IMPORT_STATUSES = ['queued', 'running', 'completed', 'failed'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

/** A problem with one row, named as the row's author wrote it (`profile.cpvCodes[2]`). */
export interface RowIssue {
  /** JSON Lines: the line number; CSV: the record number after the header; OCDS package: the release's position (all 1-based). */
  row: number;
  field: string;
  message: string;
}

/** How many errors (and, separately, warnings) an import keeps; the counts stay exact beyond it. */
export const MAX_STORED_ISSUES = 1000;

/** The largest single row (line, CSV record or release) read, in characters; longer rows are reported and skipped. */
export const MAX_ROW_CHARS = 16 * 1024 * 1024;
