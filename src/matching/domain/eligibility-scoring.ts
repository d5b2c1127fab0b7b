/** The region slug that means "anywhere in the UK". */
export const UK_WIDE = 'uk-wide';

/** What eligibility needs to know about a need, prepared once (normalised slugs). */
export interface EligibilityRequirements {
  readonly regions: readonly string[];
  readonly requiredCertifications: readonly string[];
  /** Pence; null = no minimum. */
  readonly budgetMin: number | null;
}

/** What eligibility needs to know about a supplier, prepared once (normalised slugs). */
export interface EligibilityProfile {
  readonly regions: ReadonlySet<string>;
  readonly certifications: ReadonlySet<string>;
  /** Pence; null = no limit stated. */
  readonly maxContractValue: number | null;
}

export interface EligibilityOutcome {
  /** Share of the applicable checks passed, 0–1 (1 when every check passes). */
  score: number;
  /** One sentence per failed check, naming the thing that failed. */
  failedRequirements: string[];
}

/** Slugs compare case- and space-insensitively; duplicates and blanks are dropped, order kept. */
export function normaliseSlugs(values: readonly string[]): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const value of values) {
    const slug = value.trim().toLowerCase();
    if (slug === '' || seen.has(slug)) continue;
    seen.add(slug);
    out.push(slug);
  }
  return out;
}

export function prepareEligibilityRequirements(need: {
  regions: readonly string[];
  requiredCertifications: readonly string[];
  budgetMin: number | null;
}): EligibilityRequirements {
  return {
    regions: normaliseSlugs(need.regions),
    requiredCertifications: normaliseSlugs(need.requiredCertifications),
    budgetMin: need.budgetMin,
  };
}

export function prepareEligibilityProfile(profile: {
  regions: readonly string[];
  certifications: readonly string[];
  maxContractValue: number | null;
}): EligibilityProfile {
  return {
    regions: new Set(normaliseSlugs(profile.regions)),
    certifications: new Set(normaliseSlugs(profile.certifications)),
    maxContractValue: profile.maxContractValue,
  };
}

/**
 * DESIGN.md §3, read literally: a supplier serves a need if it lists `uk-wide` or any of the need's
 * regions. So a need naming `uk-wide`, or naming no region at all, is served only by suppliers that
 * list `uk-wide`; a supplier listing only `london` does not serve a UK-wide need.
 */
export function servesRegion(supplierRegions: ReadonlySet<string>, needRegions: readonly string[]): boolean {
  if (supplierRegions.has(UK_WIDE)) return true;
  for (const region of needRegions) {
    if (supplierRegions.has(region)) return true;
  }
  return false;
}

/** Pence as pounds for people: `5000000` → `£50,000`, `123456` → `£1,234.56`. */
export function formatPence(pence: number): string {
  const negative = pence < 0;
  const abs = Math.abs(Math.round(pence));
  const pounds = Math.floor(abs / 100);
  const rest = abs % 100;
  const grouped = String(pounds).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = rest === 0 ? `£${grouped}` : `£${grouped}.${String(rest).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

function describeRegionFailure(needRegions: readonly string[]): string {
  const specific = needRegions.filter((region) => region !== UK_WIDE);
  if (specific.length === 0) {
    // The need is UK-wide (explicitly or by naming no region): only UK-wide suppliers serve it.
    return `does not serve the whole UK (${UK_WIDE})`;
  }
  if (specific.length === 1 && needRegions.length === 1) return `does not serve region ${specific[0]}`;
  return `does not serve any of the regions ${needRegions.join(', ')}`;
}

/**
 * The eligibility component from counts: the share of applicable checks passed. Every scorer goes
 * through here, so that the same counts always give the same number.
 */
export function eligibilityFraction(applicable: number, failed: number): number {
  return (applicable - failed) / applicable;
}

/** checkEligibility's score without the sentences: for scoring many pairs fast. */
export function eligibilityScore(need: EligibilityRequirements, profile: EligibilityProfile): number {
  let applicable = need.requiredCertifications.length + 1;
  let failed = servesRegion(profile.regions, need.regions) ? 0 : 1;
  for (const certification of need.requiredCertifications) {
    if (!profile.certifications.has(certification)) failed++;
  }
  if (need.budgetMin !== null && profile.maxContractValue !== null) {
    applicable++;
    if (profile.maxContractValue < need.budgetMin) failed++;
  }
  return eligibilityFraction(applicable, failed);
}

/**
 * Checks required certifications (one check each), region served (always one check) and
 * `maxContractValue ≥ budgetMin` (one check when both are known). A supplier failing checks is still
 * scored; `failedRequirements` says why in words a buyer can act on.
 */
export function checkEligibility(need: EligibilityRequirements, profile: EligibilityProfile): EligibilityOutcome {
  const failed: string[] = [];
  let applicable = 0;
  for (const certification of need.requiredCertifications) {
    applicable++;
    if (!profile.certifications.has(certification)) failed.push(`missing certification ${certification}`);
  }
  applicable++;
  if (!servesRegion(profile.regions, need.regions)) failed.push(describeRegionFailure(need.regions));
  if (need.budgetMin !== null && profile.maxContractValue !== null) {
    applicable++;
    if (profile.maxContractValue < need.budgetMin) {
      failed.push(
        `maximum contract value ${formatPence(profile.maxContractValue)} is below the minimum budget ${formatPence(need.budgetMin)}`,
      );
    }
  }
  return { score: eligibilityFraction(applicable, failed.length), failedRequirements: failed };
}
