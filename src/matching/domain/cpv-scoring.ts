import type { CpvMatch, CpvMatchLevel } from 'src/matching/domain/matching.types';

/**
 * What each shared level is worth as the cpv component (0–1). The vocabulary is a tree: sharing a
 * category (5+ digits, e.g. 72212 "programming services of application software") is nearly as
 * telling as the identical code, while a division (2 digits, e.g. 72 "IT services") only says the
 * supplier works in the same broad trade. The steps are not linear because a division holds
 * thousands of codes and a category a handful.
 */
export const CPV_LEVEL_SCORES: Readonly<Record<CpvMatchLevel, number>> = {
  exact: 1,
  category: 0.85,
  class: 0.65,
  group: 0.45,
  division: 0.2,
};

// Deepest first: the order in which a better level replaces a worse one.
const LEVEL_RANK: Readonly<Record<CpvMatchLevel, number>> = {
  exact: 5,
  category: 4,
  class: 3,
  group: 2,
  division: 1,
};

/**
 * The significant digits of a CPV code: the eight digits without the check digit and without
 * trailing zeros, but never fewer than the two of a division (`72000000-5` → `72`,
 * `72212000-4` → `72212`, `03000000-1` → `03`). Null for text that is not a CPV code.
 */
export function cpvSignificantDigits(code: string): string | null {
  // Codes come from a vocabulary of some ten thousand: each spelling is parsed once.
  const known = significantDigitsOf.get(code);
  if (known !== undefined) return known;
  const digits = parseSignificantDigits(code);
  if (significantDigitsOf.size >= MAX_REMEMBERED_CODES) significantDigitsOf.clear();
  significantDigitsOf.set(code, digits);
  return digits;
}

// A cache (bounded, so that arbitrary input cannot grow it without limit); it changes no result.
const MAX_REMEMBERED_CODES = 50_000;
const significantDigitsOf = new Map<string, string | null>();

function parseSignificantDigits(code: string): string | null {
  const match = /^\s*(\d{8})(?:-\d)?\s*$/.exec(code);
  if (match === null) return null;
  const trimmed = match[1].replace(/0+$/, '');
  return trimmed.length >= 2 ? trimmed : match[1].slice(0, 2);
}

/** The level named by a number of shared significant digits (2 division … 5+ category). */
export function cpvLevelForSharedDigits(shared: number): CpvMatchLevel | null {
  if (shared >= 5) return 'category';
  if (shared === 4) return 'class';
  if (shared === 3) return 'group';
  if (shared === 2) return 'division';
  return null;
}

/**
 * The deepest level two codes share, given their significant digits: identical digits are
 * `exact`; otherwise the length of their common prefix (`72212` and `722` share the group `722`).
 */
export function sharedCpvLevel(needDigits: string, supplierDigits: string): CpvMatchLevel | null {
  return cpvLevelOfRank(sharedCpvRank(needDigits, supplierDigits));
}

/** sharedCpvLevel as its rank (5 exact … 1 division, 0 none): no string work per pair. */
function sharedCpvRank(needDigits: string, supplierDigits: string): number {
  if (needDigits === supplierDigits) return LEVEL_RANK.exact;
  const limit = Math.min(needDigits.length, supplierDigits.length);
  let shared = 0;
  while (shared < limit && needDigits.charCodeAt(shared) === supplierDigits.charCodeAt(shared)) {
    shared++;
  }
  // cpvLevelForSharedDigits as a rank: two digits a division (1) … five or more a category (4).
  return shared < 2 ? 0 : Math.min(shared, 5) - 1;
}

export interface CpvComparison {
  /** The deepest level shared by any pair, or null when no pair shares even a division. */
  level: CpvMatchLevel | null;
  /** CPV_LEVEL_SCORES of that level, 0 when none. */
  score: number;
  /** Every pair that shares that deepest level. */
  matches: CpvMatch[];
}

/** A CPV code list prepared once: the codes as written and their significant digits. */
export interface PreparedCpvCodes {
  readonly codes: readonly string[];
  readonly digits: readonly string[];
}

/**
 * The first `length` significant digits of a code as one number, tagged with the length so that
 * leading zeros count (`03` and `3` differ): a cheap key for prefix look-ups.
 */
export function cpvPrefixKey(digits: string, length: number): number {
  let value = 0;
  for (let i = 0; i < length; i++) value = value * 10 + (digits.charCodeAt(i) - 48);
  return value * 10 + length;
}

/** Keeps the codes that parse, first spelling of each distinct code, in the order given. */
export function prepareCpvCodes(codes: readonly string[]): PreparedCpvCodes {
  const seen = new Set<string>();
  const kept: string[] = [];
  const digits: string[] = [];
  for (const code of codes) {
    const d = cpvSignificantDigits(code);
    if (d === null || seen.has(d)) continue;
    seen.add(d);
    kept.push(code.trim());
    digits.push(d);
  }
  // Exact-length copies: arrays grown by push keep room for 17 elements, and an index holds one
  // prepared list per profile.
  return { codes: kept.slice(), digits: digits.slice() };
}

/** Compares every need code with every supplier code and keeps the deepest shared level. */
export function compareCpvCodes(need: PreparedCpvCodes, supplier: PreparedCpvCodes): CpvComparison {
  // By rank (a number) rather than level name: this runs for every pair of every explained match.
  let bestRank = 0;
  let matches: CpvMatch[] = [];
  for (let i = 0; i < need.digits.length; i++) {
    for (let j = 0; j < supplier.digits.length; j++) {
      const rank = sharedCpvRank(need.digits[i], supplier.digits[j]);
      if (rank === 0 || rank < bestRank) continue;
      if (rank > bestRank) {
        bestRank = rank;
        matches = [];
      }
      matches.push({ need: need.codes[i], supplier: supplier.codes[j], level: LEVEL_BY_RANK[rank] as CpvMatchLevel });
    }
  }
  return { level: cpvLevelOfRank(bestRank), score: CPV_SCORE_BY_RANK[bestRank], matches };
}

/** Convenience over raw code lists (see compareCpvCodes). */
export function scoreCpvCodes(needCodes: readonly string[], supplierCodes: readonly string[]): CpvComparison {
  return compareCpvCodes(prepareCpvCodes(needCodes), prepareCpvCodes(supplierCodes));
}

/** The rank of a level (exact 5 … division 1, none 0), for compact storage in typed arrays. */
export function cpvLevelRank(level: CpvMatchLevel | null): number {
  return level === null ? 0 : LEVEL_RANK[level];
}

const LEVEL_BY_RANK: readonly (CpvMatchLevel | null)[] = [null, 'division', 'group', 'class', 'category', 'exact'];
// CPV_LEVEL_SCORES by rank (0 for none).
const CPV_SCORE_BY_RANK: readonly number[] = LEVEL_BY_RANK.map((level) => (level === null ? 0 : CPV_LEVEL_SCORES[level]));

/** Inverse of cpvLevelRank. */
export function cpvLevelOfRank(rank: number): CpvMatchLevel | null {
  return LEVEL_BY_RANK[rank] ?? null;
}
