import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { MatchComponents, MatchExplanation } from 'src/matching/domain/matching.types';
import type { MatchDecision } from 'src/matching/match.entity';

export interface MatchRow {
  supplierId: string;
  supplierName: string;
  supplierExternalId: string | null;
  score: number;
  components: MatchComponents;
  explanation: MatchExplanation;
  scorerVersion: string;
  needVersion: number;
  profileVersion: number;
  computedAt: Date;
  decision: MatchDecision | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

export interface OpportunityRow {
  needId: string;
  title: string;
  buyerOrganisationId: string;
  buyerName: string;
  submissionDeadline: Date | null;
  budgetMin: string | null;
  budgetMax: string | null;
  score: number;
  components: MatchComponents;
  explanation: MatchExplanation;
  computedAt: Date;
}

const MATCH_COLUMNS = `m.supplier_id AS "supplierId", o.name AS "supplierName", o.external_id AS "supplierExternalId",
  m.score::float8 AS score, m.components, m.explanation, m.scorer_version AS "scorerVersion",
  m.need_version AS "needVersion", m.profile_version AS "profileVersion", m.computed_at AS "computedAt",
  m.decision, m.decision_reason AS "decisionReason", m.decided_by AS "decidedBy", m.decided_at AS "decidedAt"`;

/** The API's reads of matches, ranked the way the buyer sees them: score, then supplier id. */
@Injectable()
export class MatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  async findPage(needId: string, offset: number, limit: number): Promise<{ rows: MatchRow[]; total: number }> {
    // One round trip: the page and the total, using the (need_id, score DESC, supplier_id) index.
    const rows = await this.dataSource.query(
      `SELECT ${MATCH_COLUMNS}, count(*) OVER () AS total
       FROM matches m JOIN organisations o ON o.id = m.supplier_id
       WHERE m.need_id = $1 ORDER BY m.score DESC, m.supplier_id LIMIT $2 OFFSET $3`,
      [needId, limit, offset],
    );
    const total = rows.length ? Number(rows[0].total) : await this.count(needId);
    return { rows, total };
  }

  /**
   * Everything GET /needs/:id/matches shows, in one round trip: the need's owner, status and
   * version, its scoring state and one ranked page, aggregated as JSON so that PostgreSQL sends
   * (and pg parses) one value rather than a row per match. This is the hottest read of the API.
   */
  async findListing(
    needId: string,
    offset: number,
    limit: number,
  ): Promise<{
    need: { organisationId: string; status: string; version: number } | null;
    state: { scoredVersion: number; scoredAt: string } | null;
    rows: (Omit<MatchRow, 'computedAt' | 'decidedAt'> & { computedAt: string; decidedAt: string | null })[];
    total: number;
  }> {
    const [row] = await this.dataSource.query(
      `SELECT
         (SELECT json_build_object('organisationId', organisation_id, 'status', status, 'version', version)
            FROM procurement_needs WHERE id = $1) AS need,
         (SELECT json_build_object('scoredVersion', scored_version, 'scoredAt', scored_at)
            FROM need_matching_state WHERE need_id = $1) AS state,
         (SELECT count(*)::int FROM matches WHERE need_id = $1) AS total,
         (SELECT coalesce(json_agg(page ORDER BY page.score DESC, page."supplierId"), '[]'::json) FROM (
            SELECT ${MATCH_COLUMNS.replace('m.score::float8 AS score', 'm.score::float8 AS score')}
            FROM matches m JOIN organisations o ON o.id = m.supplier_id
            WHERE m.need_id = $1 ORDER BY m.score DESC, m.supplier_id LIMIT $2 OFFSET $3
          ) page) AS items`,
      [needId, limit, offset],
    );
    return { need: row.need, state: row.state, rows: row.items, total: row.total };
  }

  async count(needId: string): Promise<number> {
    const [row] = await this.dataSource.query(`SELECT count(*)::int AS n FROM matches WHERE need_id = $1`, [needId]);
    return row.n;
  }

  async findOne(needId: string, supplierId: string, manager: EntityManager | DataSource = this.dataSource): Promise<MatchRow | null> {
    const rows = await manager.query(
      `SELECT ${MATCH_COLUMNS} FROM matches m JOIN organisations o ON o.id = m.supplier_id
       WHERE m.need_id = $1 AND m.supplier_id = $2`,
      [needId, supplierId],
    );
    return rows[0] ?? null;
  }

  /** The rank the supplier holds now, counted the way the list counts it. */
  async rankOf(needId: string, supplierId: string, manager: EntityManager | DataSource = this.dataSource): Promise<number | null> {
    const [row] = await manager.query(
      `SELECT rank FROM (
         SELECT supplier_id, row_number() OVER (ORDER BY score DESC, supplier_id) AS rank FROM matches WHERE need_id = $1
       ) ranked WHERE supplier_id = $2`,
      [needId, supplierId],
    );
    return row ? Number(row.rank) : null;
  }

  /**
   * What an award must freeze and check: the supplier's score and rank now, its decision, and the
   * best rank held by any shortlisted supplier.
   */
  async awardEvidence(
    manager: EntityManager,
    needId: string,
    supplierId: string,
  ): Promise<{ score: number; rank: number; decision: MatchDecision | null; bestShortlistedRank: number | null } | null> {
    const [row] = await manager.query(
      `WITH ranked AS (
         SELECT supplier_id, score, decision, row_number() OVER (ORDER BY score DESC, supplier_id) AS rank
         FROM matches WHERE need_id = $1
       )
       SELECT r.score::float8 AS score, r.rank::int AS rank, r.decision,
              (SELECT min(rank)::int FROM ranked WHERE decision = 'shortlisted') AS "bestShortlistedRank"
       FROM ranked r WHERE r.supplier_id = $2`,
      [needId, supplierId],
    );
    return row ?? null;
  }

  async scoringState(needId: string): Promise<{ scoredVersion: number; scoredAt: Date } | null> {
    const [row] = await this.dataSource.query(
      `SELECT scored_version AS "scoredVersion", scored_at AS "scoredAt" FROM need_matching_state WHERE need_id = $1`,
      [needId],
    );
    return row ?? null;
  }

  async setDecision(
    manager: EntityManager,
    needId: string,
    supplierId: string,
    decision: { decision: MatchDecision; reason: string; decidedBy: string; decidedAt: Date },
  ): Promise<boolean> {
    const [, affected] = await manager.query(
      `UPDATE matches SET decision = $3, decision_reason = $4, decided_by = $5, decided_at = $6
       WHERE need_id = $1 AND supplier_id = $2`,
      [needId, supplierId, decision.decision, decision.reason, decision.decidedBy, decision.decidedAt],
    );
    return affected === 1;
  }

  async findOpportunities(supplierId: string, offset: number, limit: number): Promise<{ rows: OpportunityRow[]; total: number }> {
    const rows = await this.dataSource.query(
      `SELECT n.id AS "needId", n.title, n.organisation_id AS "buyerOrganisationId", o.name AS "buyerName",
              n.submission_deadline AS "submissionDeadline", n.budget_min AS "budgetMin", n.budget_max AS "budgetMax",
              m.score::float8 AS score, m.components, m.explanation, m.computed_at AS "computedAt",
              count(*) OVER () AS total
       FROM matches m
       JOIN procurement_needs n ON n.id = m.need_id AND n.status = 'open'
       JOIN organisations o ON o.id = n.organisation_id
       WHERE m.supplier_id = $1
       ORDER BY m.score DESC, n.id LIMIT $2 OFFSET $3`,
      [supplierId, limit, offset],
    );
    return { rows, total: rows.length ? Number(rows[0].total) : 0 };
  }
}
