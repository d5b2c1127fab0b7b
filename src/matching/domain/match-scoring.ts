/**
 * Bump whenever a change here, in the index's BM25 parameters or in text analysis can change a score,
 * so that stored matches record which scorer produced them.
 */
export const SCORER_VERSION = 'bm25f-cpv-elig.2';

/**
 * How the three components make the 0–100 score (they sum to 1).
 * - text 0.6: the need's own words are the richest evidence of fit, and buyers choose CPV codes
 *   loosely (DESIGN.md §1: "CPV codes are often wrong"), so words lead.
 * - cpv 0.25: independent, structured evidence; an exact or same-category code is a strong hint when
 *   the words are ambiguous, and it separates suppliers whose text scores are close.
 * - eligibility 0.15: failing one of two checks costs 7.5 points, enough to put a supplier below an
 *   otherwise similar eligible one, but not enough to hide a strong match: DESIGN.md §4 wants failing
 *   suppliers listed and ranked lower, not removed.
 */
export const SCORE_WEIGHTS = { text: 0.6, cpv: 0.25, eligibility: 0.15 } as const;

/**
 * The text curve: `text = (1 + c)·r / (r + c)` where r (0–1) is the need's BM25 weight the supplier
 * achieved over the weight an ideal supplier (every known query term, saturated) would achieve.
 * r depends only on this need, this supplier and corpus statistics, never on the other suppliers
 * returned. Real matches rarely exceed r ≈ 0.5 (no profile uses every word of a need), so the
 * concave curve spreads the useful range (r 0.1 → 0.36, 0.3 → 0.68, 0.5 → 0.83) while staying
 * strictly increasing, so it never creates ties that r did not have.
 */
export const TEXT_CURVE = 0.25;

/** Maps the raw text ratio (0–1) to the text component (0–1). */
export function textComponent(ratio: number): number {
  if (!(ratio > 0)) return 0;
  const r = ratio > 1 ? 1 : ratio;
  return ((1 + TEXT_CURVE) * r) / (r + TEXT_CURVE);
}

/** The unrounded 0–100 score; each component is 0–1. */
export function combineComponents(text: number, cpv: number, eligibility: number): number {
  return 100 * (SCORE_WEIGHTS.text * text + SCORE_WEIGHTS.cpv * cpv + SCORE_WEIGHTS.eligibility * eligibility);
}

/** Scores are stored and ranked with one decimal, so ranking by them is the order people see. */
export function roundScore(score: number): number {
  return Math.round(score * 10) / 10;
}

/** Components are reported to four decimals: enough to explain, short enough to read. */
export function roundComponent(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
