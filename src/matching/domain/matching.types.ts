/** A supplier's capability profile as the matching engine sees it. Money is integer pence. */
export interface SupplierProfileInput {
  supplierId: string;
  summary: string;
  /** Short phrases ("GIS data platforms", "user research"). */
  capabilities: string[];
  caseStudies: { title: string; description: string }[];
  /** CPV codes as written, `NNNNNNNN-C` (the check digit is ignored). */
  cpvCodes: string[];
  /** Lower-case kebab-case slugs (`cyber-essentials`, `iso-27001`). */
  certifications: string[];
  /** ITL1 region slugs, or `uk-wide`. */
  regions: string[];
  /** Largest contract the supplier can take on, in pence; null = no limit stated. */
  maxContractValue: number | null;
}

/** A procurement need as the matching engine sees it. Money is integer pence. */
export interface NeedInput {
  needId: string;
  title: string;
  description: string;
  essentialRequirements: string[];
  cpvCodes: string[];
  /** ITL1 region slugs, or `uk-wide`; empty means the whole UK. */
  regions: string[];
  requiredCertifications: string[];
  /** In pence; null = no minimum. */
  budgetMin: number | null;
}

/** Division (2 significant digits), group (3), class (4), category (5+), or the identical code. */
export type CpvMatchLevel = 'exact' | 'category' | 'class' | 'group' | 'division';

export interface CpvMatch {
  need: string;
  supplier: string;
  level: CpvMatchLevel;
}

export interface MatchedTerm {
  /** The need's own word for the term when known, else the stem. */
  term: string;
  /** Share of the text component this term contributed, 0–1. */
  weight: number;
}

export interface MatchComponents {
  /** Text similarity, 0–1. */
  text: number;
  /** Deepest CPV level shared, 0–1. */
  cpv: number;
  /** Share of the applicable eligibility checks passed, 0–1. */
  eligibility: number;
}

export interface MatchExplanation {
  /** Top contributing terms, largest weight first, at most 10. */
  matchedTerms: MatchedTerm[];
  /** The CPV pairs that share the deepest level found, in need-code order. */
  cpvMatches: CpvMatch[];
  /** Failed eligibility checks in plain words; empty when the supplier is eligible. */
  failedRequirements: string[];
}

export interface MatchResult {
  supplierId: string;
  /** 0–100 with one decimal. */
  score: number;
  components: MatchComponents;
  explanation: MatchExplanation;
}

/** A match seen from the supplier's side: which need, and how well this supplier fits it. */
export interface NeedMatchResult extends MatchResult {
  needId: string;
}
