// The one module that reaches `natural`. Only the submodules we use are required: the package's main
// entry costs ~0.6 s and ~150 MB, pulls in database clients and loads dotenv (which reads `.env`).

import { isLowerRemnant, mendGluedRemnants, withoutRemnant } from 'src/matching/domain/portal-remnants';

interface NaturalPorterStemmer {
  stem(token: string): string;
}
interface NaturalStopwords {
  words: readonly string[];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const porterStemmer = require('natural/lib/natural/stemmers/porter_stemmer') as NaturalPorterStemmer;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const naturalStopwords = require('natural/lib/natural/util/stopwords') as NaturalStopwords;

// Copied once: natural's list is a shared mutable array (`addStopWord` mutates it for everyone),
// and a Set answers in O(1) where natural scans the 170 words for every token.
const STOP_WORDS: ReadonlySet<string> = new Set(naturalStopwords.words);

/**
 * Upper-case acronyms that natural drops as stop words but that carry meaning in public-sector
 * procurement ("IT services"). Only the all-capitals spelling is kept, so the pronoun "it" still goes.
 * Acronyms that are not stop words ("AI", "GIS", "HR", "NHS") survive anyway: short tokens are kept
 * and stemmed the same way in needs and profiles.
 */
const RESCUED_ACRONYMS: ReadonlyMap<string, string> = new Map([['it', 'IT']]);

export interface AnalysisOptions {
  /**
   * Also emit the parts of tokens that natural keeps whole because they contain `-`, `/` or `'`
   * (`e-procurement` → `e-procur`, `procur`; `health/social` → `health/soci`, `health`, `social`),
   * so that "cyber-security" and "cyber security" share terms. Default true.
   */
  readonly compoundParts?: boolean;
  /** Keep the acronyms in RESCUED_ACRONYMS when written in capitals. Default true. */
  readonly acronyms?: boolean;
}

/** Exactly what natural's `PorterStemmer.tokenizeAndStem` produces on ASCII text. */
export const NATURAL_COMPATIBLE: AnalysisOptions = { compoundParts: false, acronyms: false };

// ---- accent folding -----------------------------------------------------------------------------

const COMBINING_MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\u0000-\u007f]/;
const NON_ASCII_RUN = /[\u0000-\u007f]?[^\u0000-\u007f]+/g;
// Letters that NFKD does not decompose but that have a clear ASCII spelling, and typographic
// apostrophes and hyphens, which become the ASCII characters natural keeps inside words.
const FOLDS: ReadonlyMap<string, string> = new Map([
  ['ß', 'ss'], ['æ', 'ae'], ['Æ', 'AE'], ['œ', 'oe'], ['Œ', 'OE'], ['ø', 'o'], ['Ø', 'O'],
  ['đ', 'd'], ['Đ', 'D'], ['ł', 'l'], ['Ł', 'L'], ['ı', 'i'], ['þ', 'th'], ['Þ', 'TH'], ['ð', 'd'],
  ['\u2019', "'"], ['\u2018', "'"], ['\u2010', '-'], ['\u2011', '-'],
]);
const FOLD_PATTERN = new RegExp(`[${[...FOLDS.keys()].join('')}]`, 'g');
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/**
 * Folds accents deliberately (NFKD, then strip combining marks: `café` → `cafe`, `naïve` → `naive`)
 * and maps a few letters and punctuation marks with an obvious ASCII form. ASCII text is returned
 * as is. natural's tokeniser would instead split `café` into `caf`.
 */
export function foldAccents(text: string): string {
  if (!NON_ASCII.test(text)) return text;
  // Only the non-ASCII runs need work; each run takes the ASCII letter before it along, so that a
  // combining accent typed after its letter (`cafe\u0301`) folds with it.
  return text.replace(NON_ASCII_RUN, (run) =>
    run.normalize('NFKD').replace(COMBINING_MARKS, '').replace(FOLD_PATTERN, (ch) => FOLDS.get(ch) ?? ch),
  );
}

// ---- stems: a permanent registry of dense ids ----------------------------------------------------

// Stems are the vocabulary: bounded by the language, kept for the life of the process so that ids
// handed out stay valid even when the token cache below is cleared.
const stemIdOf = new Map<string, number>();
const stemTexts: string[] = [];

/** The permanent id of a stem (registered if new): the same id analyseToStemIds gives it. */
export function internStem(stem: string): number {
  let id = stemIdOf.get(stem);
  if (id === undefined) {
    id = stemTexts.length;
    stemIdOf.set(stem, id);
    stemTexts.push(stem);
  }
  return id;
}

/** The stem text of an id handed out by analyseToStemIds. */
export function stemText(stemId: number): string {
  return stemTexts[stemId];
}

/** Number of stem ids handed out so far (ids are 0 … count−1). */
export function stemCount(): number {
  return stemTexts.length;
}

// ---- token cache: open addressing keyed by the token's characters, packed ----------------------

// Bounded so that a long-running worker fed arbitrary text cannot grow without limit; clearing only
// costs speed, never changes a result.
const TOKEN_CACHE_LIMIT = 300_000;

interface RescuePart {
  offset: number;
  capitals: string;
  stemId: number;
  surface: string;
}

// What a token turns into, stored in its slot so that the common cases cost one memory access:
// a stem id (≥ 0), a stop word with nothing to rescue, or "look at the entry" (several stems, or a
// possible acronym).
const STOP = -1;
const COMPLEX = -2;

// Word characters as 6-bit codes (a-z and A-Z 1–26, 0-9 27–36, ' - / 37–39; 0 separates words), so
// that a token of up to PACKED_LENGTH characters is its own key: five characters to an int, three
// ints, no hashing of characters and no comparison of character strings. Longer tokens and tokens
// with non-ASCII letters are looked up by their text (rare).
const CHAR_CODES = new Uint8Array(128);
for (let c = 0; c < 26; c++) CHAR_CODES[97 + c] = CHAR_CODES[65 + c] = 1 + c;
for (let c = 0; c < 10; c++) CHAR_CODES[48 + c] = 27 + c;
CHAR_CODES[39] = 37;
CHAR_CODES[45] = 38;
CHAR_CODES[47] = 39;
const PACKED_LENGTH = 15;
// Stands for a non-ASCII letter or digit while scanning: nonzero, and never packed.
const OTHER_LETTER = 63;

// Slot layout (4 ints, four slots per cache line): the three packed key ints, and the outcome with
// compound parts (the engine's analysis). The entry (id + 1, 0 = empty slot) and the
// natural-compatible outcome are in arrays by slot number, read less often.
const SLOT_INTS = 4;
const SLOT_FULL = 3;

let slotBits = 16;
let slots = new Int32Array(SLOT_INTS << slotBits);
let slotEntry = new Int32Array(1 << slotBits);
let slotPlain = new Int32Array(1 << slotBits);
// Tokens not packed, by their lower-cased text: entry id.
let unpacked = new Map<string, number>();
// Per entry (distinct token): its text, its stems with parts (a run in stemPool) and rescue data.
let tokens: string[] = [];
let entryPlain = new Int32Array(1 << 14);
let entryFullStart = new Int32Array(1 << 14);
let entryFullCount = new Int32Array(1 << 14);
let stemPool = new Int32Array(1 << 15);
let stemPoolSurface: string[] = [];
let stemPoolSize = 0;
let rescueWhole = new Map<number, string>();
let rescueParts = new Map<number, RescuePart[]>();
// Tokens ending in what may be a portal's line-break remnant ("worksrn", "rn"): how many characters
// it takes, and the run of stems (in stemPool) of the token as written, for when it is in capitals.
let remnants = new Map<number, { length: number; start: number; count: number }>();

/** Empties the token cache (for benchmarks that want to measure a cold analyser). Stem ids stay valid. */
export function clearAnalysisCache(): void {
  slotBits = 16;
  slots = new Int32Array(SLOT_INTS << slotBits);
  slotEntry = new Int32Array(1 << slotBits);
  slotPlain = new Int32Array(1 << slotBits);
  unpacked = new Map();
  tokens = [];
  stemPoolSize = 0;
  stemPoolSurface = [];
  rescueWhole = new Map();
  rescueParts = new Map();
  remnants = new Map();
}

function growInt32(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2));
  next.set(array);
  return next;
}

function pushStem(stemId: number, surface: string): void {
  stemPool = growInt32(stemPool, stemPoolSize + 1);
  stemPool[stemPoolSize] = stemId;
  stemPoolSurface[stemPoolSize] = surface;
  stemPoolSize++;
}

function isCompoundSeparator(code: number): boolean {
  return code === 39 || code === 45 || code === 47; // ' - /
}

/** Decides everything about a new token once; returns its entry id. */
function analyseToken(token: string): number {
  if (tokens.length >= TOKEN_CACHE_LIMIT) clearAnalysisCache();
  const entry = tokens.length;
  tokens.push(token);
  entryPlain = growInt32(entryPlain, entry + 1);
  entryFullStart = growInt32(entryFullStart, entry + 1);
  entryFullCount = growInt32(entryFullCount, entry + 1);
  entryPlain[entry] = stemOrStop(token);
  // The engine's analysis reads the word without a portal's line-break remnant ("worksrn" →
  // "works") when the text has the remnant in lower case, which only the scan can see ("RN" is a
  // word): such a token keeps both runs, the word's and its own.
  const word = withoutRemnant(token);
  entryFullStart[entry] = stemPoolSize;
  const parts = pushFullRun(word, word === token ? entryPlain[entry] : stemOrStop(word), entry);
  if (parts.length > 0) rescueParts.set(entry, parts);
  entryFullCount[entry] = stemPoolSize - entryFullStart[entry];
  if (word !== token) {
    const start = stemPoolSize;
    pushFullRun(token, entryPlain[entry], -1);
    remnants.set(entry, { length: token.length - word.length, start, count: stemPoolSize - start });
  }
  return entry;
}

/**
 * Pushes a word's stems with compound parts (its own stem `own`, then its parts') and returns the
 * acronyms to rescue among its parts; a whole word that is a rescued acronym is noted for `entry`
 * (none when −1).
 */
function pushFullRun(word: string, own: number, entry: number): RescuePart[] {
  if (own !== STOP) pushStem(own, word);
  else if (entry >= 0) {
    const capitals = RESCUED_ACRONYMS.get(word);
    if (capitals !== undefined) rescueWhole.set(entry, capitals);
  }
  let start = 0;
  const parts: RescuePart[] = [];
  let compound = false;
  for (let i = 0; i <= word.length; i++) {
    if (i < word.length && !isCompoundSeparator(word.charCodeAt(i))) continue;
    if (i < word.length) compound = true;
    if (compound && i > start) {
      const part = word.slice(start, i);
      if (STOP_WORDS.has(part)) {
        const capitals = RESCUED_ACRONYMS.get(part);
        if (capitals !== undefined) parts.push({ offset: start, capitals, stemId: internStem(part), surface: part });
      } else {
        const stemId = internStem(porterStemmer.stem(part));
        if (stemId !== own) pushStem(stemId, part);
      }
    }
    start = i + 1;
  }
  return parts;
}

function stemOrStop(word: string): number {
  return word === '' || STOP_WORDS.has(word) ? STOP : internStem(porterStemmer.stem(word));
}

function outcome(entry: number, compoundParts: boolean): number {
  if (compoundParts) {
    if (rescueParts.has(entry) || rescueWhole.has(entry) || remnants.has(entry)) return COMPLEX;
    const count = entryFullCount[entry];
    if (count === 0) return STOP;
    return count === 1 ? stemPool[entryFullStart[entry]] : COMPLEX;
  }
  const plain = entryPlain[entry];
  return plain === STOP && rescueWhole.has(entry) ? COMPLEX : plain;
}

/** The table position of a packed key. */
function slotHash(k0: number, k1: number, k2: number): number {
  let h = k0 ^ Math.imul(k1, 0x9e3779b1) ^ Math.imul(k2, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return h ^ (h >>> 12);
}

/** Puts a packed key in a free slot (the key is known to be absent); returns the slot number. */
function insertSlot(k0: number, k1: number, k2: number, entry: number): number {
  const mask = (1 << slotBits) - 1;
  let slot = slotHash(k0, k1, k2) & mask;
  while (slotEntry[slot] !== 0) slot = (slot + 1) & mask;
  const at = slot * SLOT_INTS;
  slots[at] = k0;
  slots[at + 1] = k1;
  slots[at + 2] = k2;
  slots[at + SLOT_FULL] = outcome(entry, true);
  slotEntry[slot] = entry + 1;
  slotPlain[slot] = outcome(entry, false);
  return slot;
}

/** Adds the packed token text[start, end) to the cache; returns the slot number it landed in. */
function addPacked(text: string, start: number, end: number, k0: number, k1: number, k2: number): number {
  const entry = analyseToken(text.slice(start, end).toLowerCase());
  // analyseToken may have cleared the cache; keep the load under one half: probe chains stay short.
  if ((tokens.length + 1) * 2 > 1 << slotBits) {
    const old = slots;
    const oldEntry = slotEntry;
    slotBits++;
    slots = new Int32Array(SLOT_INTS << slotBits);
    slotEntry = new Int32Array(1 << slotBits);
    slotPlain = new Int32Array(1 << slotBits);
    for (let slot = 0; slot < oldEntry.length; slot++) {
      const held = oldEntry[slot];
      const at = slot * SLOT_INTS;
      if (held !== 0) insertSlot(old[at], old[at + 1], old[at + 2], held - 1);
    }
  }
  return insertSlot(k0, k1, k2, entry);
}

/** The entry of a token that is not packed (its lower-cased text), analysed if new. */
function unpackedEntry(token: string): number {
  let entry = unpacked.get(token);
  if (entry === undefined) {
    entry = analyseToken(token);
    unpacked.set(token, entry);
  }
  return entry;
}

// ---- scanning -----------------------------------------------------------------------------------

// Output of scan(): stem ids in text order and, when asked for, where each came from (for surfaces).
// Reused across calls and grown on demand; callers copy what they keep before the next scan.
let outStems = new Int32Array(4096);
let outSurfaces: string[] = [];

/**
 * Splits on natural's rule (a word is a run of a-z, 0-9, `'`, `-`, `/`), after lower-casing and
 * accent folding; beyond ASCII, letters and digits join words and anything else separates them.
 * Writes stem ids to outStems (and surfaces to outSurfaces when `withSurfaces`) and returns how
 * many. One tight loop with no callbacks and no allocation for known tokens: the hot path of
 * index building.
 */
function scan(raw: string, options: AnalysisOptions | undefined, withSurfaces: boolean): number {
  const compoundParts = options?.compoundParts ?? true;
  const acronyms = options?.acronyms ?? true;
  // The engine's analysis (with compound parts) also mends portals' line-break remnants: those
  // glued to a capital here, those ending a token in analyseToken.
  const text = compoundParts ? mendGluedRemnants(raw) : raw;
  // ASCII text (the common case) is scanned as is, lower-casing codes on the fly: no copy of the
  // text and no separate pass to check it. Text with other characters is folded and lower-cased
  // first, and scanned again.
  const count = scanSource(text, text, compoundParts, acronyms, withSurfaces, true);
  if (count >= 0) return count;
  const folded = foldAccents(text);
  const lower = folded.toLowerCase();
  // Acronym spelling is read from the original at the same offsets; only sound if lengths agree.
  return scanSource(lower, folded, compoundParts, acronyms && folded.length === lower.length, withSurfaces, false);
}

/** The scan proper; with `asciiOnly`, returns −1 at the first non-ASCII character. */
function scanSource(
  source: string,
  original: string,
  compoundParts: boolean,
  caseAligned: boolean,
  withSurfaces: boolean,
  asciiOnly: boolean,
): number {
  const length = source.length;
  // A token yields at most (its length + 1) / 2 + 1 stems, so the text length bounds the output.
  if (outStems.length < length + 2) outStems = growInt32(outStems, length + 2);
  if (withSurfaces) outSurfaces = [];
  const out = outStems;
  const codes = CHAR_CODES;
  // Module-level bindings copied into locals: the loop below is the hottest code of indexing, and
  // locals stay in registers where module bindings are reloaded (and checked) on every access.
  let table = slots;
  let entries = slotEntry;
  let mask = (1 << slotBits) - 1;
  let count = 0;
  let tokenLength = 0;
  let packed = true;
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  for (let i = 0; i <= length; i++) {
    let c = 0;
    if (i < length) {
      const code = source.charCodeAt(i);
      if (code < 128) c = codes[code];
      else if (asciiOnly) return -1;
      else if (LETTER_OR_DIGIT.test(source[i])) c = OTHER_LETTER;
    }
    if (c !== 0) {
      if (c === OTHER_LETTER) packed = false;
      else if (tokenLength < 5) k0 = k0 * 64 + c;
      else if (tokenLength < 10) k1 = k1 * 64 + c;
      else if (tokenLength < PACKED_LENGTH) k2 = k2 * 64 + c;
      else packed = false;
      tokenLength++;
      continue;
    }
    if (tokenLength === 0) continue;
    const tokenStart = i - tokenLength;
    let entry: number;
    let result: number;
    if (packed) {
      // An empty slot has an all-zero key, which no token has: the first mismatch on an empty slot
      // ends the probe.
      let found = -1;
      for (let slot = slotHash(k0, k1, k2) & mask; ; slot = (slot + 1) & mask) {
        const probe = slot * SLOT_INTS;
        if (table[probe] === k0 && table[probe + 1] === k1 && table[probe + 2] === k2) {
          found = slot;
          break;
        }
        if (table[probe] === 0) break;
      }
      if (found < 0) {
        found = addPacked(source, tokenStart, i, k0, k1, k2);
        // Adding may have grown or cleared the cache.
        table = slots;
        entries = slotEntry;
        mask = (1 << slotBits) - 1;
      }
      result = compoundParts ? table[found * SLOT_INTS + SLOT_FULL] : slotPlain[found];
      // The entry is needed for surfaces and for tokens with several stems or an acronym only.
      entry = withSurfaces || result < STOP ? entries[found] - 1 : -1;
      k0 = k1 = k2 = 0;
    } else {
      const token = source.slice(tokenStart, i);
      entry = unpackedEntry(token.toLowerCase());
      result = outcome(entry, compoundParts);
      // The entry may have cleared the cache; any key ints gathered are no longer needed.
      table = slots;
      entries = slotEntry;
      mask = (1 << slotBits) - 1;
      k0 = k1 = k2 = 0;
      packed = true;
    }
    tokenLength = 0;
    if (result >= 0) {
      if (withSurfaces) outSurfaces[count] = compoundParts ? stemPoolSurface[entryFullStart[entry]] : tokens[entry];
      out[count++] = result;
      continue;
    }
    if (result === STOP) continue;
    count = emitComplex(entry, compoundParts, caseAligned, original, tokenStart, count, withSurfaces);
  }
  return count;
}

function emitComplex(
  entry: number,
  compoundParts: boolean,
  caseAligned: boolean,
  original: string,
  tokenStart: number,
  count: number,
  withSurfaces: boolean,
): number {
  const token = tokens[entry];
  // The whole word, for an acronym rescued whole: without its remnant when the remnant was dropped.
  let whole = token;
  if (!compoundParts) {
    const plain = entryPlain[entry];
    if (plain >= 0) {
      if (withSurfaces) outSurfaces[count] = token;
      outStems[count++] = plain;
    }
  } else {
    let from = entryFullStart[entry];
    let to = from + entryFullCount[entry];
    const remnant = remnants.get(entry);
    // A remnant is lower-case "rn" in the text as written: in capitals (or when the case cannot be
    // read at these offsets) the token is taken as written.
    if (remnant !== undefined) {
      if (caseAligned && isLowerRemnant(original, tokenStart + token.length - remnant.length, remnant.length)) {
        whole = token.slice(0, token.length - remnant.length);
      } else {
        from = remnant.start;
        to = from + remnant.count;
        // The acronyms to rescue were found in the word without the remnant.
        caseAligned = false;
      }
    }
    for (let p = from; p < to; p++) {
      if (withSurfaces) outSurfaces[count] = stemPoolSurface[p];
      outStems[count++] = stemPool[p];
    }
  }
  if (!caseAligned) return count;
  const capitals = rescueWhole.get(entry);
  if (capitals !== undefined && original.startsWith(capitals, tokenStart)) {
    if (withSurfaces) outSurfaces[count] = whole;
    outStems[count++] = internStem(whole);
  }
  if (compoundParts) {
    for (const part of rescueParts.get(entry) ?? []) {
      if (original.startsWith(part.capitals, tokenStart + part.offset)) {
        if (withSurfaces) outSurfaces[count] = part.surface;
        outStems[count++] = part.stemId;
      }
    }
  }
  return count;
}

/** Stem ids of one analysed text; valid until the next analysis call. */
export interface StemIdRun {
  readonly ids: Int32Array;
  readonly count: number;
}

/**
 * The fast path for indexing: the stem ids of `text` (default options) in order, written into a
 * buffer that the next call reuses. Ids are dense, permanent for the process, and turned back into
 * text with stemText().
 */
export function analyseToStemIds(text: string, options?: AnalysisOptions): StemIdRun {
  const count = scan(text, options, false);
  return { ids: outStems, count };
}

/** Stem ids of one analysed text with the word each came from; valid until the next analysis call. */
export interface StemIdSurfaceRun extends StemIdRun {
  readonly surfaces: readonly string[];
}

/**
 * analyseToStemIds with, for each stem, the lower-cased word it came from (the part, for a part of
 * a compound), as forEachTerm gives them: for analysing needs without building stem strings.
 */
export function analyseToStemIdsWithSurfaces(text: string, options?: AnalysisOptions): StemIdSurfaceRun {
  const count = scan(text, options, true);
  return { ids: outStems, count, surfaces: outSurfaces };
}

/**
 * Tokenises, lower-cases, folds accents, drops stop words and Porter-stems, calling
 * `visit(stem, surface)` per term in text order; `surface` is the lower-cased word the term came
 * from (the part, for a part of a compound). With NATURAL_COMPATIBLE options the stems are exactly
 * those of natural's `PorterStemmer.tokenizeAndStem` for ASCII text.
 */
export function forEachTerm(
  text: string,
  visit: (stem: string, surface: string) => void,
  options?: AnalysisOptions,
): void {
  const count = scan(text, options, true);
  const stems: string[] = new Array<string>(count);
  const surfaces: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    stems[i] = stemTexts[outStems[i]];
    surfaces[i] = outSurfaces[i];
  }
  // Copied first: the visitor may analyse other text, which reuses the buffers.
  for (let i = 0; i < count; i++) visit(stems[i], surfaces[i]);
}

/** The terms of `text`, in order (stems; see forEachTerm). */
export function analyseText(text: string, options?: AnalysisOptions): string[] {
  const count = scan(text, options, false);
  const terms: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) terms[i] = stemTexts[outStems[i]];
  return terms;
}

/**
 * Drop-in for natural's `PorterStemmer.tokenizeAndStem(text)`: identical tokens on ASCII text,
 * accent-folded on other text, and much faster (memoised stems, Set stop words, one scan, no string
 * allocated for a token seen before).
 */
export function tokenizeAndStem(text: string): string[] {
  return analyseText(text, NATURAL_COMPATIBLE);
}
