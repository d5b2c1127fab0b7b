import { cpvPrefixKey, prepareCpvCodes, type PreparedCpvCodes } from 'src/matching/domain/cpv-scoring';
import {
  prepareEligibilityRequirements,
  UK_WIDE,
  type EligibilityRequirements,
} from 'src/matching/domain/eligibility-scoring';
import type { NeedInput } from 'src/matching/domain/matching.types';
import { analyseToStemIdsWithSurfaces, stemCount, stemText } from 'src/matching/domain/text-analysis';

/**
 * How much one occurrence of a word counts, by where the need says it. The title names the thing
 * being bought in a few words, so each is worth three description words; essential requirements are
 * what the buyer will test, so twice a description word.
 */
export const QUERY_FIELD_WEIGHTS = { title: 3, essentialRequirements: 2, description: 1 } as const;

/**
 * Query-side saturation (BM25's k3): a word repeated across a long description gains weight with
 * diminishing returns, so one repeated word cannot drown the title. With 3, a title word (3) weighs 2,
 * a description word once 1, five times 2.5.
 */
export const QUERY_SATURATION = 3;

/**
 * A need analysed once, independent of any corpus: its distinct terms with their query weights,
 * CPV codes and eligibility requirements. Terms are sorted by code unit, so that whatever order the
 * need's words came in, equal contributions are explained in the same order everywhere.
 */
export interface NeedQuery {
  readonly needId: string;
  readonly terms: readonly string[];
  /** The analyser's permanent stem id of each term, parallel to `terms`. */
  readonly termIds: Int32Array;
  /** Saturated query weight of each term, parallel to `terms`. */
  readonly weights: Float64Array;
  /** The need's own (lower-case) word for each term, for explanations. */
  readonly surfaces: readonly string[];
  readonly cpv: PreparedCpvCodes;
  /** Per CPV code, cpvPrefixKey of its significant digits at each length, longest first. */
  readonly cpvPrefixKeys: readonly (readonly number[])[];
  /** The CPV divisions (00–99) of the need's codes as bits: division d is bit d % 32 of int d >> 5. */
  readonly cpvDivisions: Int32Array;
  /**
   * What scoring many needs in one pass reads, packed: from `packedAt` in `packed` (a buffer shared
   * by needs prepared one after another), the PACKED_HEADER values (see PACKED), then n weights,
   * n term ids, and the CPV codes: their number, then per code the number of its prefix keys and
   * those keys (cpvPrefixKeys).
   */
  readonly packed: Float64Array;
  readonly packedAt: number;
  readonly eligibility: EligibilityRequirements;
}

// Open needs are scored together, term by term, every time a profile changes: each need's terms and
// requirements are packed into a buffer shared with the needs prepared just before and after it, so
// that scoring them reads memory in order instead of chasing an allocation per need and per field.
// A buffer is freed with the last need in it; small buffers bound what a few long-lived needs keep
// alive.
const ARENA_DOUBLES = 1024;
/** Offsets in a need's packed form (NeedQuery.packed from packedAt); the weights follow the header. */
export const PACKED = {
  /** The number n of terms (n weights, then n term ids, after the header). */
  termCount: 0,
  /** Four ints: the CPV divisions, as cpvDivisions. */
  divisions: 1,
  /** Bits of the required regions and certifications, in packedSlugBit's numbering. */
  regionBits: 5,
  certificationBits: 6,
  certificationCount: 7,
  /** budgetMin, NaN when null. */
  budgetMin: 8,
  /** 1 when a slug had no bit: eligibility must then be checked from `eligibility`. */
  unpackedSlugs: 9,
} as const;
export const PACKED_HEADER = 10;
let arena = new Float64Array(ARENA_DOUBLES);
let arenaUsed = 0;

// Slugs numbered as first seen, for the packed requirements: regions (uk-wide is bit 0) and
// certifications each get up to 31 bits; a need with a slug beyond those is marked unpacked. The
// numbering depends on the order needs were prepared; eligibility outcomes never do.
const SLUG_BITS = 31;
const regionBitOf = new Map<string, number>([[UK_WIDE, 0]]);
const certificationBitOf = new Map<string, number>();

/** How many slugs have bits so far: bits already given never change, so this versions them. */
export function packedSlugCount(): number {
  return regionBitOf.size + certificationBitOf.size;
}

/** The bit of a region or certification slug in packed requirements, assigned if `assign`; −1 if none. */
export function packedSlugBit(kind: 'region' | 'certification', slug: string, assign: boolean): number {
  const bits = kind === 'region' ? regionBitOf : certificationBitOf;
  let bit = bits.get(slug);
  if (bit === undefined) {
    if (!assign || bits.size >= SLUG_BITS) return -1;
    bit = bits.size;
    bits.set(slug, bit);
  }
  return bit;
}

/**
 * Carves a need's packed form out of the current buffer, with the header filled in; returns it with
 * views of its weights and of an Int32Array of its term ids in the same buffer (the caller fills both
 * and the packed term ids), so that a need allocates no buffer of its own.
 */
function packNeed(
  count: number,
  cpvDivisions: Int32Array,
  cpvPrefixKeys: readonly (readonly number[])[],
  eligibility: EligibilityRequirements,
): { packed: Float64Array; packedAt: number; weights: Float64Array; termIds: Int32Array } {
  let cpvSize = 1;
  for (const keys of cpvPrefixKeys) cpvSize += 1 + keys.length;
  // Header, weights, term ids as doubles, codes, then term ids as ints (two to a double).
  const idsAt = PACKED_HEADER + 2 * count + cpvSize;
  const size = idsAt + Math.ceil(count / 2);
  let packed: Float64Array;
  let at: number;
  if (size > ARENA_DOUBLES / 4) {
    packed = new Float64Array(size);
    at = 0;
  } else {
    if (arenaUsed + size > ARENA_DOUBLES) {
      arena = new Float64Array(ARENA_DOUBLES);
      arenaUsed = 0;
    }
    packed = arena;
    at = arenaUsed;
    arenaUsed += size;
  }
  let unpacked = 0;
  let regionBits = 0;
  for (const region of eligibility.regions) {
    const bit = packedSlugBit('region', region, true);
    if (bit < 0) unpacked = 1;
    else regionBits |= 1 << bit;
  }
  let certificationBits = 0;
  for (const certification of eligibility.requiredCertifications) {
    const bit = packedSlugBit('certification', certification, true);
    if (bit < 0) unpacked = 1;
    else certificationBits |= 1 << bit;
  }
  packed[at + PACKED.termCount] = count;
  for (let i = 0; i < 4; i++) packed[at + PACKED.divisions + i] = cpvDivisions[i];
  packed[at + PACKED.regionBits] = regionBits;
  packed[at + PACKED.certificationBits] = certificationBits;
  packed[at + PACKED.certificationCount] = eligibility.requiredCertifications.length;
  packed[at + PACKED.budgetMin] = eligibility.budgetMin === null ? Number.NaN : eligibility.budgetMin;
  packed[at + PACKED.unpackedSlugs] = unpacked;
  let cpvAt = at + PACKED_HEADER + 2 * count;
  packed[cpvAt++] = cpvPrefixKeys.length;
  for (const keys of cpvPrefixKeys) {
    packed[cpvAt++] = keys.length;
    for (const key of keys) packed[cpvAt++] = key;
  }
  return {
    packed,
    packedAt: at,
    weights: packed.subarray(at + PACKED_HEADER, at + PACKED_HEADER + count),
    termIds: new Int32Array(packed.buffer, packed.byteOffset + (at + idsAt) * 8, count),
  };
}

// Scratch for prepareNeedQuery (one need at a time, like the analyser): the weight summed so far by
// stem id (0: not seen yet), and the stems seen with the word each was first seen as.
let stemWeights = new Float64Array(1024);
const seenStems: number[] = [];
const seenSurfaces: string[] = [];

function addTerms(text: string, weight: number): void {
  const run = analyseToStemIdsWithSurfaces(text);
  const needed = stemCount();
  if (stemWeights.length < needed) {
    const grown = new Float64Array(Math.max(needed, stemWeights.length * 2));
    grown.set(stemWeights);
    stemWeights = grown;
  }
  for (let i = 0; i < run.count; i++) {
    const stem = run.ids[i];
    if (stemWeights[stem] === 0) {
      seenStems.push(stem);
      seenSurfaces.push(run.surfaces[i]);
    }
    stemWeights[stem] += weight;
  }
}

export function prepareNeedQuery(need: NeedInput): NeedQuery {
  let ids: number[];
  let firstSurfaces: string[];
  let raw: number[];
  try {
    addTerms(need.title, QUERY_FIELD_WEIGHTS.title);
    for (const requirement of need.essentialRequirements) addTerms(requirement, QUERY_FIELD_WEIGHTS.essentialRequirements);
    addTerms(need.description, QUERY_FIELD_WEIGHTS.description);
    ids = seenStems.slice();
    firstSurfaces = seenSurfaces.slice();
    raw = ids.map((stem) => stemWeights[stem]);
  } finally {
    for (const stem of seenStems) stemWeights[stem] = 0;
    seenStems.length = 0;
    seenSurfaces.length = 0;
  }
  // Terms in code-unit order of their stems, whatever order the need's words came in.
  const stems = ids.map((stem) => stemText(stem));
  const order = ids.map((_, i) => i);
  order.sort((a, b) => (stems[a] < stems[b] ? -1 : stems[a] > stems[b] ? 1 : 0));
  const cpv = prepareCpvCodes(need.cpvCodes);
  const cpvPrefixKeys = cpv.digits.map((digits) => {
    const keys: number[] = [];
    for (let length = digits.length; length >= 2; length--) keys.push(cpvPrefixKey(digits, length));
    return keys;
  });
  const cpvDivisions = new Int32Array(4);
  for (const digits of cpv.digits) {
    const division = (digits.charCodeAt(0) - 48) * 10 + (digits.charCodeAt(1) - 48);
    cpvDivisions[division >> 5] |= 1 << (division & 31);
  }
  const eligibility = prepareEligibilityRequirements(need);
  const { packed, packedAt, weights, termIds } = packNeed(order.length, cpvDivisions, cpvPrefixKeys, eligibility);
  const terms: string[] = [];
  const surfaces: string[] = [];
  const packedIds = packedAt + PACKED_HEADER + order.length;
  for (let i = 0; i < order.length; i++) {
    const at = order[i];
    const q = raw[at];
    terms.push(stems[at]);
    weights[i] = ((QUERY_SATURATION + 1) * q) / (QUERY_SATURATION + q);
    termIds[i] = ids[at];
    packed[packedIds + i] = ids[at];
    surfaces.push(firstSurfaces[at]);
  }
  return {
    needId: need.needId,
    terms,
    termIds,
    weights,
    surfaces,
    cpv,
    cpvPrefixKeys,
    cpvDivisions,
    packed,
    packedAt,
    eligibility,
  };
}
