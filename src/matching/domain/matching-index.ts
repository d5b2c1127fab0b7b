import {
  compareCpvCodes,
  CPV_LEVEL_SCORES,
  cpvPrefixKey,
  cpvLevelOfRank,
  prepareCpvCodes,
  type CpvComparison,
  type PreparedCpvCodes,
} from 'src/matching/domain/cpv-scoring';
import {
  checkEligibility,
  eligibilityFraction,
  eligibilityScore,
  normaliseSlugs,
  prepareEligibilityProfile,
  servesRegion,
  UK_WIDE,
  type EligibilityOutcome,
  type EligibilityProfile,
} from 'src/matching/domain/eligibility-scoring';
import {
  combineComponents,
  roundComponent,
  roundScore,
  SCORE_WEIGHTS,
  TEXT_CURVE,
  textComponent,
} from 'src/matching/domain/match-scoring';
import type {
  MatchedTerm,
  MatchResult,
  NeedInput,
  NeedMatchResult,
  SupplierProfileInput,
} from 'src/matching/domain/matching.types';
import {
  PACKED,
  PACKED_HEADER,
  packedSlugBit,
  packedSlugCount,
  prepareNeedQuery,
  type NeedQuery,
} from 'src/matching/domain/need-query';
import { analyseToStemIds, stemCount } from 'src/matching/domain/text-analysis';

/**
 * BM25F parameters. Profiles have fields of different reliability and size, so term frequencies are
 * weighted by field and case studies are length-normalised one by one before the usual saturation:
 *
 *   tf~(t, d) = Σ_fields w·tf  (summary, capabilities)  +  Σ_caseStudies w·tf / (1 − bCaseStudy + bCaseStudy·len/avgCaseStudyLen)
 *   impact(t, d) = tf~ / (tf~ + k1·(1 − bDocument + bDocument·docLen/avgDocLen))
 *   score(need, d) = Σ_t queryWeight(t)·idf(t)·impact(t, d),  idf = ln(1 + (N − df + 0.5)/(df + 0.5))
 *
 * Impacts are stored as 12-bit integers and query weights rounded to integers scaled so that no
 * sum can exceed 2³¹ − 1, so a text score is a sum of 32-bit integers: exact, the same in whatever
 * order terms are added (which lets a query skip work and still give identical scores), and half
 * the memory traffic of doubles in the accumulator.
 */
export const BM25F_PARAMS = {
  // Classic value: a term's second occurrence adds about half of what the first did.
  k1: 1.2,
  // Mild document-length normalisation: a supplier with many case studies has more words because it
  // has done more work, which is evidence rather than verbosity; the classic 0.75 would discount it
  // as if it were padding. (Each case study is length-normalised on its own as well, below.)
  bDocument: 0.4,
  // Each case study is normalised against the average case study, so one long write-up does not
  // outweigh several short ones that each mention the term.
  bCaseStudy: 0.5,
  // Field weights, integers so that lengths stay integers and corpus totals are exact sums whatever
  // order profiles were loaded in. Capabilities are short phrases the supplier chose to stand
  // behind, and case-study titles name what was delivered: both count double. The summary and the
  // case-study descriptions are prose and count once.
  summaryWeight: 1,
  capabilityWeight: 2,
  caseStudyTitleWeight: 2,
  caseStudyDescriptionWeight: 1,
} as const;

/** Impacts (0–1) are stored as integers out of this: 12 bits, finer than any ranking difference. */
export const IMPACT_SCALE = 4095;
/**
 * Query weights (queryWeight × idf) are rounded to multiples of 1/WEIGHT_SCALE, or coarser for a
 * need so long that its weights would otherwise let a sum overflow 32 bits.
 */
export const WEIGHT_SCALE = 4096;
const MAX_RAW = 2 ** 31 - 1;

/** Up to this many matched terms are explained per match. */
export const MAX_EXPLAINED_TERMS = 10;

const SEGMENT_SUMMARY = 0;
const SEGMENT_CAPABILITIES = 1;
const SEGMENT_CASE_STUDY = 2;

// Compact (drop tombstones, fold appended postings into the packed arrays) when this share of the
// documents are dead or this share of postings sit in the append lists.
const COMPACT_DEAD_SHARE = 0.2;
const COMPACT_DELTA_SHARE = 0.2;
const COMPACT_MIN_DELTA = 50_000;
// Bound on the eligibility groups remembered by their spelling (a cache: it changes no result).
const MAX_WRITTEN_GROUP_KEYS = 100_000;

// The threshold sample (see rankTop): the highest-bound terms with posting lists, at least
// SEED_TERMS and at most SEED_TERMS_MAX, until they hold SEED_SHARE of the need's upper bound and
// SEED_REACH of the documents; over the best CPV ranks holding SEED_DOCUMENTS_PER_RESULT documents
// per result wanted; SAMPLE_FACTOR documents per result wanted, the best by partial score, are then
// scored exactly. These only decide how much work a query does, never its results; set by
// measuring the benchmark.
const SEED_TERMS = 4;
const SEED_TERMS_MAX = 8;
const SEED_SHARE = 0.4;
const SEED_REACH = 0.05;
const SEED_DOCUMENTS_PER_RESULT = 16;
const SAMPLE_FACTOR = 2;
// At most this many terms are added to every document to rule the broad CPV ranks out (see the
// deepening in rankTop). Measured on 1,000 needs: 24 left some slow needs undecided; 48 did as well
// as no limit.
const DEEPEN_TERMS_MAX = 48;
// The terms probed for candidates rather than added in full: together at most this share of the
// ideal score. More would mean fewer lists read but more candidates to probe. Measured on the
// benchmark's needs: 0.03 gave the lowest median, p95 and p99 of 0–0.14 (0.1 until the
// candidates of broad CPV ranks were left without their dense terms).
const PREFIX_SHARE = 0.03;
// For documents sharing no CPV division with the need, when even those can qualify: the terms left
// out hold at most this share of what such a document needs, or this larger one with dense terms.
const UNRANKED_PREFIX_SHARE = 0.3;
const UNRANKED_DENSE_SHARE = 0.6;
// The same for ranked documents of the broad ranks: dense terms are left out for a rank when,
// with the terms left out for every ranked document, they hold less than this share of what a
// document of that rank needs.
const RANKED_DENSE_SHARE = 0.6;
// Terms held by at least this share of the documents (and this many) keep their impacts in a dense
// array by doc id instead of a posting list (2 bytes a document against 6 a posting): over all such
// terms the two took about the same memory on the benchmark corpus, and a dense array is read in
// one pass without scattering, or probed for one document in one access.
const DENSE_SHARE = 0.125;
const DENSE_MIN_DOCS = 64;
// Probing a list for each candidate costs a few comparisons; below this many postings per
// candidate, reading the whole list is cheaper.
const GALLOP_RATIO = 5;
// Exact scores and explanations read the query's terms for at most this many documents at a time
// (see loadBatch): enough for the usual sample and results in one go, and a bounded scratch
// whatever k is asked for.
const BATCH_DOCS = 512;
// When at least 1/RANKS_FILL_RATIO of the documents have a CPV rank, clearing all ranks with one
// fill of the byte array is cheaper than a random write per ranked document.
const RANKS_FILL_RATIO = 16;

const DIVISION_RANK = 1;
const CLASS_RANK = 3;
const CATEGORY_RANK = 4;
const EXACT_RANK = 5;
const RANK_COUNT = 6;
// Which documents a list is added to (see accumulate).
const ALL_DOCUMENTS = 0;
const RANKED_ONLY = 1;
const UNRANKED_ONLY = 2;
const ALL_UNLISTED = 3;
const CPV_SCORE_BY_RANK: readonly number[] = [0, 1, 2, 3, 4, 5].map((rank) => {
  const level = cpvLevelOfRank(rank);
  return level === null ? 0 : CPV_LEVEL_SCORES[level];
});

export interface ScoreSupplierOptions {
  /** Only needs this supplier scores at least this much on (0–100) are returned. Default 0. */
  readonly minScore?: number;
  /**
   * Called with each need's score (0–100) and its position in the needs given, before its
   * explanation is built; return false to leave the need out (e.g. when the supplier would not
   * enter that need's kept best matches). Scoring every need is cheap; explaining is what costs.
   * Results come in the order of the needs, one for each need kept. Default: keep all.
   */
  readonly keep?: (needId: string, score: number, position: number) => boolean;
}

export interface MatchingIndexStats {
  profiles: number;
  tombstones: number;
  terms: number;
  postings: number;
  appendedPostings: number;
  averageDocumentLength: number;
  averageCaseStudyLength: number;
}

// Powers of two and a 1/16 step within each octave: the averages BM25 normalises by are rounded to
// this grid (steps of 3–6 %, which BM25 cannot tell apart) so that a single profile change almost
// never moves them, and stored impacts stay valid. Computed with exact binary arithmetic only, so
// the result is the same on every machine.
function quantiseAverage(value: number): number {
  if (!(value > 0)) return 1;
  let octave = 1;
  while (octave * 2 <= value) octave *= 2;
  while (octave > value) octave /= 2;
  const step = octave / 16;
  return Math.round(value / step) * step;
}

function growInt32(array: Int32Array<ArrayBuffer>, needed: number): Int32Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Int32Array(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}
function growUint16(array: Uint16Array<ArrayBuffer>, needed: number): Uint16Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Uint16Array(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}
function growUint8(array: Uint8Array<ArrayBuffer>, needed: number): Uint8Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Uint8Array(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}
function growFloat64(array: Float64Array<ArrayBuffer>, needed: number): Float64Array<ArrayBuffer> {
  if (needed <= array.length) return array;
  const next = new Float64Array(Math.max(needed, array.length * 2, 16));
  next.set(array);
  return next;
}

/** What dense terms add to one document's raw score (integer weights × impacts, see accumulate). */
function denseSumOf(doc: number, denseTerms: readonly Uint16Array[], weights: readonly number[]): number {
  let sum = 0;
  for (let t = 0; t < denseTerms.length; t++) {
    const dense = denseTerms[t];
    if (doc < dense.length) sum += Math.imul(weights[t] | 0, dense[doc]);
  }
  return sum;
}

function bitCount(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

function emptyHeap(ties: boolean): TopHeap {
  return { docs: new Int32Array(0), scores: new Float64Array(0), exact: new Uint8Array(0), size: 0, limit: 0, ties };
}

function toQuery(need: NeedInput | NeedQuery): NeedQuery {
  return 'termIds' in need ? need : prepareNeedQuery(need);
}

/**
 * One supplier's CPV codes as numeric prefix keys, so that the deepest level it shares with a need
 * is a few comparisons, without string work: the same answer as compareCpvCodes. Reused for every
 * profile scored (reset), so that scoring allocates nothing.
 */
class SupplierCpvLookup {
  private prefixes = new Int32Array(64);
  private prefixCount = 0;
  private exact = new Int32Array(16);
  private exactCount = 0;
  // The supplier's divisions as bits, like NeedQuery.cpvDivisions.
  private readonly divisions = new Int32Array(4);

  reset(codes: PreparedCpvCodes): void {
    this.prefixCount = 0;
    this.exactCount = 0;
    this.divisions.fill(0);
    for (const digits of codes.digits) {
      const division = (digits.charCodeAt(0) - 48) * 10 + (digits.charCodeAt(1) - 48);
      this.divisions[division >> 5] |= 1 << (division & 31);
      if (this.exactCount === this.exact.length) this.exact = growInt32(this.exact, this.exactCount + 1);
      this.exact[this.exactCount++] = cpvPrefixKey(digits, digits.length);
      for (let length = 2; length <= digits.length; length++) {
        if (this.prefixCount === this.prefixes.length) this.prefixes = growInt32(this.prefixes, this.prefixCount + 1);
        this.prefixes[this.prefixCount++] = cpvPrefixKey(digits, length);
      }
    }
  }

  private hasPrefix(key: number): boolean {
    for (let i = 0; i < this.prefixCount; i++) if (this.prefixes[i] === key) return true;
    return false;
  }

  private hasExact(key: number): boolean {
    for (let i = 0; i < this.exactCount; i++) if (this.exact[i] === key) return true;
    return false;
  }

  /** 5 exact, 4 category, 3 class, 2 group, 1 division, 0 none. */
  rankFor(packed: Float64Array, divisionsAt: number, codesAt: number): number {
    // Most needs are in other divisions than the supplier's: four ANDs on the need's packed
    // division ints (see NeedQuery.packed) settle those.
    const divisions = this.divisions;
    if (
      ((packed[divisionsAt] & divisions[0]) |
        (packed[divisionsAt + 1] & divisions[1]) |
        (packed[divisionsAt + 2] & divisions[2]) |
        (packed[divisionsAt + 3] & divisions[3])) ===
      0
    ) {
      return 0;
    }
    // The need's codes, packed after its terms: per code, its prefix keys, longest first.
    let best = 0;
    const codes = packed[codesAt];
    for (let c = 0, at = codesAt + 1; c < codes; c++) {
      const count = packed[at];
      const keys = at + 1;
      at = keys + count;
      if (!this.hasPrefix(packed[keys + count - 1])) continue;
      // The first key is the whole code: the same digits on both sides are the exact code.
      if (this.hasExact(packed[keys])) return EXACT_RANK;
      for (let i = 0; i < count; i++) {
        if (this.hasPrefix(packed[keys + i])) {
          const length = count + 1 - i;
          const rank = length >= 5 ? CATEGORY_RANK : length - 1;
          if (rank > best) best = rank;
          break;
        }
      }
    }
    return best;
  }
}

/** The weight scale for a need whose float weights sum to `sum` over `count` terms (see fillTermWeights). */
function weightScale(sum: number, count: number): number {
  if (!(sum > 0)) return WEIGHT_SCALE;
  const room = MAX_RAW - count * Math.ceil(IMPACT_SCALE / 2);
  return Math.min(WEIGHT_SCALE, Math.floor(room / (IMPACT_SCALE * sum)));
}

/** The first index in [from, end) whose value is at least `value` (`end` if none), `array` sorted. */
function lowerBound(array: Int32Array, from: number, end: number, value: number): number {
  let low = from;
  let high = end;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (array[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** lowerBound over a CPV posting list (doc ids ascending) from `from`, galloping. */
function lowerBoundOfList(list: readonly number[], from: number, value: number): number {
  const end = list.length;
  if (from >= end || list[from] >= value) return from;
  let step = 1;
  while (from + step < end && list[from + step] < value) step <<= 1;
  let low = from + (step >> 1) + 1;
  let high = Math.min(from + step, end);
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (list[mid] < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** lowerBound when the answer is likely near `from`: steps doubling from there, then bisects. */
function gallopTo(array: Int32Array, from: number, end: number, value: number): number {
  if (from >= end || array[from] >= value) return from;
  let step = 1;
  while (from + step < end && array[from + step] < value) step <<= 1;
  return lowerBound(array, from + (step >> 1) + 1, Math.min(from + step, end), value);
}

/** A bounded heap of the best documents seen; its root is the worst kept. */
interface TopHeap {
  docs: Int32Array;
  scores: Float64Array;
  /** 1 where the score is exact, 0 where it is a lower bound. */
  exact: Uint8Array;
  size: number;
  /** How many documents it keeps (its arrays may be longer: heaps are reused across queries). */
  limit: number;
  /**
   * Whether equal scores are ordered by supplierId (the ranking's order). A heap that only bounds
   * the k-th score does without: its root's score is the same either way, and no string is read.
   */
  ties: boolean;
}

/**
 * In-memory inverted index of supplier profiles with BM25F text scoring, CPV and eligibility signals.
 *
 * Scores are a pure function of the set of profiles held (not of the order they arrived in, nor of
 * the history of changes): corpus statistics are integer counts and exact integer sums, averages are
 * rounded to a fixed grid, and a text score is an exact sum of integers, so two workers holding the
 * same profiles return identical scores.
 *
 * Layout: documents get dense integer ids; a replaced or removed profile leaves a tombstone. Terms
 * are the analyser's permanent stem ids. Postings are packed (CSR: one Int32Array of doc ids and one
 * Uint16Array of precomputed impacts, sliced per term) plus short per-term append lists for profiles
 * added since; the terms most documents hold (DENSE_SHARE) keep a dense Uint16Array of impacts by
 * doc id instead. `refresh()` (called by every query) repacks when tombstones or appended postings
 * grow, or when the rounded averages move.
 *
 * A query (rankTop) adds up postings term by term into one dense Int32Array and selects the top k
 * with bounded heaps (no sort of the corpus). A threshold found early from a small sample, and the
 * CPV bonus, decide which documents can still qualify: usually only those sharing a class or the
 * exact code with the need, so that the rest are never looked at; the terms with the smallest upper
 * bounds are probed for the candidates only (MaxScore). The pruning is exact: a document is left out
 * only when an upper bound of its final score is below a score k documents are known to reach.
 * The few documents whose every term is wanted (the sample scored exactly, the results explained)
 * have them read from the same postings, for a batch of documents at a time (loadBatch).
 */
export class MatchingIndex {
  // Per term (stem id).
  private vocabularyCapacity = 0;
  private documentFrequency = new Int32Array(0);
  private maxImpact = new Uint16Array(0);

  // Documents.
  private docCount = 0;
  private liveCount = 0;
  private readonly docIdOf = new Map<string, number>();
  private supplierIds: string[] = [];
  private alive = new Uint8Array(1024);
  private docLength = new Float64Array(1024);
  private docSegmentStart = new Int32Array(1024);
  private docSegmentCount = new Int32Array(1024);
  private docCpv: PreparedCpvCodes[] = [];
  // Eligibility: regions and certifications are shared by many suppliers, so each distinct pair is
  // one group (checked once per query); the value limit is per document (NaN = none stated).
  private docGroup = new Int32Array(1024);
  private docMaxValue = new Float64Array(1024);

  // Segments (summary, capabilities, each case study) and their distinct terms with weighted tf.
  private segmentCount = 0;
  private segmentEntryStart = new Int32Array(4096);
  private segmentEntryCount = new Int32Array(4096);
  private segmentKind = new Uint8Array(4096);
  private segmentLength = new Float64Array(4096);
  private entryCount = 0;
  private entryTerm = new Int32Array(65536);
  private entryTf = new Uint16Array(65536);

  // Corpus totals over live documents: integers, so sums are exact in any order.
  private totalDocLength = 0;
  private totalCaseStudyLength = 0;
  private caseStudyCount = 0;

  // Normalisation the stored impacts were computed with.
  private appliedAvgDocLength = Number.NaN;
  private appliedAvgCaseStudyLength = Number.NaN;
  private stale = true;

  // Packed postings for terms [0, baseTermCount).
  private baseTermCount = 0;
  private baseStart = new Int32Array(1);
  private baseDocs = new Int32Array(0);
  private baseImpacts = new Uint16Array(0);
  // Dense impacts of the terms held by most documents: denseSlot[term] − 1 indexes denseImpacts
  // (0: the term has posting lists); arrays may be shorter than docCount (0 beyond).
  private denseSlot = new Int32Array(0);
  private denseImpacts: Uint16Array[] = [];
  private densePostings = 0;
  private appendedDense = 0;
  // Postings of documents appended since the last repack.
  private appendedDocs: (number[] | undefined)[] = [];
  private appendedImpacts: (number[] | undefined)[] = [];
  private appendedPostings = 0;

  // CPV postings by cpvPrefixKey: the whole code → docs holding it; a prefix → docs with a code under it.
  private cpvExact = new Map<number, number[]>();
  private cpvPrefix = new Map<number, number[]>();

  // Scratch, reused across calls (the index is single-threaded like the rest of a Node worker).
  private scores = new Int32Array(1024);
  private cpvRanks = new Uint8Array(1024);
  private candidates = new Int32Array(1024);
  private tfScratch = new Float64Array(0);
  // Per term, side by side so that one cache line serves both: [2t] its weighted count in the
  // segment being added (0 outside addSegment), [2t + 1] a stamp (see docStamp, tombstone).
  private termCounts = new Int32Array(0);
  private stampCounter = 0;
  private docStamp = 0;
  private touched = new Int32Array(0);
  private profileImpacts = new Uint16Array(0);
  // The terms of the profile last loaded by loadProfileImpacts.
  private profileTerms = new Int32Array(256);
  private profileTermCount = 0;
  private readonly supplierCpv = new SupplierCpvLookup();
  // Per eligibility group, its slugs in the numbering of packed requirements (see packedSlugBit),
  // computed when that numbering had packedSlugCount() slugs.
  private groupPackedRegions = new Int32Array(64);
  private groupPackedCertifications = new Int32Array(64);
  private groupPackedAt = new Int32Array(64).fill(-1);
  private weightScratch = new Float64Array(256);
  private matchedWeights = new Float64Array(256);
  private matchedImpacts = new Int32Array(256);
  // Output of computeImpacts.
  private impactTerms = new Int32Array(1024);
  private impactValues = new Uint16Array(1024);
  // The current query's terms that can add anything (see rankTop), in its order: term id, integer
  // weight, index in the need. What exact scores and explanations read (see loadBatch).
  private activeTerms = new Int32Array(256);
  private activeWeights = new Int32Array(256);
  private activeIndexes = new Int32Array(256);
  private activeCount = 0;
  // 1 for the active terms of the threshold sample (see rankTop), whose sum scores hold at first.
  private activeSeed = new Uint8Array(256);
  // A batch of documents, sorted (see loadBatch), their impacts on the active terms (term j's in
  // batchImpacts[j × count …]) and exact raw text scores (batchRaw, by position in batchDocs).
  private batchDocs = new Int32Array(BATCH_DOCS);
  private batchImpacts = new Uint16Array(BATCH_DOCS * 64);
  private batchRaw = new Int32Array(BATCH_DOCS);
  // By doc id: its position in the batch being loaded + 1, else 0 (0 outside loadBatch).
  private batchPositionOf = new Uint16Array(1024);
  // 1 where the batch's document has a code in one of the need's CPV divisions (see markCpvDivisions).
  private batchInDivision = new Uint8Array(BATCH_DOCS);
  // The heap's documents whose exact score is wanted, gathered for loadBatch (see exactHeapThreshold).
  private pendingDocs = new Int32Array(BATCH_DOCS);
  // The best explained terms of one match (see explainTerms): contributions and need indexes, best
  // first; heldIndexes/heldContributions are what the caller found.
  private heldIndexes = new Int32Array(256);
  private heldContributions = new Float64Array(256);
  private bestIndexes = new Int32Array(MAX_EXPLAINED_TERMS);
  private bestContributions = new Float64Array(MAX_EXPLAINED_TERMS);
  // Per query, and restored to all zeros afterwards: documents whose score went from 0 while the
  // sample's terms were added for every document (touchedDocs, see sampleThreshold), documents
  // given a CPV rank (rankDocs, highest rank first).
  private touchedDocs = new Int32Array(1024);
  private touchedCount = 0;
  private rankDocs = new Int32Array(1024);
  private rankDocCount = 0;
  // How many unranked candidates the last narrow kept.
  private narrowedUnranked = 0;

  // Heaps reused by every query (see resetHeap).
  private readonly thresholdHeap = emptyHeap(false);
  private readonly sampleHeap = emptyHeap(false);
  private readonly selectionHeap = emptyHeap(true);
  // Per-query weights and bounds, grown on demand. Sized for long needs from the start: growing
  // first happens in a query that optimised code has not seen, and throws that code away.
  private queryWeights = new Float64Array(256);
  private boundScratch = new Float64Array(256);
  private leftOutScratch = new Uint8Array(256);
  private leftOutBeforeScratch = new Float64Array(256);

  // Per term, three doubles side by side, so that scoring a term reads one cache line: [3t] its idf,
  // [3t + 1] the live count that idf was computed for (−1: its document frequency changed since),
  // and [3t + 2] the impact of the profile being scored by scoreSupplierAgainstNeeds (0 outside).
  private termIdf = new Float64Array(0);

  private readonly groupIdOf = new Map<string, number>();
  private readonly groupIdOfWritten = new Map<string, number>();
  private readonly groups: EligibilityProfile[] = [];
  private groupStamp = new Int32Array(64);
  private groupFailures = new Int32Array(64);
  private queryStamp = 0;
  // Region and certification slugs as bits (the first 31 distinct of each), so that most
  // eligibility checks are two mask operations. A document with a slug beyond those takes the
  // Set-based path. Bit numbers depend on arrival order; outcomes never do.
  private readonly regionBits = new Map<string, number>([[UK_WIDE, 0]]);
  private readonly certificationBits = new Map<string, number>();
  private docRegionMask = new Int32Array(1024);
  private docCertificationMask = new Int32Array(1024);
  private docSlowEligibility = new Uint8Array(1024);
  // The current query's masks (set by beginEligibility).
  private needRegionMask = 0;
  private needCertificationMask = 0;
  private needUnknownCertifications = 0;
  private docMarks = new Int32Array(1024);
  // The current query's eligibility failures by fast-path outcome (see eligibilityOutcome).
  private readonly eligibilityFailures = new Map<number, string[]>();


  /** Number of profiles held. */
  get size(): number {
    return this.liveCount;
  }

  has(supplierId: string): boolean {
    return this.docIdOf.has(supplierId);
  }

  /** The supplierIds held, in no particular order. */
  supplierIdList(): string[] {
    return [...this.docIdOf.keys()];
  }

  stats(): MatchingIndexStats {
    let terms = 0;
    for (let t = 0; t < this.vocabularyCapacity; t++) if (this.documentFrequency[t] > 0) terms++;
    return {
      profiles: this.liveCount,
      tombstones: this.docCount - this.liveCount,
      terms,
      postings: this.baseDocs.length + this.appendedPostings + this.densePostings,
      appendedPostings: this.appendedPostings + this.appendedDense,
      averageDocumentLength: this.liveCount === 0 ? 0 : this.totalDocLength / this.liveCount,
      averageCaseStudyLength: this.caseStudyCount === 0 ? 0 : this.totalCaseStudyLength / this.caseStudyCount,
    };
  }

  /** Adds a profile, or replaces the one with the same supplierId. */
  upsert(profile: SupplierProfileInput): void {
    const previous = this.docIdOf.get(profile.supplierId);
    if (previous !== undefined) this.tombstone(previous);
    const doc = this.appendDocument(profile);
    this.docIdOf.set(profile.supplierId, doc);
    this.liveCount++;
    this.noteAveragesChanged();
    // While stale, the next refresh rebuilds, forgetting every idf.
    if (!this.stale) this.appendPostings(doc);
  }

  /** Adds or replaces many profiles, then refreshes once. */
  upsertMany(profiles: Iterable<SupplierProfileInput>): void {
    for (const profile of profiles) this.upsert(profile);
    this.refresh();
  }

  /** Removes a profile; returns false when it was not held. */
  remove(supplierId: string): boolean {
    const doc = this.docIdOf.get(supplierId);
    if (doc === undefined) return false;
    this.tombstone(doc);
    this.docIdOf.delete(supplierId);
    this.noteAveragesChanged();
    return true;
  }

  /**
   * Brings stored impacts in line with corpus statistics and repacks if worthwhile. Queries call it;
   * a worker may call it after applying a batch of changes to pay the cost outside a query.
   */
  refresh(): void {
    const dead = this.docCount - this.liveCount;
    const deltaLimit = Math.max(COMPACT_MIN_DELTA, COMPACT_DELTA_SHARE * this.baseDocs.length);
    if (
      this.stale ||
      (dead > 0 && dead >= COMPACT_DEAD_SHARE * this.docCount) ||
      this.appendedPostings > deltaLimit
    ) {
      this.rebuild();
    }
  }

  /**
   * The best `k` profiles for a need, by score (one decimal) descending, then supplierId ascending
   * (code-unit order). Every profile is considered, eligible or not. Pass a NeedQuery
   * (prepareNeedQuery) to analyse a need once and query it many times.
   */
  topMatches(need: NeedInput | NeedQuery, k: number): MatchResult[] {
    this.refresh();
    const query = toQuery(need);
    const limit = Math.min(Math.max(0, Math.floor(k)), this.liveCount);
    if (limit === 0) return [];
    this.ensureVocabulary();
    this.beginEligibility(query);
    if (this.queryWeights.length < query.termIds.length) this.queryWeights = new Float64Array(query.termIds.length * 2);
    const weights = this.queryWeights.subarray(0, query.termIds.length);
    const ideal = this.fillTermWeights(query, weights);
    try {
      return this.rankTop(query, weights, ideal, limit);
    } finally {
      this.clearQueryScratch();
    }
  }

  /**
   * Exact top `limit` by MaxScore over term-at-a-time accumulation, aware of the CPV bonus. Every
   * document left out is proven unable to reach a score that `limit` documents are known to have:
   *
   * 1. CPV ranks of the documents sharing at least a class with the need (short posting lists);
   *    groups and divisions only if the threshold leaves them a chance.
   * 2. A threshold from a sample: the few highest-bound terms' lists, then the documents of the
   *    best CPV ranks with the best partial scores are scored exactly, and the k-th of those
   *    bounds the k-th score from below. Most needs are won by suppliers sharing the exact code or
   *    class; against that threshold, unranked documents usually cannot qualify whatever their text
   *    and are never looked at. When the sum of the bounds still gives the broad ranks (or the
   *    unranked) a chance, the highest-bound terms are added to every document one at a time until
   *    each such rank's best sum plus the bounds left rules it out (the deepening).
   * 3. The terms with the smallest upper bounds, together below PREFIX_SHARE of the ideal score (and
   *    below what an unranked document needs, when those can qualify), are left out; every other
   *    list is added in full, except dense terms for the documents of broad CPV ranks that need
   *    more than those terms could give (see denseFrom).
   * 4. Candidates: the ranked documents of the ranks that can qualify (every document, in one
   *    pass, when unranked ones can), whose sum plus the left-out bounds reaches what their rank
   *    needs. A heap of their partial scores raises the threshold as they are found.
   * 5. The left-out terms (and dense terms left out for broad ranks) are probed for the candidates
   *    only, largest bound first, dropping those that can no longer qualify after each; the rest
   *    are selected with a bounded heap.
   */
  private rankTop(query: NeedQuery, weights: Float64Array, ideal: number, limit: number): MatchResult[] {
    const termIds = query.termIds;
    const rankCounts = new Int32Array(RANK_COUNT);
    this.computeRanks(query, CLASS_RANK, RANK_COUNT, rankCounts);
    let rankedFrom = CLASS_RANK;

    // Terms that can add anything, smallest upper bound first.
    const maxImpact = this.maxImpact;
    const denseSlot = this.denseSlot;
    const active: number[] = [];
    for (let i = 0; i < termIds.length; i++) if (weights[i] * maxImpact[termIds[i]] > 0) active.push(i);
    active.sort((a, b) => weights[a] * maxImpact[termIds[a]] - weights[b] * maxImpact[termIds[b]] || a - b);
    const n = active.length;
    this.setActiveTerms(termIds, weights, active);
    // prefix[j]: the most terms active[0 … j−1] together can add to a document's raw score.
    if (this.boundScratch.length < n + 1) this.boundScratch = new Float64Array((n + 1) * 2);
    const prefix = this.boundScratch;
    prefix[0] = 0;
    for (let j = 0; j < n; j++) prefix[j + 1] = prefix[j] + weights[active[j]] * maxImpact[termIds[active[j]]];

    // 2. The sample: the highest-bound terms with posting lists, added for every document.
    // Enough of them to hold SEED_SHARE of the bound and to reach SEED_REACH of the documents
    // (rare terms have the highest bounds but too few documents to sample from).
    const seed: boolean[] = new Array<boolean>(n).fill(false);
    let seedMass = 0;
    let seedReach = 0;
    for (let j = n - 1, taken = 0; j >= 0 && taken < SEED_TERMS_MAX; j--) {
      if (taken >= SEED_TERMS && seedMass >= SEED_SHARE * prefix[n] && seedReach >= SEED_REACH * this.liveCount) break;
      const term = termIds[active[j]];
      if (denseSlot[term] !== 0) continue;
      seed[j] = true;
      taken++;
      seedMass += prefix[j + 1] - prefix[j];
      seedReach += this.documentFrequency[term];
    }
    for (let j = 0; j < n; j++) this.activeSeed[j] = seed[j] ? 1 : 0;
    let seedRank = this.seedRank(rankCounts, SEED_DOCUMENTS_PER_RESULT * limit);
    if (seedRank === 0 && query.cpv.digits.length > 0) {
      this.computeRanks(query, DIVISION_RANK, CLASS_RANK, rankCounts);
      rankedFrom = DIVISION_RANK;
      seedRank = this.seedRank(rankCounts, SEED_DOCUMENTS_PER_RESULT * limit);
    }
    // Unranked documents are tracked only when they are the sample.
    for (let j = 0; j < n; j++) {
      if (seed[j]) this.accumulate(termIds[active[j]], weights[active[j]], seedRank === 0 ? ALL_DOCUMENTS : ALL_UNLISTED);
    }
    const heap = this.resetHeap(this.thresholdHeap, limit);
    let threshold = this.sampleThreshold(query, ideal, heap, seedRank, rankCounts);

    // 3. What each rank needs, and the terms left out.
    const needed = new Float64Array(RANK_COUNT);
    this.fillNeeded(needed, threshold, ideal);
    let lowestRank = 0;
    while (lowestRank < RANK_COUNT && needed[lowestRank] > prefix[n]) lowestRank++;
    if (lowestRank < rankedFrom) {
      this.computeRanks(query, Math.max(lowestRank, DIVISION_RANK), rankedFrom, rankCounts);
      rankedFrom = lowestRank;
    }
    // Every term's bound at once is loose: no document holds each term at its highest impact. The
    // sample's sums are exact over the seed terms, so per rank, the best of them plus the bounds of
    // the other terms bounds every document of that rank; a rank that cannot reach what it needs is
    // left out like those below it. Worth a pass over the seed lists only when the ranks at stake
    // are the broad ones, which hold the most documents (and the unranked, the costliest).
    // Deepening: while a broad rank stays in, the next highest-bound list term is added to every
    // document (as it would be anyway for these ranks), keeping each rank's best sum. A long need's
    // bound sums dozens of terms that no one document holds together: the best sums grow far more
    // slowly than the bound left shrinks, and on the slowest needs the unranked documents, then the
    // divisions and groups, drop out after one to a few dozen terms (their best text reached
    // 0.41–0.57 of the 0.76–0.84 they needed).
    if (lowestRank < CLASS_RANK) {
      const best = this.seedBestByRank(termIds, active, seed);
      let next = n - 1;
      for (let deepened = 0; ; deepened++) {
        while (lowestRank < RANK_COUNT && needed[lowestRank] > best[lowestRank] + prefix[n] - seedMass) lowestRank++;
        if (lowestRank >= CLASS_RANK || deepened >= DEEPEN_TERMS_MAX) break;
        while (next >= 0 && (seed[next] || denseSlot[termIds[active[next]]] !== 0)) next--;
        // Not into the smallest bounds: those are left out for the ranked documents and probed.
        if (next < 0 || prefix[next + 1] < PREFIX_SHARE * ideal) break;
        this.accumulate(termIds[active[next]], weights[active[next]], ALL_UNLISTED, best);
        seed[next] = true;
        seedMass += prefix[next + 1] - prefix[next];
      }
    }
    const unranked = lowestRank === 0;
    const bound = (j: number): number => prefix[j + 1] - prefix[j];
    // Ranked documents are all visited, so their left-out terms (the smallest bounds) are bounded
    // only to keep the candidates few.
    let cutRanked = 0;
    while (cutRanked < n && !seed[cutRanked] && prefix[cutRanked + 1] < PREFIX_SHARE * ideal) cutRanked++;
    // Unranked documents are all visited too (one pass over every document), so the terms left out
    // for them are bounded to keep the candidates few: below what they need, with a margin, the
    // smallest bounds, then dense terms (one read each to probe, a pass over every document to add).
    if (this.leftOutScratch.length < n + 1) {
      this.leftOutScratch = new Uint8Array((n + 1) * 2);
      this.leftOutBeforeScratch = new Float64Array((n + 1) * 2);
    }
    const leftOutUnranked = this.leftOutScratch;
    leftOutUnranked.fill(0, 0, n);
    let unrankedBound = 0;
    if (unranked) {
      const margin = Math.min(needed[0], Math.max(PREFIX_SHARE * ideal, UNRANKED_PREFIX_SHARE * needed[0]));
      for (let j = 0; j < n && !seed[j] && unrankedBound + bound(j) < margin; j++) {
        leftOutUnranked[j] = 1;
        unrankedBound += bound(j);
      }
      const denseMargin = Math.min(needed[0], Math.max(margin, UNRANKED_DENSE_SHARE * needed[0]));
      for (let j = 0; j < n; j++) {
        if (leftOutUnranked[j] === 1 || seed[j] || denseSlot[termIds[active[j]]] === 0) continue;
        if (unrankedBound + bound(j) >= denseMargin) continue;
        leftOutUnranked[j] = 1;
        unrankedBound += bound(j);
      }
    }
    // leftOutBefore[j]: the bound of the terms left out for unranked documents among the first j.
    const leftOutBefore = this.leftOutBeforeScratch;
    leftOutBefore[0] = 0;
    for (let j = 0; j < n; j++) leftOutBefore[j + 1] = leftOutBefore[j] + (leftOutUnranked[j] === 1 ? bound(j) : 0);
    const rankedDocs = this.rankedPrefix(rankCounts, lowestRank);
    // Dense terms added for the ranked documents only are gathered and added after the lists, in one
    // pass over the ranked documents of ranks from denseFrom up.
    const rankedDense: Uint16Array[] = [];
    const rankedDenseWeights: number[] = [];
    let rankedDenseBound = 0;
    for (let j = 0; j < n; j++) {
      if (seed[j]) continue;
      const forRanked = j >= cutRanked;
      const forUnranked = unranked && leftOutUnranked[j] === 0;
      if (!forRanked && !forUnranked) continue;
      const mode = forRanked && forUnranked ? ALL_UNLISTED : forRanked ? RANKED_ONLY : UNRANKED_ONLY;
      const term = termIds[active[j]];
      const slot = denseSlot[term];
      if (slot === 0) this.accumulate(term, weights[active[j]], unranked ? mode : ALL_UNLISTED);
      else if (mode === RANKED_ONLY) {
        rankedDense.push(this.denseImpacts[slot - 1]);
        rankedDenseWeights.push(weights[active[j]]);
        rankedDenseBound += bound(j);
      } else this.accumulateDense(this.denseImpacts[slot - 1], weights[active[j]], mode);
    }
    // The broad CPV ranks (group, division) often hold most ranked documents yet need so much that
    // few of them become candidates: the dense terms are left out for the ranks where, with the
    // terms left out already, they stay below RANKED_DENSE_SHARE of what the rank needs, and are
    // probed (one read each) for those ranks' candidates only. denseFrom: the lowest rank they are
    // added for (rankDocs lists the highest ranks first).
    const lowestRanked = Math.max(lowestRank, DIVISION_RANK);
    let denseFrom = lowestRanked;
    while (
      denseFrom < RANK_COUNT &&
      rankedDense.length > 0 &&
      prefix[cutRanked] + rankedDenseBound < RANKED_DENSE_SHARE * needed[denseFrom]
    ) {
      denseFrom++;
    }
    this.accumulateDenseRanked(rankedDense, rankedDenseWeights, this.rankedPrefix(rankCounts, denseFrom));

    // 4. Candidates. When unranked documents can qualify, they are found by a pass over every
    // document: tens of thousands are touched then, and listing them as the lists are added (a
    // test per posting, a second walk of the sample's lists) cost more than one sequential pass,
    // which also gives the candidates in doc-id order for probing.
    const allDocuments = unranked;
    // The heap's documents are marked so that they are not offered twice.
    const mark = ++this.stampCounter;
    for (let i = 0; i < heap.size; i++) this.docMarks[heap.docs[i]] = mark;
    const leftOut = new Float64Array(RANK_COUNT).fill(prefix[cutRanked]);
    for (let rank = lowestRanked; rank < denseFrom; rank++) leftOut[rank] += rankedDenseBound;
    leftOut[0] = unrankedBound;
    let count = this.collectCandidates(query, ideal, heap, mark, needed, leftOut, lowestRank, rankedDocs, allDocuments);
    threshold = this.exactHeapThreshold(query, ideal, heap);
    this.fillNeeded(needed, threshold, ideal);
    const floor = new Float64Array(RANK_COUNT);
    for (let rank = 0; rank < RANK_COUNT; rank++) {
      floor[rank] = rank < lowestRank ? Number.POSITIVE_INFINITY : needed[rank] - leftOut[rank];
    }
    count = this.narrow(count, floor);
    // Probing needs doc-id order; only a pass over every document gives it already.
    if (!allDocuments) this.candidates.subarray(0, count).sort();
    if (denseFrom > lowestRanked && count > 0) {
      this.probeDenseBelow(rankedDense, rankedDenseWeights, count, denseFrom);
      for (let rank = lowestRanked; rank < denseFrom; rank++) floor[rank] = needed[rank] - prefix[cutRanked];
      count = this.narrow(count, floor);
    }

    // 5. Probe the left-out terms for the candidates, largest bound first. The unranked documents
    // often all drop out before their terms are probed: a term left out for them alone is then
    // skipped rather than read for nothing.
    let unrankedLeft = unranked ? this.narrowedUnranked : 0;
    for (let j = n - 1; j >= 0 && count > 0; j--) {
      const forRanked = j < cutRanked;
      const forUnranked = leftOutUnranked[j] === 1 && unrankedLeft > 0;
      if (!forRanked && !forUnranked) continue;
      // With no unranked candidate left, a term probed for the ranked ones is for every candidate,
      // which spares probe a look at each candidate's rank.
      this.probe(termIds[active[j]], weights[active[j]], count, forRanked, forUnranked || unrankedLeft === 0);
      for (let rank = lowestRank; rank < RANK_COUNT; rank++) {
        floor[rank] = needed[rank] - (rank === 0 ? leftOutBefore[j] : prefix[Math.min(j, cutRanked)]);
      }
      count = this.narrow(count, floor);
      if (unrankedLeft > 0) unrankedLeft = this.narrowedUnranked;
    }

    const top = this.selectTop(query, ideal, limit, count);
    // Best first, by heapsort: the heap orders by score, then supplierId (ties), as the results are;
    // moving its worst to the end until it is empty leaves the best first.
    const size = top.size;
    for (let end = size - 1; end > 0; end--) {
      const worst = top.docs[0];
      const worstScore = top.scores[0];
      top.docs[0] = top.docs[end];
      top.scores[0] = top.scores[end];
      top.docs[end] = worst;
      top.scores[end] = worstScore;
      top.size = end;
      this.siftDown(top, 0);
    }
    top.size = size;
    // Explained in batches (see loadBatch); a candidate's sum is its exact raw score by now.
    this.eligibilityFailures.clear();
    const results: MatchResult[] = [];
    for (let start = 0; start < size; start += BATCH_DOCS) {
      const batch = Math.min(BATCH_DOCS, size - start);
      this.loadBatch(top.docs, start, batch, false);
      this.markCpvDivisions(query, batch);
      for (let i = start; i < start + batch; i++) {
        const doc = top.docs[i];
        results.push(this.describe(query, weights, ideal, doc, this.scores[doc], batch));
      }
    }
    return results;
  }

  /** Lists the query's active terms (indexes into the need, see rankTop) for loadBatch and describe. */
  private setActiveTerms(termIds: Int32Array, weights: Float64Array, active: readonly number[]): void {
    const n = active.length;
    if (this.activeTerms.length < n) {
      this.activeTerms = new Int32Array(n * 2);
      this.activeWeights = new Int32Array(n * 2);
      this.activeIndexes = new Int32Array(n * 2);
      this.activeSeed = new Uint8Array(n * 2);
    }
    for (let j = 0; j < n; j++) {
      const index = active[j];
      this.activeTerms[j] = termIds[index];
      this.activeWeights[j] = weights[index];
      this.activeIndexes[j] = index;
    }
    this.activeCount = n;
  }

  /**
   * Scores one held profile against many needs (e.g. every open need after the profile changed).
   * Gives exactly the scores `topMatches` gives for the same pairs. Results are in the order of
   * `needs`; an unknown supplier gives an empty list. Prepare each need once with prepareNeedQuery.
   */
  scoreSupplierAgainstNeeds(
    supplierId: string,
    needs: readonly NeedQuery[],
    options?: ScoreSupplierOptions,
  ): NeedMatchResult[] {
    this.refresh();
    const doc = this.docIdOf.get(supplierId);
    if (doc === undefined) return [];
    const minScore = options?.minScore ?? 0;
    const keep = options?.keep;
    this.ensureVocabulary();
    // Nothing below allocates until a need is kept: a garbage collection could start otherwise.
    const impacts = this.loadProfileImpacts(doc);
    const supplierCpv = this.supplierCpv;
    supplierCpv.reset(this.docCpv[doc]);
    // The profile's impacts beside the idfs (see termIdf): one cache line per term in the loop below.
    const termTable = this.termIdf;
    const liveCount = this.liveCount;
    const profileTerms = this.profileTerms;
    const profileTermCount = this.profileTermCount;
    for (let i = 0; i < profileTermCount; i++) termTable[3 * profileTerms[i] + 2] = impacts[profileTerms[i]];
    // The supplier's slugs in the numbering of packed requirements (bit 0 of regions: uk-wide).
    const group = this.docGroup[doc];
    this.updatePackedGroupBits(group);
    const supplierRegions = this.groupPackedRegions[group];
    const supplierCertifications = this.groupPackedCertifications[group];
    const maxValue = this.docMaxValue[doc];
    const maxContractValue = Number.isNaN(maxValue) ? null : maxValue;
    let eligibilityProfile: EligibilityProfile | null = null;
    const results: NeedMatchResult[] = [];
    try {
      for (let position = 0; position < needs.length; position++) {
        const query = needs[position];
        // The packed form (see NeedQuery.packed): count, divisions, weights, term ids.
        const packed = query.packed;
        const at = query.packedAt;
        const count = packed[at];
        const weightsAt = at + PACKED_HEADER;
        const idsAt = weightsAt + count;
        if (this.matchedWeights.length < count) {
          this.matchedWeights = new Float64Array(count * 2);
          this.matchedImpacts = new Int32Array(count * 2);
          this.weightScratch = new Float64Array(count * 2);
        }
        const matchedWeights = this.matchedWeights;
        const matchedImpacts = this.matchedImpacts;
        // fillTermWeights fused with the text score, rounding only the weights of the terms the
        // profile holds: this loop runs for every open need.
        let sum = 0;
        let held = 0;
        for (let i = 0; i < count; i++) {
          const term = packed[idsAt + i] | 0;
          const at3 = 3 * term;
          const idf = termTable[at3 + 1] === liveCount ? termTable[at3] : this.idf(term);
          const weight = packed[weightsAt + i] * idf;
          sum += weight;
          const impact = termTable[at3 + 2];
          if (impact !== 0) {
            matchedWeights[held] = weight;
            matchedImpacts[held++] = impact;
          }
        }
        const scale = weightScale(sum, count);
        const ideal = Math.round(sum * scale) * IMPACT_SCALE;
        let raw = 0;
        for (let m = 0; m < held; m++) raw += Math.round(matchedWeights[m] * scale) * matchedImpacts[m];
        const text = raw === 0 ? 0 : textComponent(raw / ideal);
        const cpv = CPV_SCORE_BY_RANK[supplierCpv.rankFor(packed, at + PACKED.divisions, idsAt + count)];
        let eligibility: number;
        if (packed[at + PACKED.unpackedSlugs] === 0) {
          // eligibilityScore on the packed requirements: the same counts, the same division.
          let failed = (supplierRegions & 1) !== 0 || (packed[at + PACKED.regionBits] & supplierRegions) !== 0 ? 0 : 1;
          failed += bitCount(packed[at + PACKED.certificationBits] & ~supplierCertifications);
          let applicable = packed[at + PACKED.certificationCount] + 1;
          const budgetMin = packed[at + PACKED.budgetMin];
          if (budgetMin === budgetMin && maxContractValue !== null) {
            applicable++;
            if (maxContractValue < budgetMin) failed++;
          }
          eligibility = eligibilityFraction(applicable, failed);
        } else {
          eligibilityProfile ??= this.eligibilityProfileOf(doc);
          eligibility = eligibilityScore(query.eligibility, eligibilityProfile);
        }
        const score = roundScore(combineComponents(text, cpv, eligibility));
        if (score < minScore || (keep !== undefined && !keep(query.needId, score, position))) continue;
        const cpvComparison = compareCpvCodes(query.cpv, this.docCpv[doc]);
        eligibilityProfile ??= this.eligibilityProfileOf(doc);
        const outcome = checkEligibility(query.eligibility, eligibilityProfile);
        const termIds = query.termIds;
        const weights = this.weightScratch;
        for (let i = 0; i < count; i++) weights[i] = Math.round(query.weights[i] * this.idf(termIds[i]) * scale);
        results.push({
          needId: query.needId,
          supplierId,
          score,
          components: { text: roundComponent(text), cpv, eligibility: roundComponent(eligibility) },
          explanation: {
            matchedTerms: this.explainTerms(query, this.holdContributions(termIds, weights, impacts), raw, text),
            cpvMatches: cpvComparison.matches,
            failedRequirements: outcome.failedRequirements,
          },
        });
      }
    } finally {
      for (let i = 0; i < profileTermCount; i++) termTable[3 * profileTerms[i] + 2] = 0;
      this.clearProfileImpacts();
    }
    return results;
  }

  /**
   * What a worker does when a profile changes: upserts it, then scores it against the needs
   * (prepare open needs once with prepareNeedQuery; raw NeedInputs are analysed on the fly).
   */
  scoreProfileAgainstNeeds(
    profile: SupplierProfileInput,
    needs: readonly (NeedInput | NeedQuery)[],
    options?: ScoreSupplierOptions,
  ): NeedMatchResult[] {
    this.upsert(profile);
    return this.scoreSupplierAgainstNeeds(profile.supplierId, needs.map(toQuery), options);
  }

  /** The match of one held profile against one need, or null when the profile is not held. */
  scorePair(need: NeedInput | NeedQuery, supplierId: string): MatchResult | null {
    const [result] = this.scoreSupplierAgainstNeeds(supplierId, [toQuery(need)]);
    if (result === undefined) return null;
    const { needId: _needId, ...match } = result;
    return match;
  }

  // ---- documents -------------------------------------------------------------------------------

  /**
   * Grows every per-term array to hold every stem id handed out so far (needs' terms included:
   * prepareNeedQuery registers them).
   */
  private ensureVocabulary(): void {
    const needed = stemCount();
    if (needed <= this.vocabularyCapacity) return;
    const size = Math.max(needed, this.vocabularyCapacity * 2, 1024);
    this.vocabularyCapacity = size;
    this.documentFrequency = growInt32(this.documentFrequency, size);
    this.maxImpact = growUint16(this.maxImpact, size);
    this.tfScratch = growFloat64(this.tfScratch, size);
    this.termCounts = growInt32(this.termCounts, size * 2);
    this.touched = growInt32(this.touched, size);
    this.profileImpacts = growUint16(this.profileImpacts, size);
    this.denseSlot = growInt32(this.denseSlot, size);
    const known = this.termIdf.length / 3;
    this.termIdf = growFloat64(this.termIdf, size * 3);
    for (let t = known; t < size; t++) this.termIdf[3 * t + 1] = -1;
  }

  /** Grows every per-document array to hold `capacity` documents (doubling, like each grow). */
  private growDocuments(capacity: number): void {
    this.alive = growUint8(this.alive, capacity);
    this.docLength = growFloat64(this.docLength, capacity);
    this.docSegmentStart = growInt32(this.docSegmentStart, capacity);
    this.docSegmentCount = growInt32(this.docSegmentCount, capacity);
    this.scores = growInt32(this.scores, capacity);
    this.cpvRanks = growUint8(this.cpvRanks, capacity);
    this.candidates = growInt32(this.candidates, capacity);
    this.docGroup = growInt32(this.docGroup, capacity);
    this.docRegionMask = growInt32(this.docRegionMask, capacity);
    this.docCertificationMask = growInt32(this.docCertificationMask, capacity);
    this.docSlowEligibility = growUint8(this.docSlowEligibility, capacity);
    this.docMaxValue = growFloat64(this.docMaxValue, capacity);
    this.touchedDocs = growInt32(this.touchedDocs, capacity);
    this.rankDocs = growInt32(this.rankDocs, capacity);
    this.docMarks = growInt32(this.docMarks, capacity);
    this.batchPositionOf = growUint16(this.batchPositionOf, capacity);
  }

  private appendDocument(profile: SupplierProfileInput): number {
    const doc = this.docCount++;
    if (doc >= this.alive.length) this.growDocuments(doc + 1);

    this.alive[doc] = 1;
    this.supplierIds[doc] = profile.supplierId;

    const P = BM25F_PARAMS;
    this.docSegmentStart[doc] = this.segmentCount;
    // Document frequency counts each distinct term once per document: segments mark what they saw.
    this.docStamp = ++this.stampCounter;
    let length = 0;
    length += this.addSegment(SEGMENT_SUMMARY, profile.summary, P.summaryWeight, '', 0);
    // One analysis call for all capabilities: a sentence break keeps phrases apart.
    length += this.addSegment(SEGMENT_CAPABILITIES, profile.capabilities.join(' .\n'), P.capabilityWeight, '', 0);
    for (const caseStudy of profile.caseStudies) {
      const caseStudyLength = this.addSegment(
        SEGMENT_CASE_STUDY,
        caseStudy.title,
        P.caseStudyTitleWeight,
        caseStudy.description,
        P.caseStudyDescriptionWeight,
      );
      if (caseStudyLength > 0) {
        this.totalCaseStudyLength += caseStudyLength;
        this.caseStudyCount++;
      }
      length += caseStudyLength;
    }
    this.docSegmentCount[doc] = this.segmentCount - this.docSegmentStart[doc];
    this.docLength[doc] = length;
    this.totalDocLength += length;

    this.docCpv[doc] = prepareCpvCodes(profile.cpvCodes);
    const group = this.internEligibilityGroup(profile);
    this.docGroup[doc] = group;
    const regions = this.slugMask(this.groups[group].regions, this.regionBits, true);
    const certifications = this.slugMask(this.groups[group].certifications, this.certificationBits, true);
    this.docRegionMask[doc] = regions.mask;
    this.docCertificationMask[doc] = certifications.mask;
    this.docSlowEligibility[doc] = regions.unknown + certifications.unknown > 0 ? 1 : 0;
    this.docMaxValue[doc] = profile.maxContractValue === null ? Number.NaN : profile.maxContractValue;
    this.indexCpv(doc);
    return doc;
  }

  private internEligibilityGroup(profile: SupplierProfileInput): number {
    // Most profiles repeat a combination seen before, as written: their key as written finds the
    // group without normalising. JSON keeps any two lists apart and, unlike a string built by
    // concatenation, is one flat string (a kept key costs its characters, not a tree of pieces).
    const written = JSON.stringify([profile.regions, profile.certifications]);
    const known = this.groupIdOfWritten.get(written);
    if (known !== undefined) return known;
    const group = this.internNormalisedGroup(profile);
    if (this.groupIdOfWritten.size < MAX_WRITTEN_GROUP_KEYS) this.groupIdOfWritten.set(written, group);
    return group;
  }

  private internNormalisedGroup(profile: SupplierProfileInput): number {
    // The key from normalised, sorted slugs; the Sets are built once per distinct group.
    const regions = normaliseSlugs(profile.regions).sort();
    const certifications = normaliseSlugs(profile.certifications).sort();
    const key = `${regions.join(',')}|${certifications.join(',')}`;
    let group = this.groupIdOf.get(key);
    if (group === undefined) {
      group = this.groups.length;
      this.groups.push(prepareEligibilityProfile({ regions, certifications, maxContractValue: null }));
      this.groupIdOf.set(key, group);
      this.groupStamp = growInt32(this.groupStamp, group + 1);
      this.groupFailures = growInt32(this.groupFailures, group + 1);
    }
    return group;
  }

  /** Brings a group's regions and certifications as bits of packed requirements up to date. */
  private updatePackedGroupBits(group: number): void {
    const version = packedSlugCount();
    if (this.groupPackedAt.length <= group) {
      this.groupPackedRegions = growInt32(this.groupPackedRegions, group + 1);
      this.groupPackedCertifications = growInt32(this.groupPackedCertifications, group + 1);
      const known = this.groupPackedAt.length;
      this.groupPackedAt = growInt32(this.groupPackedAt, group + 1);
      this.groupPackedAt.fill(-1, known);
    }
    if (this.groupPackedAt[group] !== version) {
      const profile = this.groups[group];
      let regions = 0;
      for (const region of profile.regions) {
        const bit = packedSlugBit('region', region, false);
        if (bit >= 0) regions |= 1 << bit;
      }
      let certifications = 0;
      for (const certification of profile.certifications) {
        const bit = packedSlugBit('certification', certification, false);
        if (bit >= 0) certifications |= 1 << bit;
      }
      this.groupPackedRegions[group] = regions;
      this.groupPackedCertifications[group] = certifications;
      this.groupPackedAt[group] = version;
    }
  }

  private eligibilityProfileOf(doc: number): EligibilityProfile {
    const maxValue = this.docMaxValue[doc];
    return { ...this.groups[this.docGroup[doc]], maxContractValue: Number.isNaN(maxValue) ? null : maxValue };
  }

  /** The bits of the slugs that have one (assigning new bits when `assign`), and how many had none. */
  private slugMask(
    slugs: Iterable<string>,
    bits: Map<string, number>,
    assign: boolean,
  ): { mask: number; unknown: number } {
    let mask = 0;
    let unknown = 0;
    for (const slug of slugs) {
      let bit = bits.get(slug);
      if (bit === undefined && assign && bits.size < 31) {
        bit = bits.size;
        bits.set(slug, bit);
      }
      if (bit === undefined) unknown++;
      else mask |= 1 << bit;
    }
    return { mask, unknown };
  }

  /** Prepares the masks of a need's eligibility requirements for eligibilityScore. */
  private beginEligibility(query: NeedQuery): void {
    this.queryStamp++;
    const requirements = query.eligibility;
    // A need region without a bit is held by no fast-path document: leaving it out is exact.
    this.needRegionMask = this.slugMask(requirements.regions, this.regionBits, false).mask;
    const certifications = this.slugMask(requirements.requiredCertifications, this.certificationBits, false);
    this.needCertificationMask = certifications.mask;
    // Likewise a certification without a bit: every fast-path document lacks it.
    this.needUnknownCertifications = certifications.unknown;
  }

  /**
   * checkEligibility(...).score without building sentences (call beginEligibility first): same
   * integer counts, same division, so the same number.
   */
  private eligibilityScore(query: NeedQuery, doc: number): number {
    const requirements = query.eligibility;
    let failed: number;
    if (this.docSlowEligibility[doc] === 0) {
      failed = this.needUnknownCertifications + bitCount(this.needCertificationMask & ~this.docCertificationMask[doc]);
      if ((this.docRegionMask[doc] & (this.needRegionMask | 1)) === 0) failed++;
    } else {
      const group = this.docGroup[doc];
      if (this.groupStamp[group] !== this.queryStamp) {
        const profile = this.groups[group];
        let groupFailed = servesRegion(profile.regions, requirements.regions) ? 0 : 1;
        for (const certification of requirements.requiredCertifications) {
          if (!profile.certifications.has(certification)) groupFailed++;
        }
        this.groupStamp[group] = this.queryStamp;
        this.groupFailures[group] = groupFailed;
      }
      failed = this.groupFailures[group];
    }
    let applicable = requirements.requiredCertifications.length + 1;
    const maxValue = this.docMaxValue[doc];
    if (requirements.budgetMin !== null && !Number.isNaN(maxValue)) {
      applicable++;
      if (maxValue < requirements.budgetMin) failed++;
    }
    return eligibilityFraction(applicable, failed);
  }

  /** Adds one segment from up to two weighted texts; returns its weighted length (0 adds nothing). */
  private addSegment(kind: number, text: string, weight: number, secondText: string, secondWeight: number): number {
    let touchedCount = 0;
    let length = 0;
    for (let pass = 0; pass < 2; pass++) {
      const source = pass === 0 ? text : secondText;
      const sourceWeight = pass === 0 ? weight : secondWeight;
      if (source.length === 0 || sourceWeight === 0) continue;
      const run = analyseToStemIds(source);
      this.ensureVocabulary();
      const ids = run.ids;
      const counts = this.termCounts;
      const touched = this.touched;
      const df = this.documentFrequency;
      const stamp = this.docStamp;
      const w = sourceWeight | 0;
      for (let i = 0; i < run.count; i++) {
        const term = ids[i];
        const at = term << 1;
        const count = counts[at];
        if (count === 0) {
          touched[touchedCount++] = term;
          if (counts[at + 1] !== stamp) {
            counts[at + 1] = stamp;
            df[term]++;
          }
        }
        counts[at] = count + w;
      }
      length += sourceWeight * run.count;
    }
    if (touchedCount === 0) return 0;
    const segment = this.segmentCount++;
    this.segmentEntryStart = growInt32(this.segmentEntryStart, segment + 1);
    this.segmentEntryCount = growInt32(this.segmentEntryCount, segment + 1);
    this.segmentKind = growUint8(this.segmentKind, segment + 1);
    this.segmentLength = growFloat64(this.segmentLength, segment + 1);
    const start = this.entryCount;
    this.entryTerm = growInt32(this.entryTerm, start + touchedCount);
    this.entryTf = growUint16(this.entryTf, start + touchedCount);
    const counts = this.termCounts;
    const entryTerm = this.entryTerm;
    const entryTf = this.entryTf;
    const touched = this.touched;
    for (let i = 0; i < touchedCount; i++) {
      const term = touched[i];
      entryTerm[start + i] = term;
      entryTf[start + i] = Math.min(counts[term << 1], 65535);
      counts[term << 1] = 0;
    }
    this.entryCount = start + touchedCount;
    this.segmentEntryStart[segment] = start;
    this.segmentEntryCount[segment] = touchedCount;
    this.segmentKind[segment] = kind;
    this.segmentLength[segment] = length;
    return length;
  }

  private tombstone(doc: number): void {
    if (this.alive[doc] === 0) return;
    this.alive[doc] = 0;
    this.liveCount--;
    this.totalDocLength -= this.docLength[doc];
    const stamp = ++this.stampCounter;
    const firstSegment = this.docSegmentStart[doc];
    const end = firstSegment + this.docSegmentCount[doc];
    for (let segment = firstSegment; segment < end; segment++) {
      if (this.segmentKind[segment] === SEGMENT_CASE_STUDY) {
        this.totalCaseStudyLength -= this.segmentLength[segment];
        this.caseStudyCount--;
      }
      const start = this.segmentEntryStart[segment];
      const stop = start + this.segmentEntryCount[segment];
      for (let e = start; e < stop; e++) {
        const term = this.entryTerm[e];
        if (this.termCounts[(term << 1) + 1] !== stamp) {
          this.termCounts[(term << 1) + 1] = stamp;
          this.documentFrequency[term]--;
          this.termIdf[3 * term + 1] = -1;
        }
      }
    }
  }

  private indexCpv(doc: number): void {
    for (const digits of this.docCpv[doc].digits) {
      const key = cpvPrefixKey(digits, digits.length);
      let exact = this.cpvExact.get(key);
      if (exact === undefined) this.cpvExact.set(key, (exact = []));
      exact.push(doc);
      for (let length = 2; length <= digits.length; length++) {
        const prefix = cpvPrefixKey(digits, length);
        let list = this.cpvPrefix.get(prefix);
        if (list === undefined) this.cpvPrefix.set(prefix, (list = []));
        // Documents are indexed in increasing order: another code of this one under the same
        // prefix has just added it.
        if (list.length === 0 || list[list.length - 1] !== doc) list.push(doc);
      }
    }
  }

  // ---- BM25F impacts ---------------------------------------------------------------------------

  private currentAverages(): [number, number] {
    const avgDoc = quantiseAverage(this.liveCount === 0 ? 0 : this.totalDocLength / this.liveCount);
    const avgCase = quantiseAverage(this.caseStudyCount === 0 ? 0 : this.totalCaseStudyLength / this.caseStudyCount);
    return [avgDoc, avgCase];
  }

  private noteAveragesChanged(): void {
    if (this.stale) return;
    const [avgDoc, avgCase] = this.currentAverages();
    if (avgDoc !== this.appliedAvgDocLength || avgCase !== this.appliedAvgCaseStudyLength) this.stale = true;
  }

  /**
   * Computes the impact of every distinct term of `doc` with the applied averages into
   * impactTerms/impactValues (integer impacts, 1…IMPACT_SCALE) and returns how many. The one
   * definition of an impact: postings (which queries also read for exact scores and explanations,
   * see loadBatch) and profile scoring use it.
   */
  private computeImpacts(doc: number): number {
    const P = BM25F_PARAMS;
    const tf = this.tfScratch;
    const touched = this.touched;
    const entryTerm = this.entryTerm;
    const entryTf = this.entryTf;
    let touchedCount = 0;
    const firstSegment = this.docSegmentStart[doc];
    const end = firstSegment + this.docSegmentCount[doc];
    const avgCase = this.appliedAvgCaseStudyLength;
    for (let segment = firstSegment; segment < end; segment++) {
      const norm =
        this.segmentKind[segment] === SEGMENT_CASE_STUDY
          ? 1 - P.bCaseStudy + (P.bCaseStudy * this.segmentLength[segment]) / avgCase
          : 1;
      const start = this.segmentEntryStart[segment];
      const stop = start + this.segmentEntryCount[segment];
      for (let e = start; e < stop; e++) {
        const term = entryTerm[e];
        if (tf[term] === 0) touched[touchedCount++] = term;
        tf[term] += entryTf[e] / norm;
      }
    }
    const saturation = P.k1 * (1 - P.bDocument + (P.bDocument * this.docLength[doc]) / this.appliedAvgDocLength);
    if (this.impactTerms.length < touchedCount) {
      this.impactTerms = new Int32Array(touchedCount * 2);
      this.impactValues = new Uint16Array(touchedCount * 2);
    }
    const terms = this.impactTerms;
    const values = this.impactValues;
    for (let i = 0; i < touchedCount; i++) {
      const term = touched[i];
      const x = tf[term];
      tf[term] = 0;
      terms[i] = term;
      values[i] = Math.max(1, Math.round((x / (x + saturation)) * IMPACT_SCALE));
    }
    return touchedCount;
  }

  private appendPostings(doc: number): void {
    const count = this.computeImpacts(doc);
    for (let i = 0; i < count; i++) {
      const term = this.impactTerms[i];
      const impact = this.impactValues[i];
      // Its document frequency has just changed.
      this.termIdf[3 * term + 1] = -1;
      if (impact > this.maxImpact[term]) this.maxImpact[term] = impact;
      const slot = this.denseSlot[term];
      if (slot !== 0) {
        let dense = this.denseImpacts[slot - 1];
        if (dense.length <= doc) {
          const grown = new Uint16Array(Math.max(doc + 1, dense.length * 2));
          grown.set(dense);
          dense = this.denseImpacts[slot - 1] = grown;
        }
        dense[doc] = impact;
        this.densePostings++;
        this.appendedDense++;
        continue;
      }
      let docs = this.appendedDocs[term];
      let impacts = this.appendedImpacts[term];
      if (docs === undefined || impacts === undefined) {
        docs = this.appendedDocs[term] = [];
        impacts = this.appendedImpacts[term] = [];
      }
      docs.push(doc);
      impacts.push(impact);
      this.appendedPostings++;
    }
  }

  /** Drops tombstones, renumbers documents densely in their current order, and repacks postings. */
  private rebuild(): void {
    if (this.docCount !== this.liveCount) this.compactDocuments();
    this.ensureVocabulary();
    [this.appliedAvgDocLength, this.appliedAvgCaseStudyLength] = this.currentAverages();
    this.stale = false;
    // Document frequencies changed without notice while stale.
    for (let at = 1; at < this.termIdf.length; at += 3) this.termIdf[at] = -1;

    const termCount = this.vocabularyCapacity;
    const df = this.documentFrequency;
    const denseSlot = this.denseSlot;
    denseSlot.fill(0);
    const dense: Uint16Array[] = [];
    const denseMin = Math.max(DENSE_MIN_DOCS, Math.ceil(DENSE_SHARE * this.docCount));
    const start = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) {
      if (df[t] >= denseMin) {
        dense.push(new Uint16Array(this.docCount));
        denseSlot[t] = dense.length;
        start[t + 1] = start[t];
      } else {
        start[t + 1] = start[t] + df[t];
      }
    }
    const total = start[termCount];
    const docs = new Int32Array(total);
    const impacts = new Uint16Array(total);
    const cursor = start.slice(0, termCount);
    const maxImpact = this.maxImpact;
    maxImpact.fill(0);
    let densePostings = 0;
    for (let doc = 0; doc < this.docCount; doc++) {
      const count = this.computeImpacts(doc);
      const terms = this.impactTerms;
      const values = this.impactValues;
      for (let i = 0; i < count; i++) {
        const term = terms[i];
        const impact = values[i];
        if (impact > maxImpact[term]) maxImpact[term] = impact;
        const slot = denseSlot[term];
        if (slot !== 0) {
          dense[slot - 1][doc] = impact;
          densePostings++;
        } else {
          const at = cursor[term]++;
          docs[at] = doc;
          impacts[at] = impact;
        }
      }
    }
    this.denseImpacts = dense;
    this.densePostings = densePostings;
    this.appendedDense = 0;
    this.baseTermCount = termCount;
    this.baseStart = start;
    this.baseDocs = docs;
    this.baseImpacts = impacts;
    this.appendedDocs = [];
    this.appendedImpacts = [];
    this.appendedPostings = 0;
  }

  private compactDocuments(): void {
    const oldCount = this.docCount;
    let next = 0;
    let nextSegment = 0;
    let nextEntry = 0;
    for (let doc = 0; doc < oldCount; doc++) {
      if (this.alive[doc] === 0) continue;
      const firstSegment = this.docSegmentStart[doc];
      const segments = this.docSegmentCount[doc];
      this.docSegmentStart[next] = nextSegment;
      for (let s = firstSegment; s < firstSegment + segments; s++) {
        const entryStart = this.segmentEntryStart[s];
        const entries = this.segmentEntryCount[s];
        // Moving left only (next ≤ doc), so copying in place is safe.
        this.entryTerm.copyWithin(nextEntry, entryStart, entryStart + entries);
        this.entryTf.copyWithin(nextEntry, entryStart, entryStart + entries);
        this.segmentEntryStart[nextSegment] = nextEntry;
        this.segmentEntryCount[nextSegment] = entries;
        this.segmentKind[nextSegment] = this.segmentKind[s];
        this.segmentLength[nextSegment] = this.segmentLength[s];
        nextSegment++;
        nextEntry += entries;
      }
      this.docSegmentCount[next] = segments;
      this.docLength[next] = this.docLength[doc];
      this.alive[next] = 1;
      this.supplierIds[next] = this.supplierIds[doc];
      this.docCpv[next] = this.docCpv[doc];
      this.docGroup[next] = this.docGroup[doc];
      this.docRegionMask[next] = this.docRegionMask[doc];
      this.docCertificationMask[next] = this.docCertificationMask[doc];
      this.docSlowEligibility[next] = this.docSlowEligibility[doc];
      this.docMaxValue[next] = this.docMaxValue[doc];
      this.docIdOf.set(this.supplierIds[doc], next);
      next++;
    }
    this.alive.fill(0, next, oldCount);
    this.supplierIds.length = next;
    this.docCpv.length = next;
    this.docCount = next;
    this.segmentCount = nextSegment;
    this.entryCount = nextEntry;
    this.cpvExact = new Map();
    this.cpvPrefix = new Map();
    for (let doc = 0; doc < next; doc++) this.indexCpv(doc);
  }

  // ---- queries ---------------------------------------------------------------------------------

  private idf(term: number): number {
    const cache = this.termIdf;
    const at = 3 * term;
    if (cache[at + 1] === this.liveCount) return cache[at];
    const df = this.documentFrequency[term];
    const value = df === 0 ? 0 : Math.log(1 + (this.liveCount - df + 0.5) / (df + 0.5));
    cache[at] = value;
    cache[at + 1] = this.liveCount;
    return value;
  }

  /**
   * Integer weight per term into `weights` (queryWeight × idf × scale, rounded; 0 for terms no
   * profile holds) and returns the ideal raw score, the text normaliser: what a profile with the
   * highest impact on every term would score, round(Σ queryWeight × idf × scale) × IMPACT_SCALE.
   * scale = WEIGHT_SCALE unless the need is so long that a sum could pass 2³¹ − 1 (then as large as
   * fits, each rounding adding at most ½).
   */
  private fillTermWeights(query: NeedQuery, weights: Float64Array): number {
    const count = query.termIds.length;
    let sum = 0;
    for (let i = 0; i < count; i++) {
      weights[i] = query.weights[i] * this.idf(query.termIds[i]);
      sum += weights[i];
    }
    const scale = weightScale(sum, count);
    for (let i = 0; i < count; i++) weights[i] = Math.round(weights[i] * scale);
    return Math.round(sum * scale) * IMPACT_SCALE;
  }

  /**
   * Gives the documents that share with the need a level of rank in [lo, hi), and no deeper one,
   * that rank in cpvRanks, lists them in rankDocs and counts them per rank. Levels are visited
   * deepest first and later calls go to shallower levels, so a document's first rank is its final
   * one and rankDocs stays sorted by rank, highest first.
   */
  private computeRanks(query: NeedQuery, lo: number, hi: number, counts: Int32Array): void {
    const ranks = this.cpvRanks;
    const listed = this.rankDocs;
    let n = this.rankDocCount;
    const digits = query.cpv.digits;
    // The lists already walked at this rank: codes of a need often share a division or class, and
    // walking the same list again would only find documents ranked already.
    const walked: number[][] = [];
    for (let rank = hi - 1; rank >= lo; rank--) {
      const before = n;
      walked.length = 0;
      for (let c = 0; c < digits.length; c++) {
        const keys = query.cpvPrefixKeys[c];
        const length = digits[c].length;
        // Exact: the whole code; category: the first five digits (longer shared prefixes are in
        // that list too); class, group, division: four, three, two.
        let docs: number[] | undefined;
        if (rank === EXACT_RANK) docs = this.cpvExact.get(keys[0]);
        else {
          const prefixLength = rank === CATEGORY_RANK ? 5 : rank + 1;
          if (prefixLength > length) continue;
          docs = this.cpvPrefix.get(keys[length - prefixLength]);
        }
        if (docs === undefined || walked.includes(docs)) continue;
        walked.push(docs);
        // Without branches: documents ranked already and new ones interleave unpredictably. One
        // ranked already keeps its rank and is written just past the list, not counted in it.
        for (let i = 0; i < docs.length; i++) {
          const doc = docs[i];
          const old = ranks[doc];
          const fresh = (old - 1) >>> 31; // 1 when old is 0
          ranks[doc] = old | (rank & -fresh);
          listed[n] = doc;
          n += fresh;
        }
      }
      counts[rank] += n - before;
    }
    this.rankDocCount = n;
  }

  /** The highest rank whose documents, with those of higher ranks, number at least `wanted`; else 0. */
  private seedRank(counts: Int32Array, wanted: number): number {
    let held = 0;
    for (let rank = EXACT_RANK; rank >= 1; rank--) {
      held += counts[rank];
      if (held >= wanted) return rank;
    }
    return 0;
  }

  /** How many documents open rankDocs with a rank of at least `rank` (and at least 1). */
  private rankedPrefix(counts: Int32Array, rank: number): number {
    let held = 0;
    for (let r = Math.max(rank, DIVISION_RANK); r < RANK_COUNT; r++) held += counts[r];
    return held;
  }

  /**
   * Adds a term's postings (a term with posting lists) to the documents `mode` says: every one,
   * listing those touched for the first time in touchedDocs (the sample, see sampleThreshold); the
   * ranked ones only; the unranked ones only; or every one without listing any (also when unranked
   * documents cannot qualify: adding to them is harmless and cheaper than testing). With `best`
   * (ALL_UNLISTED only), also keeps best[rank] the highest sum among the documents of each CPV rank
   * (see the deepening in rankTop).
   */
  private accumulate(term: number, weight: number, mode: number, best?: Float64Array): void {
    // Integer arithmetic: weights and impacts are integers whose products and sums fit 31 bits
    // (see weightScale), and doubles here would cost several times more per posting.
    const w = weight | 0;
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const touched = this.touchedDocs;
    let n = this.touchedCount;
    if (term < this.baseTermCount) {
      const docs = this.baseDocs;
      const impacts = this.baseImpacts;
      const end = this.baseStart[term + 1];
      const start = this.baseStart[term];
      if (best !== undefined) {
        for (let p = start; p < end; p++) {
          const doc = docs[p];
          const score = scores[doc] + Math.imul(w, impacts[p]);
          scores[doc] = score;
          if (score > best[ranks[doc]]) best[ranks[doc]] = score;
        }
      } else if (mode === ALL_UNLISTED) {
        for (let p = start; p < end; p++) scores[docs[p]] += Math.imul(w, impacts[p]);
      } else if (mode === RANKED_ONLY) {
        for (let p = start; p < end; p++) {
          const doc = docs[p];
          if (ranks[doc] !== 0) scores[doc] += Math.imul(w, impacts[p]);
        }
      } else if (mode === UNRANKED_ONLY) {
        for (let p = start; p < end; p++) {
          const doc = docs[p];
          if (ranks[doc] === 0) scores[doc] += Math.imul(w, impacts[p]);
        }
      } else {
        for (let p = start; p < end; p++) {
          const doc = docs[p];
          const score = scores[doc];
          if (score === 0) touched[n++] = doc;
          scores[doc] = score + Math.imul(w, impacts[p]);
        }
      }
    }
    const docs = this.appendedDocs[term];
    const impacts = this.appendedImpacts[term];
    if (docs !== undefined && impacts !== undefined) {
      const track = mode === ALL_DOCUMENTS;
      for (let p = 0; p < docs.length; p++) {
        const doc = docs[p];
        const ranked = ranks[doc] !== 0;
        if ((mode === RANKED_ONLY && !ranked) || (mode === UNRANKED_ONLY && ranked)) continue;
        const score = scores[doc];
        if (track && score === 0) touched[n++] = doc;
        const sum = score + Math.imul(w, impacts[p]);
        scores[doc] = sum;
        if (best !== undefined && sum > best[ranks[doc]]) best[ranks[doc]] = sum;
      }
    }
    this.touchedCount = n;
  }

  /**
   * Per CPV rank, the highest sum so far among the documents of the seed terms' postings (0 when
   * none): with only the seed terms added, every document of that rank has at most this much of them.
   */
  private seedBestByRank(termIds: Int32Array, active: readonly number[], seed: readonly boolean[]): Float64Array {
    const best = new Float64Array(RANK_COUNT);
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const keepBest = (doc: number): void => {
      const rank = ranks[doc];
      if (scores[doc] > best[rank]) best[rank] = scores[doc];
    };
    for (let j = 0; j < active.length; j++) {
      if (seed[j]) this.forEachPostingDoc(termIds[active[j]], keepBest);
    }
    return best;
  }

  /** Calls `visit` with each document in a list term's postings, packed then appended. */
  private forEachPostingDoc(term: number, visit: (doc: number) => void): void {
    if (term < this.baseTermCount) {
      const docs = this.baseDocs;
      const end = this.baseStart[term + 1];
      for (let p = this.baseStart[term]; p < end; p++) visit(docs[p]);
    }
    const appended = this.appendedDocs[term];
    if (appended !== undefined) for (const doc of appended) visit(doc);
  }

  /**
   * Adds a dense term's impacts to every document or to the unranked ones (`mode`, see accumulate):
   * a sequential pass over every document (only when unranked documents can qualify).
   */
  private accumulateDense(dense: Uint16Array, weight: number, mode: number): void {
    const w = weight | 0;
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const end = Math.min(dense.length, this.docCount);
    if (mode === UNRANKED_ONLY) {
      for (let doc = 0; doc < end; doc++) if (ranks[doc] === 0) scores[doc] += Math.imul(w, dense[doc]);
    } else {
      for (let doc = 0; doc < end; doc++) scores[doc] += Math.imul(w, dense[doc]);
    }
  }

  /**
   * Adds dense terms' impacts to the ranked documents (the first `rankedDocs` of rankDocs), all
   * terms in one pass: each document's score is read and written once rather than once a term.
   * Integer sums, so the order of the additions changes nothing.
   */
  private accumulateDenseRanked(denseTerms: readonly Uint16Array[], weights: readonly number[], rankedDocs: number): void {
    const termCount = denseTerms.length;
    if (termCount === 0) return;
    const scores = this.scores;
    const listed = this.rankDocs;
    for (let i = 0; i < rankedDocs; i++) {
      const doc = listed[i];
      scores[doc] += denseSumOf(doc, denseTerms, weights);
    }
  }

  /**
   * Adds dense terms' impacts to the first `count` candidates whose rank is below `rank` (and not
   * unranked): those the terms were left out for (see denseFrom in rankTop).
   */
  private probeDenseBelow(denseTerms: readonly Uint16Array[], weights: readonly number[], count: number, rank: number): void {
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const candidates = this.candidates;
    for (let c = 0; c < count; c++) {
      const doc = candidates[c];
      const docRank = ranks[doc];
      if (docRank === 0 || docRank >= rank) continue;
      scores[doc] += denseSumOf(doc, denseTerms, weights);
    }
  }

  /**
   * Keeps the sampled documents (ranked `seedRank` or better, else the touched ones) with the best
   * partial scores (lower bounds of their scores) in a heap SAMPLE_FACTOR times the size of `heap`,
   * scores those exactly, and puts the best of them in `heap`. Returns the lowest score in `heap`
   * when it is full (`limit` documents are known to reach it), else −∞.
   */
  private sampleThreshold(
    query: NeedQuery,
    ideal: number,
    heap: TopHeap,
    seedRank: number,
    counts: Int32Array,
  ): number {
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const alive = this.alive;
    const sample = this.resetHeap(this.sampleHeap, heap.limit * SAMPLE_FACTOR);
    const enter = new Float64Array(RANK_COUNT).fill(Number.NEGATIVE_INFINITY);
    const list = seedRank > 0 ? this.rankDocs : this.touchedDocs;
    const length = seedRank > 0 ? this.rankedPrefix(counts, seedRank) : this.touchedCount;
    for (let i = 0; i < length; i++) {
      const doc = list[i];
      const raw = scores[doc];
      if (raw === 0 || raw < enter[ranks[doc]] || alive[doc] === 0) continue;
      if (this.offer(query, ideal, sample, doc, raw)) this.fillNeeded(enter, sample.scores[0], ideal);
    }
    // Exact scores a batch at a time, offered in the sample's order all the same: on equal scores
    // the heap keeps the first offered, and so holds the documents it always did.
    for (let start = 0; start < sample.size; start += BATCH_DOCS) {
      const batch = Math.min(BATCH_DOCS, sample.size - start);
      this.loadBatch(sample.docs, start, batch, true);
      for (let i = start; i < start + batch; i++) {
        const doc = sample.docs[i];
        this.offerScore(heap, doc, this.scoreOf(query, ideal, doc, this.batchRawOf(doc, batch)), 1);
      }
    }
    return heap.size < heap.limit ? Number.NEGATIVE_INFINITY : heap.scores[0];
  }

  /**
   * Replaces the heap's lower bounds by exact scores; returns the lowest (−∞ if the heap is not
   * full: then nothing is known about the k-th score).
   */
  private exactHeapThreshold(query: NeedQuery, ideal: number, heap: TopHeap): number {
    if (this.pendingDocs.length < heap.size) this.pendingDocs = new Int32Array(heap.size);
    const pending = this.pendingDocs;
    let count = 0;
    for (let i = 0; i < heap.size; i++) if (heap.exact[i] === 0) pending[count++] = heap.docs[i];
    for (let start = 0, i = 0; start < count; start += BATCH_DOCS) {
      const batch = Math.min(BATCH_DOCS, count - start);
      this.loadBatch(pending, start, batch, false);
      // The batch's documents are the next inexact entries, in heap order like pending.
      for (let done = 0; done < batch; i++) {
        if (heap.exact[i] === 1) continue;
        const doc = heap.docs[i];
        heap.scores[i] = this.scoreOf(query, ideal, doc, this.batchRawOf(doc, batch));
        heap.exact[i] = 1;
        done++;
      }
    }
    for (let i = (heap.size >> 1) - 1; i >= 0; i--) this.siftDown(heap, i);
    return heap.size < heap.limit ? Number.NEGATIVE_INFINITY : heap.scores[0];
  }

  /**
   * Keeps as candidates, in this.candidates, the documents whose sum so far plus leftOut[their rank]
   * (the bound of the terms not added for them) can reach what their rank needs, and offers each to the heap
   * (documents in it are marked; one that left it cannot come back) so that the threshold, and what every rank needs, rises
   * during the pass. Visits the first `rankedDocs` of rankDocs, or every document when
   * `allDocuments` (unranked documents can qualify).
   */
  private collectCandidates(
    query: NeedQuery,
    ideal: number,
    heap: TopHeap,
    mark: number,
    needed: Float64Array,
    leftOut: Float64Array,
    lowestRank: number,
    rankedDocs: number,
    allDocuments: boolean,
  ): number {
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const alive = this.alive;
    const marks = this.docMarks;
    const candidates = this.candidates;
    // Read here rather than in the branch that uses it, which only needs where unranked documents
    // can qualify take: optimised code would otherwise be thrown away the first time one does.
    const docCount = this.docCount;
    // floor[rank]: the sum so far a document of that rank needs; enter[rank]: to enter the heap.
    const floor = new Float64Array(RANK_COUNT);
    const enter = new Float64Array(RANK_COUNT);
    const setFloors = (): void => {
      if (heap.size === heap.limit) this.fillNeeded(enter, heap.scores[0], ideal);
      else enter.fill(Number.NEGATIVE_INFINITY);
      for (let rank = 0; rank < RANK_COUNT; rank++) {
        floor[rank] = rank < lowestRank ? Number.POSITIVE_INFINITY : Math.max(needed[rank], enter[rank]) - leftOut[rank];
      }
    };
    setFloors();
    let count = 0;
    if (allDocuments) {
      for (let doc = 0; doc < docCount; doc++) {
        const raw = scores[doc];
        const rank = ranks[doc];
        if (raw < floor[rank] || alive[doc] === 0) continue;
        candidates[count++] = doc;
        if (raw < enter[rank] || marks[doc] === mark) continue;
        if (this.offer(query, ideal, heap, doc, raw)) setFloors();
      }
      return count;
    }
    const listed = this.rankDocs;
    for (let i = 0; i < rankedDocs; i++) {
      const doc = listed[i];
      const raw = scores[doc];
      const rank = ranks[doc];
      if (raw < floor[rank] || alive[doc] === 0) continue;
      candidates[count++] = doc;
      if (raw < enter[rank] || marks[doc] === mark) continue;
      if (this.offer(query, ideal, heap, doc, raw)) setFloors();
    }
    return count;
  }

  /**
   * Keeps the candidates whose sum so far reaches floor[their rank]; counts the unranked ones kept
   * in narrowedUnranked (in the same pass, which has read their ranks already).
   */
  private narrow(count: number, floor: Float64Array): number {
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const candidates = this.candidates;
    let kept = 0;
    let unranked = 0;
    for (let i = 0; i < count; i++) {
      const doc = candidates[i];
      const rank = ranks[doc];
      if (scores[doc] < floor[rank]) continue;
      candidates[kept++] = doc;
      if (rank === 0) unranked++;
    }
    this.narrowedUnranked = unranked;
    return kept;
  }

  /**
   * Adds a term's impacts to those of the first `count` candidates (sorted doc ids) that left it
   * out: the ranked ones if `forRanked`, the unranked ones if `forUnranked`. One read each for a
   * dense term; otherwise galloping through the list when candidates are few, a linear merge when
   * they are many.
   */
  private probe(term: number, weight: number, count: number, forRanked: boolean, forUnranked: boolean): void {
    const w = weight | 0;
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const candidates = this.candidates;
    const slot = this.denseSlot[term];
    if (slot !== 0) {
      const dense = this.denseImpacts[slot - 1];
      const length = dense.length;
      if (forRanked && forUnranked) {
        for (let c = 0; c < count; c++) {
          const doc = candidates[c];
          if (doc < length) scores[doc] += Math.imul(w, dense[doc]);
        }
        return;
      }
      for (let c = 0; c < count; c++) {
        const doc = candidates[c];
        if (doc < length && (ranks[doc] === 0 ? forUnranked : forRanked)) scores[doc] += Math.imul(w, dense[doc]);
      }
      return;
    }
    if (term < this.baseTermCount) {
      const docs = this.baseDocs;
      const impacts = this.baseImpacts;
      const end = this.baseStart[term + 1];
      let p = this.baseStart[term];
      if (count * GALLOP_RATIO >= end - p) {
        let c = 0;
        let candidate = candidates[0];
        for (; p < end; p++) {
          const doc = docs[p];
          if (doc < candidate) continue;
          while (candidate < doc && ++c < count) candidate = candidates[c];
          if (c >= count) break;
          if (candidate === doc && (ranks[doc] === 0 ? forUnranked : forRanked)) scores[doc] += Math.imul(w, impacts[p]);
        }
      } else {
        for (let c = 0; c < count && p < end; c++) {
          const doc = candidates[c];
          if (docs[p] < doc) {
            let step = 1;
            while (p + step < end && docs[p + step] < doc) step <<= 1;
            let low = p + (step >> 1);
            let high = Math.min(p + step, end);
            while (low + 1 < high) {
              const mid = (low + high) >> 1;
              if (docs[mid] < doc) low = mid;
              else high = mid;
            }
            p = high;
          }
          if (p < end && docs[p] === doc) {
            if ((ranks[doc] === 0 ? forUnranked : forRanked)) scores[doc] += Math.imul(w, impacts[p]);
            p++;
          }
        }
      }
    }
    const docs = this.appendedDocs[term];
    const impacts = this.appendedImpacts[term];
    if (docs !== undefined && impacts !== undefined) {
      // Short lists of recent documents: binary search each posting among the candidates.
      for (let p = 0; p < docs.length; p++) {
        const doc = docs[p];
        let low = 0;
        let high = count;
        while (low < high) {
          const mid = (low + high) >>> 1;
          if (candidates[mid] < doc) low = mid + 1;
          else high = mid;
        }
        if (low < count && candidates[low] === doc && (ranks[doc] === 0 ? forUnranked : forRanked)) scores[doc] += Math.imul(w, impacts[p]);
      }
    }
  }

  /**
   * Loads `count` documents (docs[from …], distinct, at most BATCH_DOCS) sorted into batchDocs, their
   * impacts on the query's active terms into batchImpacts and their exact raw text scores into
   * batchRaw (see batchRawOf). The impacts are read from the postings the query adds up, which hold
   * exactly what computeImpacts gives (refresh keeps them in line), term by term over the batch:
   * a few postings a document per term, where computeImpacts would read every term each document
   * holds, most of them not in the query. With `seedSummed` (while scores hold the sums of the seed
   * terms, see sampleThreshold), those terms are taken from scores and not loaded: only the raw
   * scores are wanted then.
   */
  private loadBatch(docs: Int32Array, from: number, count: number, seedSummed: boolean): void {
    const sorted = this.batchDocs;
    sorted.set(docs.subarray(from, from + count));
    sorted.subarray(0, count).sort();
    const n = this.activeCount;
    if (this.batchImpacts.length < n * count) this.batchImpacts = new Uint16Array(n * BATCH_DOCS * 2);
    const out = this.batchImpacts;
    out.fill(0, 0, n * count);
    const raw = this.batchRaw;
    const position = this.batchPositionOf;
    for (let c = 0; c < count; c++) {
      raw[c] = seedSummed ? this.scores[sorted[c]] : 0;
      position[sorted[c]] = c + 1;
    }
    if (count === 0) return;
    const first = sorted[0];
    const last = sorted[count - 1];
    // Integer sums (see weightScale): the same whatever order terms are added in.
    for (let j = 0; j < n; j++) {
      if (seedSummed && this.activeSeed[j] === 1) continue;
      const term = this.activeTerms[j];
      const w = this.activeWeights[j];
      const at = j * count;
      const slot = this.denseSlot[term];
      if (slot !== 0) {
        const dense = this.denseImpacts[slot - 1];
        const length = dense.length;
        for (let c = 0; c < count; c++) {
          const doc = sorted[c];
          if (doc >= length) break;
          const impact = dense[doc];
          out[at + c] = impact;
          raw[c] += Math.imul(w, impact);
        }
        continue;
      }
      if (term < this.baseTermCount) {
        const postings = this.baseDocs;
        const impacts = this.baseImpacts;
        // Only the stretch of the list between the batch's first and last documents.
        let p = lowerBound(postings, this.baseStart[term], this.baseStart[term + 1], first);
        const end = lowerBound(postings, p, this.baseStart[term + 1], last + 1);
        if (count * GALLOP_RATIO >= end - p) {
          for (; p < end; p++) {
            const c = position[postings[p]] - 1;
            if (c < 0) continue;
            out[at + c] = impacts[p];
            raw[c] += Math.imul(w, impacts[p]);
          }
        } else {
          for (let c = 0; c < count && p < end; c++) {
            p = gallopTo(postings, p, end, sorted[c]);
            if (p < end && postings[p] === sorted[c]) {
              out[at + c] = impacts[p];
              raw[c] += Math.imul(w, impacts[p++]);
            }
          }
        }
      }
      const appended = this.appendedDocs[term];
      const appendedImpacts = this.appendedImpacts[term];
      if (appended !== undefined && appendedImpacts !== undefined) {
        for (let p = 0; p < appended.length; p++) {
          const c = position[appended[p]] - 1;
          if (c < 0) continue;
          out[at + c] = appendedImpacts[p];
          raw[c] += Math.imul(w, appendedImpacts[p]);
        }
      }
    }
    for (let c = 0; c < count; c++) position[sorted[c]] = 0;
  }

  /** Where a document of the loaded batch (of `count`) sits in batchDocs. */
  private batchPosition(doc: number, count: number): number {
    return lowerBound(this.batchDocs, 0, count, doc);
  }

  /** The exact raw text score of a document of the loaded batch (of `count`). */
  private batchRawOf(doc: number, count: number): number {
    return this.batchRaw[this.batchPosition(doc, count)];
  }

  /** The 0–100 score (rounded) of a document with raw text score `raw` (needs cpvRanks set). */
  private scoreOf(query: NeedQuery, ideal: number, doc: number, raw: number): number {
    const text = raw === 0 ? 0 : textComponent(raw / ideal);
    return roundScore(combineComponents(text, CPV_SCORE_BY_RANK[this.cpvRanks[doc]], this.eligibilityScore(query, doc)));
  }

  /** Restores the all-zero scores and ranks that the next query starts from. */
  private clearQueryScratch(): void {
    // Lists are added for every document: one fill (a memset) is cheaper than tracking them all.
    this.scores.fill(0, 0, this.docCount);
    const listed = this.rankDocs;
    this.touchedCount = 0;
    const ranks = this.cpvRanks;
    // Broad CPV levels rank tens of thousands of documents (see RANKS_FILL_RATIO).
    if (this.rankDocCount * RANKS_FILL_RATIO >= this.docCount) ranks.fill(0, 0, this.docCount);
    else for (let i = 0; i < this.rankDocCount; i++) ranks[listed[i]] = 0;
    this.rankDocCount = 0;
  }

  /**
   * The raw text score a document needs to possibly reach `threshold` (rounded) when CPV and
   * eligibility give it `bonus` points: the score formula inverted, with a margin so that float
   * rounding can only ever keep a document, never drop one that could qualify.
   */
  private rawNeededFor(threshold: number, bonus: number, ideal: number): number {
    // roundScore(x) ≥ threshold ⇔ x ≥ threshold − 0.05; the text component that takes:
    const text = (threshold - 0.05 - 1e-6 - bonus) / (100 * SCORE_WEIGHTS.text);
    if (!(text > 0)) return Number.NEGATIVE_INFINITY;
    if (text > 1 + 1e-9) return Number.POSITIVE_INFINITY;
    // textComponent inverted: r = c·t / ((1 + c) − t).
    const ratio = (TEXT_CURVE * text) / (1 + TEXT_CURVE - Math.min(text, 1));
    return ratio * ideal * (1 - 1e-9) - 1;
  }

  /** needed[rank] = raw text a document of that CPV rank needs to reach `threshold` at best. */
  private fillNeeded(needed: Float64Array, threshold: number, ideal: number): void {
    for (let rank = 0; rank < needed.length; rank++) {
      const points = 100 * (SCORE_WEIGHTS.cpv * CPV_SCORE_BY_RANK[rank] + SCORE_WEIGHTS.eligibility);
      needed[rank] = this.rawNeededFor(threshold, points, ideal);
    }
  }

  /** An empty heap keeping `limit` documents, reusing `heap`'s arrays when they are long enough. */
  private resetHeap(heap: TopHeap, limit: number): TopHeap {
    if (heap.docs.length < limit) {
      heap.docs = new Int32Array(limit);
      heap.scores = new Float64Array(limit);
      heap.exact = new Uint8Array(limit);
    }
    heap.size = 0;
    heap.limit = limit;
    return heap;
  }

  /**
   * Offers a document with raw text score `raw` (exact, or a lower bound) to a bounded heap; true
   * when the heap is full and its root (the threshold) changed.
   */
  private offer(query: NeedQuery, ideal: number, heap: TopHeap, doc: number, raw: number): boolean {
    return this.offerScore(heap, doc, this.scoreOf(query, ideal, doc, raw), 0);
  }

  /** offer with the score known; `exact` 1 when it is the document's score, 0 for a lower bound. */
  private offerScore(heap: TopHeap, doc: number, score: number, exact: number): boolean {
    const limit = heap.limit;
    if (heap.size < limit) {
      heap.docs[heap.size] = doc;
      heap.scores[heap.size] = score;
      heap.exact[heap.size] = exact;
      heap.size++;
      this.siftUp(heap, heap.size - 1);
      return heap.size === limit;
    }
    if (
      score > heap.scores[0] ||
      (heap.ties && score === heap.scores[0] && this.supplierIds[doc] < this.supplierIds[heap.docs[0]])
    ) {
      heap.docs[0] = doc;
      heap.scores[0] = score;
      heap.exact[0] = exact;
      this.siftDown(heap, 0);
      return true;
    }
    return false;
  }

  /**
   * One pass keeping the best `limit` of the first `count` candidates (exact scores) in a bounded
   * heap. Once the heap is full, a per-CPV-rank table of the raw text needed to beat its root (with
   * perfect eligibility) rejects most documents with one comparison.
   */
  private selectTop(query: NeedQuery, ideal: number, limit: number, count: number): TopHeap {
    const heap = this.resetHeap(this.selectionHeap, limit);
    const scores = this.scores;
    const ranks = this.cpvRanks;
    const alive = this.alive;
    const supplierIds = this.supplierIds;
    const candidates = this.candidates;
    const needed = new Float64Array(RANK_COUNT).fill(Number.NEGATIVE_INFINITY);
    for (let i = 0; i < count; i++) {
      const doc = candidates[i];
      const raw = scores[doc];
      const rank = ranks[doc];
      if (raw < needed[rank] || alive[doc] === 0) continue;
      const score = this.scoreOf(query, ideal, doc, raw);
      if (heap.size < limit) {
        heap.docs[heap.size] = doc;
        heap.scores[heap.size] = score;
        heap.size++;
        this.siftUp(heap, heap.size - 1);
        if (heap.size === limit) this.fillNeeded(needed, heap.scores[0], ideal);
      } else if (
        score > heap.scores[0] ||
        (score === heap.scores[0] && supplierIds[doc] < supplierIds[heap.docs[0]])
      ) {
        heap.docs[0] = doc;
        heap.scores[0] = score;
        this.siftDown(heap, 0);
        this.fillNeeded(needed, heap.scores[0], ideal);
      }
    }
    return heap;
  }

  // Both sifts carry the moving entry in hand and write it once where it stops, rather than
  // swapping it down (or up) level by level: the same comparisons, so the same heap.
  private siftUp(heap: TopHeap, at: number): void {
    const docs = heap.docs;
    const scores = heap.scores;
    const exact = heap.exact;
    const doc = docs[at];
    const score = scores[at];
    const isExact = exact[at];
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.worse(heap.ties, score, doc, scores[parent], docs[parent])) break;
      docs[at] = docs[parent];
      scores[at] = scores[parent];
      exact[at] = exact[parent];
      at = parent;
    }
    docs[at] = doc;
    scores[at] = score;
    exact[at] = isExact;
  }

  private siftDown(heap: TopHeap, at: number): void {
    const docs = heap.docs;
    const scores = heap.scores;
    const exact = heap.exact;
    const size = heap.size;
    const ties = heap.ties;
    const doc = docs[at];
    const score = scores[at];
    const isExact = exact[at];
    for (;;) {
      const left = 2 * at + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.worse(ties, scores[right], docs[right], scores[left], docs[left]) ? right : left;
      if (!this.worse(ties, scores[child], docs[child], score, doc)) break;
      docs[at] = docs[child];
      scores[at] = scores[child];
      exact[at] = exact[child];
      at = child;
    }
    docs[at] = doc;
    scores[at] = score;
    exact[at] = isExact;
  }

  // Lower score is worse; on equal scores (when ties count) the larger supplierId is worse (it ranks
  // later).
  private worse(ties: boolean, scoreA: number, docA: number, scoreB: number, docB: number): boolean {
    if (scoreA !== scoreB) return scoreA < scoreB;
    return ties && this.supplierIds[docA] > this.supplierIds[docB];
  }

  // ---- explanations ----------------------------------------------------------------------------

  /**
   * Spreads a document's impacts into the dense per-term array and lists its terms in profileTerms
   * (cleared by clearProfileImpacts).
   */
  private loadProfileImpacts(doc: number): Uint16Array {
    this.ensureVocabulary();
    const impacts = this.profileImpacts;
    const count = this.computeImpacts(doc);
    if (this.profileTerms.length < count) this.profileTerms = new Int32Array(count * 2);
    for (let i = 0; i < count; i++) {
      impacts[this.impactTerms[i]] = this.impactValues[i];
      this.profileTerms[i] = this.impactTerms[i];
    }
    this.profileTermCount = count;
    return impacts;
  }

  private clearProfileImpacts(): void {
    const impacts = this.profileImpacts;
    for (let i = 0; i < this.profileTermCount; i++) impacts[this.profileTerms[i]] = 0;
    this.profileTermCount = 0;
  }


  /**
   * The match of a document of the loaded batch (of `count`, see loadBatch) with raw text score `raw`.
   */
  private describe(
    query: NeedQuery,
    weights: Float64Array,
    ideal: number,
    doc: number,
    raw: number,
    count: number,
  ): MatchResult {
    const text = raw === 0 ? 0 : textComponent(raw / ideal);
    const at = this.batchPosition(doc, count);
    // Most matches share no CPV division with the need: then no pair of codes shares a level, and
    // comparing codes as strings is spared.
    const cpv: CpvComparison =
      this.batchInDivision[at] === 1
        ? compareCpvCodes(query.cpv, this.docCpv[doc])
        : { level: null, score: CPV_SCORE_BY_RANK[0], matches: [] };
    const eligibility = this.eligibilityOutcome(query, doc);
    let matchedTerms: MatchedTerm[] = [];
    if (raw !== 0) {
      // A term the document holds has an impact, so a bound: with a weight it is an active term.
      const impacts = this.batchImpacts;
      const indexes = this.activeIndexes;
      const n = this.activeCount;
      this.growHeld(n);
      let held = 0;
      for (let j = 0; j < n; j++) {
        const impact = impacts[j * count + at];
        if (impact === 0) continue;
        this.heldIndexes[held] = indexes[j];
        this.heldContributions[held++] = weights[indexes[j]] * impact;
      }
      matchedTerms = this.explainTerms(query, held, raw, text);
    }
    return {
      supplierId: this.supplierIds[doc],
      score: roundScore(combineComponents(text, cpv.score, eligibility.score)),
      components: { text: roundComponent(text), cpv: cpv.score, eligibility: roundComponent(eligibility.score) },
      explanation: { matchedTerms, cpvMatches: cpv.matches, failedRequirements: eligibility.failedRequirements },
    };
  }

  /**
   * checkEligibility(query.eligibility, the document's profile). On the fast path (see
   * eligibilityScore) the outcome without the budget check depends only on which of the need's
   * certifications with a bit the document lacks (it lacks those without one, as every fast-path
   * document does) and whether it serves the need's regions: it is worked out
   * once per such pair in a query (eligibilityFailures) and copied. A budget check that applies and
   * passes adds one check and no sentence; one that fails takes the full check, for its sentence.
   */
  private eligibilityOutcome(query: NeedQuery, doc: number): EligibilityOutcome {
    const requirements = query.eligibility;
    const maxValue = this.docMaxValue[doc];
    const budgetApplies = requirements.budgetMin !== null && !Number.isNaN(maxValue);
    if (this.docSlowEligibility[doc] === 1 || (budgetApplies && maxValue < requirements.budgetMin)) {
      // The group's profile states no contract value limit: the same outcome when the budget check
      // does not apply, without a profile object for this document.
      return checkEligibility(requirements, budgetApplies ? this.eligibilityProfileOf(doc) : this.groups[this.docGroup[doc]]);
    }
    const missing = this.needCertificationMask & ~this.docCertificationMask[doc];
    const served = (this.docRegionMask[doc] & (this.needRegionMask | 1)) !== 0;
    const key = (missing >>> 0) * 2 + (served ? 1 : 0);
    let failures = this.eligibilityFailures.get(key);
    if (failures === undefined) {
      failures = checkEligibility(requirements, this.groups[this.docGroup[doc]]).failedRequirements;
      this.eligibilityFailures.set(key, failures);
    }
    return { score: this.eligibilityScore(query, doc), failedRequirements: failures.slice() };
  }

  /**
   * batchInDivision[c] = 1 when document c of the loaded batch (of `count`) has a code in one of the
   * need's CPV divisions, else 0 (then no pair of codes shares even a division). Read from the
   * divisions' CPV postings rather than from each document's codes: those are strings scattered in
   * memory, a few cache misses a document.
   */
  private markCpvDivisions(query: NeedQuery, count: number): void {
    const marks = this.batchInDivision;
    marks.fill(0, 0, count);
    const sorted = this.batchDocs;
    for (const keys of query.cpvPrefixKeys) {
      // Keys are longest first: the last is the division's.
      const docs = this.cpvPrefix.get(keys[keys.length - 1]);
      if (docs === undefined) continue;
      for (let c = 0, p = 0; c < count; c++) {
        p = lowerBoundOfList(docs, p, sorted[c]);
        if (p === docs.length) break;
        if (docs[p] === sorted[c]) marks[c] = 1;
      }
    }
  }

  /**
   * Lists in heldIndexes/heldContributions the need's terms the loaded profile holds (see
   * loadProfileImpacts) and their contributions; returns how many.
   */
  private holdContributions(termIds: Int32Array, weights: Float64Array, impacts: Uint16Array): number {
    this.growHeld(termIds.length);
    let held = 0;
    for (let i = 0; i < termIds.length; i++) {
      const impact = impacts[termIds[i]];
      if (impact === 0 || weights[i] === 0) continue;
      this.heldIndexes[held] = i;
      this.heldContributions[held++] = weights[i] * impact;
    }
    return held;
  }

  private growHeld(count: number): void {
    if (this.heldIndexes.length >= count) return;
    this.heldIndexes = new Int32Array(count * 2);
    this.heldContributions = new Float64Array(count * 2);
  }

  /**
   * The terms that contributed most, each with its share of the text component (the shares of all
   * matched terms add up to the text component), largest first, ties in term order. Reads the
   * first `held` of heldIndexes/heldContributions (need index, weight × impact; any order).
   */
  private explainTerms(query: NeedQuery, held: number, raw: number, text: number): MatchedTerm[] {
    if (raw === 0) return [];
    // The best MAX_EXPLAINED_TERMS by insertion: a full sort would order terms never shown.
    const bestIndexes = this.bestIndexes;
    const bestContributions = this.bestContributions;
    let kept = 0;
    for (let h = 0; h < held; h++) {
      const index = this.heldIndexes[h];
      const contribution = this.heldContributions[h];
      let at = kept;
      while (
        at > 0 &&
        (bestContributions[at - 1] < contribution ||
          (bestContributions[at - 1] === contribution && bestIndexes[at - 1] > index))
      ) {
        at--;
      }
      if (at >= MAX_EXPLAINED_TERMS) continue;
      for (let m = Math.min(kept, MAX_EXPLAINED_TERMS - 1); m > at; m--) {
        bestIndexes[m] = bestIndexes[m - 1];
        bestContributions[m] = bestContributions[m - 1];
      }
      bestIndexes[at] = index;
      bestContributions[at] = contribution;
      if (kept < MAX_EXPLAINED_TERMS) kept++;
    }
    const scale = text / raw;
    const terms: MatchedTerm[] = [];
    for (let m = 0; m < kept; m++) {
      terms.push({ term: query.surfaces[bestIndexes[m]], weight: roundComponent(bestContributions[m] * scale) });
    }
    return terms;
  }
}
