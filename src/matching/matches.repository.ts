import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { totalOfPage } from 'src/common/pagination/pagination';
import type { MatchComponents, MatchExplanation } from 'src/matching/domain/matching.types';
import type { MatchDecision } from 'src/matching/match.entity';
import { lockNeeds, trimFromRows } from 'src/matching/matching.repository';

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

/**
 * A supplier's ($1) matches with their open needs: its own rows first (a few hundred at most,
 * through matches_supplier_idx), then each one's need by key. Written so, the plan does not hang on
 * statistics: joined plainly, a table without them was read need by need, every open need probed
 * for this supplier (80 ms at 10k needs, against 9 ms for a supplier kept in 820 of them).
 */
const SUPPLIER_OPEN_MATCHES = `(SELECT need_id, score, components, explanation, computed_at FROM matches WHERE supplier_id = $1 OFFSET 0) m
  CROSS JOIN LATERAL (SELECT id, title, organisation_id, submission_deadline, budget_min, budget_max
                      FROM procurement_needs WHERE id = m.need_id AND status = 'open' OFFSET 0) n`;

const MATCH_COLUMNS = `m.supplier_id AS "supplierId", o.name AS "supplierName", o.external_id AS "supplierExternalId",
  m.score::float8 AS score, m.components, m.explanation, m.scorer_version AS "scorerVersion",
  m.need_version AS "needVersion", m.profile_version AS "profileVersion", m.computed_at AS "computedAt",
  m.decision, m.decision_reason AS "decisionReason", m.decided_by AS "decidedBy", m.decided_at AS "decidedAt"`;

/** A timestamptz as JavaScript's toISOString writes it: UTC, milliseconds, Z. */
function isoText(column: string): string {
  return `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
}

/** The API's reads of matches, ranked the way the buyer sees them: score, then supplier id. */
@Injectable()
export class MatchesRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * GET /needs/:id/matches, the API's hottest read, in one round trip: the need's owner and the
   * whole answer body, which PostgreSQL builds as JSON text so that the API neither parses nor
   * re-serialises a row per match (it checks the owner and sends the text as it is). The body has
   * exactly the fields and formats of MatchPageResponse and toMatchItemResponse; the e2e tests
   * compare the two. Null when the need does not exist.
   */
  async findListingBody(needId: string, page: number, pageSize: number): Promise<{ organisationId: string; body: string } | null> {
    const offset = (page - 1) * pageSize;
    // row_to_json writes compact JSON (json_build_object would put spaces around every colon).
    const [row] = await this.dataSource.query(
      `SELECT n.organisation_id AS "organisationId", (SELECT row_to_json(answer)::text FROM (SELECT
         -- An open need is complete once its current version is scored; a closed or awarded one
         -- keeps the ranking it had, and a draft has none yet.
         CASE WHEN s.need_id IS NOT NULL AND (n.status <> 'open' OR s.scored_version >= n.version) THEN 'complete' ELSE 'pending' END AS status,
         ${isoText('s.scored_at')} AS "scoredAt",
         $4::int AS page,
         $2::int AS "pageSize",
         (SELECT count(*)::int FROM matches WHERE need_id = $1) AS total,
         (SELECT coalesce(json_agg(row_to_json(item) ORDER BY item.rank), '[]'::json) FROM (SELECT
             m.supplier_id AS "supplierId", o.name AS "supplierName", o.external_id AS "supplierExternalId",
             m.score::float8 AS score, $3::int + m.position AS rank,
             m.components, m.explanation,
             CASE WHEN m.decision IS NULL OR m.decided_at IS NULL THEN NULL ELSE (SELECT row_to_json(decided) FROM (SELECT
               m.decision, coalesce(m.decision_reason, '') AS reason, coalesce(m.decided_by::text, '') AS "decidedBy",
               ${isoText('m.decided_at')} AS "decidedAt") decided) END AS decision,
             m.scorer_version AS "scorerVersion", m.need_version AS "needVersion", m.profile_version AS "profileVersion",
             ${isoText('m.computed_at')} AS "computedAt"
           FROM (SELECT *, row_number() OVER (ORDER BY score DESC, supplier_id) AS position
                 FROM (SELECT * FROM matches WHERE need_id = $1 ORDER BY score DESC, supplier_id LIMIT $2 OFFSET $3) ranked_page) m
           JOIN organisations o ON o.id = m.supplier_id) item) AS items
       ) answer) AS body
       FROM procurement_needs n LEFT JOIN need_matching_state s ON s.need_id = n.id
       WHERE n.id = $1`,
      [needId, pageSize, offset, page],
    );
    return row ?? null;
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

  /** Takes the need's matches lock (see lockNeeds) for the rest of the transaction. */
  lockNeed(manager: EntityManager, needId: string): Promise<void> {
    return lockNeeds(manager, [needId]);
  }

  /** Records a decision (the caller holds the need's lock) and the need's kept state that follows. */
  async setDecision(
    manager: EntityManager,
    needId: string,
    supplierId: string,
    decision: { decision: MatchDecision; reason: string; decidedBy: string; decidedAt: Date },
    keep: number,
  ): Promise<boolean> {
    const [, affected] = await manager.query(
      `UPDATE matches SET decision = $3, decision_reason = $4, decided_by = $5, decided_at = $6
       WHERE need_id = $1 AND supplier_id = $2`,
      [needId, supplierId, decision.decision, decision.reason, decision.decidedBy, decision.decidedAt],
    );
    // A decided row leaves the need's kept count: the need's state is worked out again from its rows.
    await trimFromRows(manager, [needId], keep);
    return affected === 1;
  }

  /**
   * The supplier's open needs, best first, with the number of them. A page past the end still says
   * how many there are.
   */
  async findOpportunities(supplierId: string, offset: number, limit: number): Promise<{ rows: OpportunityRow[]; total: number }> {
    const rows = await this.dataSource.query(
      `SELECT n.id AS "needId", n.title, n.organisation_id AS "buyerOrganisationId", o.name AS "buyerName",
              n.submission_deadline AS "submissionDeadline", n.budget_min AS "budgetMin", n.budget_max AS "budgetMax",
              m.score::float8 AS score, m.components, m.explanation, m.computed_at AS "computedAt",
              count(*) OVER () AS total
       FROM ${SUPPLIER_OPEN_MATCHES}
       JOIN organisations o ON o.id = n.organisation_id
       ORDER BY m.score DESC, n.id LIMIT $2 OFFSET $3`,
      [supplierId, limit, offset],
    );
    const total = await totalOfPage(rows, offset, async () => {
      const [count] = await this.dataSource.query(`SELECT count(*)::int AS total FROM ${SUPPLIER_OPEN_MATCHES}`, [supplierId]);
      return count.total;
    });
    return { rows, total };
  }
}
