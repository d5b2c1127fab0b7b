import { MAX_ROW_CHARS } from 'src/imports/domain/import.types';
import type { TextRecord } from 'src/imports/domain/json-lines';

/** The upload is not an OCDS release package at all (as opposed to one bad release in it). */
export class ReleasePackageShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReleasePackageShapeError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * Streams the releases out of an OCDS release package (`{"uri": …, "releases": [ {…}, {…} ]}`) fed
 * in pieces of any size, without holding the package: it tracks only nesting and strings, and keeps
 * the text of one release at a time. Each release comes out as a row (its 1-based position), to be
 * parsed with JSON.parse; the rest of the package (publisher, uri, extensions…) is skipped. A body
 * that is not an object with a `releases` array throws ReleasePackageShapeError.
 */
export class ReleasePackageSplitter {
  private depth = 0;
  private inString = false;
  private escaped = false;
  private closed = false;
  private started = false;
  // Keys of the package object (depth 1).
  private expectingKey = false;
  private keyParts: string[] | null = null;
  private lastKey: string | null = null;
  private valueKey: string | null = null;
  private sawReleases = false;
  // The releases array (depth 2 inside it) and the release being captured.
  private inReleases = false;
  private releaseParts: string[] | null = null;
  private releaseChars = 0;
  private releaseScalar = false;
  private releaseCount = 0;

  constructor(private readonly maxRowChars = MAX_ROW_CHARS) {}

  push(text: string): TextRecord[] {
    const records: TextRecord[] = [];
    let i = 0;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) i = 1;
    }
    let captureFrom = this.releaseParts ? i : -1;
    let keyFrom = this.keyParts ? i : -1;
    const n = text.length;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (c === BACKSLASH) this.escaped = true;
        else if (c === QUOTE) {
          this.inString = false;
          if (this.keyParts) {
            this.keyParts.push(text.slice(keyFrom, i));
            this.lastKey = JSON.parse(`"${this.keyParts.join('')}"`) as string;
            this.keyParts = null;
            keyFrom = -1;
          } else if (this.releaseParts && this.releaseScalar && this.depth === 2) {
            this.finishRelease(records, text, captureFrom, i + 1);
            captureFrom = -1;
          }
        }
        continue;
      }
      if (isSpace(c)) {
        if (this.releaseParts && this.releaseScalar && this.depth === 2) {
          this.finishRelease(records, text, captureFrom, i);
          captureFrom = -1;
        }
        continue;
      }
      if (this.closed) throw new ReleasePackageShapeError('the body holds more than one JSON value');
      if (this.depth === 0) {
        if (c !== OPEN_OBJECT) throw new ReleasePackageShapeError('the body must be a JSON object: an OCDS release package');
        this.depth = 1;
        this.expectingKey = true;
        continue;
      }
      if (this.inReleases && this.depth === 2) {
        if (this.releaseParts && this.releaseScalar && (c === COMMA || c === CLOSE_ARRAY)) {
          this.finishRelease(records, text, captureFrom, i);
          captureFrom = -1;
        }
        if (c === COMMA) continue;
        if (c === CLOSE_ARRAY) {
          this.inReleases = false;
          this.depth = 1;
          continue;
        }
        if (!this.releaseParts) {
          // A release starts here.
          this.releaseParts = [];
          this.releaseChars = 0;
          this.releaseScalar = c !== OPEN_OBJECT && c !== OPEN_ARRAY;
          captureFrom = i;
          if (c === QUOTE) this.inString = true;
          else if (!this.releaseScalar) this.depth++;
          continue;
        }
        continue;
      }
      if (this.depth === 1 && !this.inReleases) {
        if (c === QUOTE) {
          this.inString = true;
          if (this.expectingKey) {
            this.keyParts = [];
            keyFrom = i + 1;
            this.expectingKey = false;
          }
          continue;
        }
        if (c === COLON) {
          this.valueKey = this.lastKey;
          continue;
        }
        if (c === COMMA) {
          this.expectingKey = true;
          this.valueKey = null;
          continue;
        }
        if (c === CLOSE_OBJECT) {
          this.depth = 0;
          this.closed = true;
          continue;
        }
        if (this.valueKey === 'releases') {
          if (c !== OPEN_ARRAY) throw new ReleasePackageShapeError('releases must be an array of OCDS releases');
          this.inReleases = true;
          this.sawReleases = true;
          this.valueKey = null;
          this.depth = 2;
          continue;
        }
        if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
        continue;
      }
      // Nested inside a release or another value of the package.
      if (c === QUOTE) this.inString = true;
      else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
      else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        this.depth--;
        if (this.inReleases && this.depth === 2 && this.releaseParts) {
          this.finishRelease(records, text, captureFrom, i + 1);
          captureFrom = -1;
        }
      }
    }
    if (this.releaseParts && captureFrom >= 0) this.keepRelease(text.slice(captureFrom));
    if (this.keyParts && keyFrom >= 0) this.keyParts.push(text.slice(keyFrom));
    return records;
  }

  end(): TextRecord[] {
    const records: TextRecord[] = [];
    if (this.releaseParts && this.releaseScalar && !this.inString) this.finishRelease(records, '', 0, 0);
    if (!this.closed) throw new ReleasePackageShapeError('the release package ends before its closing brace: the JSON is incomplete');
    if (!this.sawReleases) throw new ReleasePackageShapeError('the release package has no releases array');
    return records;
  }

  private keepRelease(piece: string): void {
    this.releaseChars += piece.length;
    // Past the limit a release is only measured, not kept.
    if (this.releaseParts && this.releaseChars <= this.maxRowChars) this.releaseParts.push(piece);
  }

  private finishRelease(records: TextRecord[], text: string, from: number, to: number): void {
    this.keepRelease(text.slice(Math.max(from, 0), to));
    const row = ++this.releaseCount;
    if (this.releaseChars > this.maxRowChars) {
      records.push({ row, error: `the release is longer than ${this.maxRowChars} characters` });
    } else {
      records.push({ row, text: (this.releaseParts ?? []).join('') });
    }
    this.releaseParts = null;
    this.releaseScalar = false;
  }
}
