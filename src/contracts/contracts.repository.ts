import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { totalOfPage } from 'src/common/pagination/pagination';
import { ContractEntity, ContractOutcomeEntity, OutcomeReviewEntity, ReviewMeasurementEntity } from 'src/contracts/contract.entity';

export interface ContractListFilters {
  supplierId?: string;
  organisationId?: string;
  needId?: string;
  offset: number;
  limit: number;
}

export interface ContractRow extends ContractEntity {
  needTitle: string;
  supplierName: string;
}

// The list's filters: a supplier ($1), a buyer organisation ($2), a need ($3); null matches any.
const CONTRACT_FILTERS = `($1::uuid IS NULL OR c.supplier_id = $1) AND ($2::uuid IS NULL OR c.organisation_id = $2) AND ($3::uuid IS NULL OR c.need_id = $3)`;

const CONTRACT_COLUMNS = `c.id, c.need_id AS "needId", c.organisation_id AS "organisationId", c.supplier_id AS "supplierId", c.ocid,
  c.value, c.currency, to_char(c.start_date, 'YYYY-MM-DD') AS "startDate", to_char(c.end_date, 'YYYY-MM-DD') AS "endDate",
  c.outcome_payment_share::text AS "outcomePaymentShare", c.review_periods AS "reviewPeriods", c.award_reason AS "awardReason",
  c.awarded_by AS "awardedBy", c.awarded_at AS "awardedAt", c.award_score::text AS "awardScore", c.award_rank AS "awardRank",
  c.status, n.title AS "needTitle", o.name AS "supplierName"`;

@Injectable()
export class ContractsRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertContract(manager: EntityManager, values: Omit<ContractEntity, 'id' | 'status' | 'currency'>): Promise<ContractEntity> {
    const entity = manager.create(ContractEntity, { ...values, currency: 'GBP', status: 'active' });
    return manager.save(entity);
  }

  async insertOutcomes(manager: EntityManager, outcomes: Omit<ContractOutcomeEntity, 'id'>[]): Promise<ContractOutcomeEntity[]> {
    return manager.save(outcomes.map((outcome) => manager.create(ContractOutcomeEntity, outcome)));
  }

  async unknownIndicatorIds(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows = await this.dataSource.query(`SELECT id FROM roadmap_indicators WHERE id = ANY($1::uuid[])`, [ids]);
    const known = new Set(rows.map((row: { id: string }) => row.id));
    return new Set(ids.filter((id) => !known.has(id)));
  }

  async findById(id: string, manager: EntityManager | DataSource = this.dataSource): Promise<ContractRow | null> {
    const [row] = await manager.query(
      `SELECT ${CONTRACT_COLUMNS} FROM contracts c JOIN procurement_needs n ON n.id = c.need_id JOIN organisations o ON o.id = c.supplier_id
       WHERE c.id = $1`,
      [id],
    );
    return row ?? null;
  }

  /** Locks the contract so that approvals of its reviews (and the cap on payments) serialise. */
  async lock(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`SELECT 1 FROM contracts WHERE id = $1 FOR UPDATE`, [id]);
  }

  async findPage(filters: ContractListFilters): Promise<{ rows: ContractRow[]; total: number }> {
    const filterValues = [filters.supplierId ?? null, filters.organisationId ?? null, filters.needId ?? null];
    const rows = await this.dataSource.query(
      `SELECT ${CONTRACT_COLUMNS}, count(*) OVER () AS total
       FROM contracts c JOIN procurement_needs n ON n.id = c.need_id JOIN organisations o ON o.id = c.supplier_id
       WHERE ${CONTRACT_FILTERS}
       ORDER BY c.awarded_at DESC, c.id LIMIT $4 OFFSET $5`,
      [...filterValues, filters.limit, filters.offset],
    );
    const total = await totalOfPage(rows, filters.offset, async () => {
      const [count] = await this.dataSource.query(`SELECT count(*)::int AS total FROM contracts c WHERE ${CONTRACT_FILTERS}`, filterValues);
      return count.total;
    });
    return { rows, total };
  }

  async outcomesOf(contractIds: string[], manager: EntityManager | DataSource = this.dataSource): Promise<ContractOutcomeEntity[]> {
    if (contractIds.length === 0) return [];
    return manager.query(
      `SELECT id, contract_id AS "contractId", position, name, unit, baseline::text AS baseline, target::text AS target, direction,
              weight::text AS weight, indicator_id AS "indicatorId"
       FROM contract_outcomes WHERE contract_id = ANY($1::uuid[]) ORDER BY contract_id, position`,
      [contractIds],
    );
  }

  async reviewsOf(contractIds: string[], manager: EntityManager | DataSource = this.dataSource): Promise<OutcomeReviewEntity[]> {
    if (contractIds.length === 0) return [];
    return manager.query(
      `SELECT id, contract_id AS "contractId", period, status, submitted_by AS "submittedBy", submitted_at AS "submittedAt",
              decided_by AS "decidedBy", decided_at AS "decidedAt", decision_reason AS "decisionReason",
              weighted_attainment::text AS "weightedAttainment", rating, pot::text AS pot, payment_due::text AS "paymentDue"
       FROM outcome_reviews WHERE contract_id = ANY($1::uuid[]) ORDER BY contract_id, period, submitted_at`,
      [contractIds],
    );
  }

  async measurementsOf(reviewIds: string[], manager: EntityManager | DataSource = this.dataSource): Promise<ReviewMeasurementEntity[]> {
    if (reviewIds.length === 0) return [];
    return manager.query(
      `SELECT m.review_id AS "reviewId", m.outcome_id AS "outcomeId", m.value::text AS value, m.evidence,
              m.attainment_exact AS "attainmentExact", m.attainment::text AS attainment
       FROM review_measurements m JOIN contract_outcomes o ON o.id = m.outcome_id
       WHERE m.review_id = ANY($1::uuid[]) ORDER BY m.review_id, o.position`,
      [reviewIds],
    );
  }

  /** Pence approved for the contract's periods other than `exceptPeriod`. */
  async approvedPaymentsExcept(manager: EntityManager, contractId: string, exceptPeriod: number): Promise<bigint> {
    const [row] = await manager.query(
      `SELECT coalesce(sum(payment_due), 0)::text AS paid FROM outcome_reviews WHERE contract_id = $1 AND status = 'approved' AND period <> $2`,
      [contractId, exceptPeriod],
    );
    return BigInt(row.paid);
  }

  async insertReview(
    manager: EntityManager,
    review: Omit<OutcomeReviewEntity, 'id' | 'decidedBy' | 'decidedAt' | 'decisionReason'>,
    measurements: Omit<ReviewMeasurementEntity, 'reviewId'>[],
  ): Promise<OutcomeReviewEntity> {
    const saved = await manager.save(manager.create(OutcomeReviewEntity, { ...review, decidedBy: null, decidedAt: null, decisionReason: null }));
    await manager.save(measurements.map((m) => manager.create(ReviewMeasurementEntity, { ...m, reviewId: saved.id })));
    return saved;
  }

  async findReview(manager: EntityManager, contractId: string, reviewId: string): Promise<OutcomeReviewEntity | null> {
    const rows = await this.reviewsOf([contractId], manager);
    return rows.find((review) => review.id === reviewId) ?? null;
  }

  async decideReview(
    manager: EntityManager,
    reviewId: string,
    decision: { status: 'approved' | 'rejected'; decidedBy: string; decidedAt: Date; reason: string | null; paymentDue?: bigint },
  ): Promise<void> {
    await manager.query(
      `UPDATE outcome_reviews SET status = $2, decided_by = $3, decided_at = $4, decision_reason = $5,
         payment_due = coalesce($6::bigint, payment_due)
       WHERE id = $1 AND status = 'submitted'`,
      [reviewId, decision.status, decision.decidedBy, decision.decidedAt, decision.reason, decision.paymentDue?.toString() ?? null],
    );
  }
}
