import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { CommitmentStatus } from 'src/roadmap/roadmap-commitment.entity';
import type { IndicatorDirection } from 'src/roadmap/roadmap-indicator.entity';

export type ProgressGroupKind = 'commitment' | 'priority' | 'aim';

// numeric and bigint results are selected as text: exact decimals, turned into JSON numbers at the edge.

/** Activity and outcome totals of one commitment, priority or aim. */
export interface ProgressTotalsRow {
  kind: ProgressGroupKind;
  /** The commitment id, the priority number or the aim code. */
  key: string;
  /** The priority or aim code; null for a commitment. Rows come by kind, then in the roadmap's order. */
  code: string | null;
  title: string;
  commitmentIds: string[];
  needsOpen: number;
  needsClosed: number;
  needsAwarded: number;
  needsCancelled: number;
  needsTotal: number;
  contractsAwarded: number;
  /** Pence. */
  valueAwarded: string;
  indicators: number;
  indicatorsWithData: number;
  linkedOutcomes: number;
  outcomesWithApprovedReview: number;
  /** Simple mean of the progress of the indicators that have any; null when none has. */
  meanIndicatorProgress: string | null;
}

export interface ProgressCommitmentRow {
  id: string;
  priority: number;
  aims: string[];
  title: string;
  leadDepartment: string;
  dueDate: string;
  status: CommitmentStatus;
}

export interface ProgressIndicatorRow {
  id: string;
  commitmentId: string;
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: IndicatorDirection;
  outcomesWithApprovedReview: number;
  /** 0–1: how far from baseline to target, from the linked outcomes' latest approved attainment. */
  progress: string | null;
  /** The indicator's value implied by `progress`, in its own unit. */
  estimatedValue: string | null;
}

export interface ProgressOutcomeRow {
  outcomeId: string;
  indicatorId: string;
  contractId: string;
  ocid: string;
  name: string;
  unit: string;
  baseline: string;
  target: string;
  direction: IndicatorDirection;
  /** Pence. */
  contractValue: string;
  latestApprovedPeriod: number | null;
  /** 0–1, from the contract's approved review of the highest period; null until one is approved. */
  attainment: string | null;
}

export interface ProgressSnapshot {
  totals: ProgressTotalsRow[];
  commitments: ProgressCommitmentRow[];
  indicators: ProgressIndicatorRow[];
  outcomes: ProgressOutcomeRow[];
}

// Needs the public can see: published ones, and published ones cancelled later. Drafts, and needs
// cancelled while still drafts, never count: the roll-up is public.
const PUBLIC_NEED = `(n.status IN ('open', 'closed', 'awarded') OR (n.status = 'cancelled' AND n.published_at IS NOT NULL))`;

// Every contract outcome that feeds a roadmap indicator, with its attainment in the contract's
// latest approved review (the approved one of the highest period). Submitted and rejected reviews
// never count. The latest review of every contract is found once, then joined by key.
const LINKED_OUTCOMES = `
  latest_approved_review AS (
    SELECT DISTINCT ON (r.contract_id) r.contract_id, r.id, r.period
    FROM outcome_reviews r
    WHERE r.status = 'approved'
    ORDER BY r.contract_id, r.period DESC
  ),
  linked_outcomes AS (
    SELECT o.id AS outcome_id, o.indicator_id, o.contract_id, o.position, o.name, o.unit, o.baseline, o.target,
           o.direction, c.ocid, c.value AS contract_value, latest.period AS latest_period, m.attainment
    FROM contract_outcomes o
    JOIN contracts c ON c.id = o.contract_id
    LEFT JOIN latest_approved_review latest ON latest.contract_id = o.contract_id
    LEFT JOIN review_measurements m ON m.review_id = latest.id AND m.outcome_id = o.id
    WHERE o.indicator_id IS NOT NULL
  )`;

// An indicator's progress is the mean of its linked outcomes' latest attainment, weighted by the value
// of each outcome's contract: a £2m contract's result moves the indicator more than a £50k one's.
// Outcomes with no approved review yet are left out of the mean rather than counted as 0.
const INDICATOR_PROGRESS = `
  ${LINKED_OUTCOMES},
  indicator_progress AS (
    SELECT i.id, i.commitment_id,
           count(lo.outcome_id)::int AS linked_outcomes,
           count(lo.attainment)::int AS attained_outcomes,
           sum(lo.contract_value * lo.attainment)
             / nullif(sum(lo.contract_value) FILTER (WHERE lo.attainment IS NOT NULL), 0) AS progress
    FROM roadmap_indicators i
    LEFT JOIN linked_outcomes lo ON lo.indicator_id = i.id
    GROUP BY i.id, i.commitment_id
  )`;

/**
 * Reads for GET /roadmap/progress. Everything is aggregated in PostgreSQL; what comes back is one row
 * per commitment, priority, aim, indicator and linked outcome, never the needs or reviews themselves.
 */
@Injectable()
export class RoadmapProgressRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** All four reads in one REPEATABLE READ snapshot, so the roll-ups agree with the detail. */
  readSnapshot(): Promise<ProgressSnapshot> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const totals = await this.findTotals(manager);
      const commitments = await this.findCommitments(manager);
      const indicators = await this.findIndicators(manager);
      const outcomes = await this.findLinkedOutcomes(manager);
      return { totals, commitments, indicators, outcomes };
    });
  }

  /**
   * One row per commitment, per priority (all six) and per aim (all five). The three levels share one
   * aggregation over (group, commitment) pairs; a commitment counts toward each of its aims. Needs and
   * contracts are counted once per group, so a need linked to two commitments of one priority is one
   * need of that priority. Measured: about 0.8 s for 100,000 needs each linked to two of 60 commitments,
   * 20,000 contracts and 60,000 approved reviews (the group-by-need pairs dominate).
   */
  private findTotals(manager: EntityManager): Promise<ProgressTotalsRow[]> {
    return manager.query(
      `WITH groups AS (
         SELECT 'commitment'::text AS kind, c.id::text AS key, NULL::text AS code, c.title, 0 AS position, c.id AS commitment_id
         FROM roadmap_commitments c
         UNION ALL
         SELECT 'priority', p.number::text, p.code, p.title, p.number, c.id
         FROM roadmap_priorities p LEFT JOIN roadmap_commitments c ON c.priority = p.number
         UNION ALL
         SELECT 'aim', a.code, a.code, a.title, a.position, c.id
         FROM roadmap_aims a LEFT JOIN roadmap_commitments c ON c.aims @> ARRAY[a.code]::text[]
       ),
       group_commitments AS (
         SELECT kind, key, array_agg(commitment_id) AS commitment_ids
         FROM groups WHERE commitment_id IS NOT NULL GROUP BY kind, key
       ),
       activity AS (
         -- A need belongs to a group when its commitments overlap the group's (&&, served by the GIN
         -- index on commitment_ids): once, however many of the group's commitments it names.
         SELECT gc.kind, gc.key,
                count(*) FILTER (WHERE n.status = 'open')::int AS needs_open,
                count(*) FILTER (WHERE n.status = 'closed')::int AS needs_closed,
                count(*) FILTER (WHERE n.status = 'awarded')::int AS needs_awarded,
                count(*) FILTER (WHERE n.status = 'cancelled')::int AS needs_cancelled,
                count(*)::int AS needs_total,
                count(ct.id)::int AS contracts_awarded,
                coalesce(sum(ct.value), 0) AS value_awarded
         FROM group_commitments gc
         JOIN procurement_needs n ON n.commitment_ids && gc.commitment_ids AND ${PUBLIC_NEED}
         LEFT JOIN contracts ct ON ct.need_id = n.id
         GROUP BY gc.kind, gc.key
       ),
       ${INDICATOR_PROGRESS},
       outcome AS (
         SELECT g.kind, g.key,
                count(ip.id)::int AS indicators,
                count(ip.progress)::int AS indicators_with_data,
                sum(ip.linked_outcomes)::int AS linked_outcomes,
                sum(ip.attained_outcomes)::int AS attained_outcomes,
                avg(ip.progress) AS mean_progress
         FROM groups g JOIN indicator_progress ip ON ip.commitment_id = g.commitment_id
         GROUP BY g.kind, g.key
       ),
       group_list AS (
         SELECT kind, key, code, title, position,
                coalesce(array_agg(commitment_id::text ORDER BY commitment_id) FILTER (WHERE commitment_id IS NOT NULL), '{}') AS commitment_ids
         FROM groups GROUP BY kind, key, code, title, position
       )
       SELECT gl.kind, gl.key, gl.code, gl.title, gl.commitment_ids AS "commitmentIds",
              coalesce(a.needs_open, 0) AS "needsOpen", coalesce(a.needs_closed, 0) AS "needsClosed",
              coalesce(a.needs_awarded, 0) AS "needsAwarded", coalesce(a.needs_cancelled, 0) AS "needsCancelled",
              coalesce(a.needs_total, 0) AS "needsTotal", coalesce(a.contracts_awarded, 0) AS "contractsAwarded",
              coalesce(a.value_awarded, 0)::text AS "valueAwarded",
              coalesce(o.indicators, 0) AS indicators, coalesce(o.indicators_with_data, 0) AS "indicatorsWithData",
              coalesce(o.linked_outcomes, 0) AS "linkedOutcomes", coalesce(o.attained_outcomes, 0) AS "outcomesWithApprovedReview",
              o.mean_progress::text AS "meanIndicatorProgress"
       FROM group_list gl
       LEFT JOIN activity a ON a.kind = gl.kind AND a.key = gl.key
       LEFT JOIN outcome o ON o.kind = gl.kind AND o.key = gl.key
       ORDER BY gl.kind, gl.position, gl.key`,
    );
  }

  /** Ordered as the roadmap reads: by priority, then the nearest due date first. */
  private findCommitments(manager: EntityManager): Promise<ProgressCommitmentRow[]> {
    return manager.query(
      `SELECT id, priority, aims, title, lead_department AS "leadDepartment", to_char(due_date, 'YYYY-MM-DD') AS "dueDate", status
       FROM roadmap_commitments ORDER BY priority, due_date, id`,
    );
  }

  private findIndicators(manager: EntityManager): Promise<ProgressIndicatorRow[]> {
    return manager.query(
      `WITH ${INDICATOR_PROGRESS}
       SELECT i.id, i.commitment_id AS "commitmentId", i.name, i.unit, i.baseline::text AS baseline, i.target::text AS target,
              i.direction, ip.attained_outcomes AS "outcomesWithApprovedReview",
              ip.progress::text AS progress,
              (i.baseline + ip.progress * (i.target - i.baseline))::text AS "estimatedValue"
       FROM roadmap_indicators i JOIN indicator_progress ip ON ip.id = i.id
       ORDER BY i.commitment_id, i.created_at, i.id`,
    );
  }

  private findLinkedOutcomes(manager: EntityManager): Promise<ProgressOutcomeRow[]> {
    return manager.query(
      `WITH ${LINKED_OUTCOMES}
       SELECT outcome_id AS "outcomeId", indicator_id AS "indicatorId", contract_id AS "contractId", ocid, name, unit,
              baseline::text AS baseline, target::text AS target, direction, contract_value::text AS "contractValue",
              latest_period AS "latestApprovedPeriod", attainment::text AS attainment
       FROM linked_outcomes ORDER BY indicator_id, ocid, position`,
    );
  }
}
