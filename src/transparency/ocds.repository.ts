import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { NeedStatus } from 'src/needs/domain/need-lifecycle';

export type ReleaseKind = 'tender' | 'award' | 'implementation';

/** Where a release sits in the feed: its date to the microsecond, then its id. */
export interface ReleasePosition {
  /** RFC 3339 in UTC with microseconds, exactly as PostgreSQL holds it (a JS Date would drop them). */
  date: string;
  releaseId: string;
}

export interface ReleaseHeadRow extends ReleasePosition {
  kind: ReleaseKind;
  ocid: string;
  needId: string;
  /** The approved review of an implementation release. */
  reviewId: string | null;
}

export interface OcdsOrganisationRow {
  id: string;
  name: string;
  companiesHouseNumber: string | null;
}

export interface OcdsTenderRow {
  needId: string;
  title: string;
  description: string;
  status: NeedStatus;
  /** Pence. */
  budgetMin: string | null;
  /** Pence. */
  budgetMax: string | null;
  regions: string[];
  requiredCertifications: string[];
  essentialRequirements: string[];
  submissionDeadline: Date | null;
  publishedAt: Date | null;
  /** The need's CPV codes in its own order, with the vocabulary's description. */
  cpv: { code: string; description: string | null }[];
  buyer: OcdsOrganisationRow;
}

export interface OcdsContractRow {
  contractId: string;
  needId: string;
  ocid: string;
  needTitle: string;
  /** Pence. */
  value: string;
  startDate: string;
  endDate: string;
  outcomePaymentShare: string;
  reviewPeriods: number;
  status: 'active' | 'completed' | 'terminated';
  awardedAt: Date;
  buyer: OcdsOrganisationRow;
  supplier: OcdsOrganisationRow;
}

export interface OcdsApprovedReviewRow {
  reviewId: string;
  contractId: string;
  period: number;
  decidedAt: Date;
  weightedAttainment: string;
  rating: string;
  /** Pence. */
  paymentDue: string;
}

// Needs the public may see: published ones, and published ones cancelled later. Drafts and needs
// cancelled while still drafts never reach the register.
const PUBLIC_NEED = `(n.status IN ('open', 'closed', 'awarded') OR (n.status = 'cancelled' AND n.published_at IS NOT NULL))`;

const UTC_MICROSECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

/**
 * Reads for the OCDS register. Only public columns are ever selected: never user ids (awarded_by,
 * submitted_by, decided_by), award reasons, match scores, evidence or unapproved reviews.
 */
@Injectable()
export class OcdsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The next `limit` releases after `after`, ordered by date then id (byte order, whatever the
   * database's collation). A need's tender release is dated by its last change and named by its
   * version, so an edit publishes a new release; an award release by the award; an implementation
   * release by the approval of its review.
   */
  findReleaseHeads(ocidPrefix: string, after: ReleasePosition | null, limit: number): Promise<ReleaseHeadRow[]> {
    return this.dataSource.query(
      `SELECT kind, ocid, "needId", "reviewId", "releaseId", to_char(at AT TIME ZONE 'UTC', ${UTC_MICROSECONDS}) AS date
       FROM (
         SELECT 'tender' AS kind, p.ocid, n.id AS "needId", NULL::uuid AS "reviewId", n.updated_at AS at,
                p.ocid || '-tender-' || n.version AS "releaseId"
         FROM procurement_needs n
         LEFT JOIN contracts c ON c.need_id = n.id
         CROSS JOIN LATERAL (SELECT coalesce(c.ocid, $1 || '-' || n.id::text) AS ocid) p
         WHERE ${PUBLIC_NEED}
         UNION ALL
         SELECT 'award', c.ocid, c.need_id, NULL::uuid, c.awarded_at, c.ocid || '-award'
         FROM contracts c JOIN procurement_needs n ON n.id = c.need_id
         WHERE ${PUBLIC_NEED}
         UNION ALL
         SELECT 'implementation', c.ocid, c.need_id, r.id, r.decided_at, c.ocid || '-implementation-' || r.period
         FROM outcome_reviews r
         JOIN contracts c ON c.id = r.contract_id
         JOIN procurement_needs n ON n.id = c.need_id
         WHERE r.status = 'approved' AND r.decided_at IS NOT NULL AND ${PUBLIC_NEED}
       ) releases
       WHERE $2::timestamptz IS NULL OR at > $2::timestamptz OR (at = $2::timestamptz AND "releaseId" COLLATE "C" > $3)
       ORDER BY at, "releaseId" COLLATE "C"
       LIMIT $4`,
      [ocidPrefix, after?.date ?? null, after?.releaseId ?? null, limit],
    );
  }

  async findTenders(needIds: string[]): Promise<OcdsTenderRow[]> {
    if (needIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT n.id AS "needId", n.title, n.description, n.status, n.budget_min::text AS "budgetMin", n.budget_max::text AS "budgetMax",
              n.regions, n.required_certifications AS "requiredCertifications", n.essential_requirements AS "essentialRequirements",
              n.submission_deadline AS "submissionDeadline", n.published_at AS "publishedAt",
              coalesce((
                SELECT json_agg(json_build_object('code', code.value, 'description', cpv.description) ORDER BY code.position)
                FROM unnest(n.cpv_codes) WITH ORDINALITY AS code(value, position)
                LEFT JOIN cpv_codes cpv ON cpv.code = code.value
              ), '[]'::json) AS cpv,
              json_build_object('id', o.id, 'name', o.name, 'companiesHouseNumber', o.companies_house_number) AS buyer
       FROM procurement_needs n JOIN organisations o ON o.id = n.organisation_id
       WHERE n.id = ANY($1::uuid[]) AND ${PUBLIC_NEED}`,
      [needIds],
    );
  }

  async findContracts(needIds: string[]): Promise<OcdsContractRow[]> {
    if (needIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT c.id AS "contractId", c.need_id AS "needId", c.ocid, n.title AS "needTitle", c.value::text AS value,
              to_char(c.start_date, 'YYYY-MM-DD') AS "startDate", to_char(c.end_date, 'YYYY-MM-DD') AS "endDate",
              c.outcome_payment_share::text AS "outcomePaymentShare", c.review_periods AS "reviewPeriods", c.status,
              c.awarded_at AS "awardedAt",
              json_build_object('id', b.id, 'name', b.name, 'companiesHouseNumber', b.companies_house_number) AS buyer,
              json_build_object('id', s.id, 'name', s.name, 'companiesHouseNumber', s.companies_house_number) AS supplier
       FROM contracts c
       JOIN procurement_needs n ON n.id = c.need_id
       JOIN organisations b ON b.id = c.organisation_id
       JOIN organisations s ON s.id = c.supplier_id
       WHERE c.need_id = ANY($1::uuid[]) AND ${PUBLIC_NEED}`,
      [needIds],
    );
  }

  /** Approved reviews only: a submitted or rejected review's figures are never published. */
  async findApprovedReviews(reviewIds: string[]): Promise<OcdsApprovedReviewRow[]> {
    if (reviewIds.length === 0) return [];
    return this.dataSource.query(
      `SELECT id AS "reviewId", contract_id AS "contractId", period, decided_at AS "decidedAt",
              weighted_attainment::text AS "weightedAttainment", rating, payment_due::text AS "paymentDue"
       FROM outcome_reviews WHERE id = ANY($1::uuid[]) AND status = 'approved' AND decided_at IS NOT NULL`,
      [reviewIds],
    );
  }
}
