import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { applyKeptChange, KEPT_TAIL_SIZE, tailOfRanking, thresholdOf, type KeptState } from 'src/matching/domain/kept-matches';
import type { MatchResult, NeedInput, SupplierProfileInput } from 'src/matching/domain/matching.types';
import { WebhookEventsService } from 'src/webhooks/webhook-events.service';

export interface ProfileRow extends SupplierProfileInput {
  version: number;
}

export interface NeedRow extends NeedInput {
  version: number;
  status: string;
}

export interface ScoredMatch extends MatchResult {
  profileVersion: number;
}

/** Where a pass through changed rows resumes: after this (transaction id, key). */
export interface ChangeCursor {
  xid: string;
  key: string;
}

export const CURSOR_START_KEY = '00000000-0000-0000-0000-000000000000';

/** A need's new ranking, with the decided matches that fell out of it re-scored. */
export interface NeedRanking {
  needId: string;
  version: number;
  ranked: ScoredMatch[];
  decidedRescored: ScoredMatch[];
}

/** One match row to write: a match of a need at the need's version. */
interface MatchWrite {
  needId: string;
  needVersion: number;
  match: ScoredMatch;
}

export interface NeedThreshold {
  needId: string;
  matchCount: number;
  threshold: number;
}

const PROFILE_COLUMNS = `p.organisation_id AS "supplierId", p.summary, p.capabilities, p.case_studies AS "caseStudies",
  p.cpv_codes AS "cpvCodes", p.certifications, p.regions, p.max_contract_value AS "maxContractValue", p.version`;
const NEED_COLUMNS = `n.id AS "needId", n.title, n.description, n.essential_requirements AS "essentialRequirements",
  n.cpv_codes AS "cpvCodes", n.regions, n.required_certifications AS "requiredCertifications",
  n.budget_min AS "budgetMin", n.version, n.status`;

/**
 * The matching workers' reads and writes. Everything here is written for speed: plain SQL, one
 * round trip per batch, upserts on the natural key (need, supplier).
 */
@Injectable()
export class MatchingRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly webhookEvents: WebhookEventsService,
  ) {}

  /** The oldest transaction still running: every transaction before it has committed or aborted. */
  async currentXmin(): Promise<string> {
    const [row] = await this.dataSource.query(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin`);
    return row.xmin;
  }

  /**
   * A page of profiles written by transactions at or after a transaction id, in (change_xid,
   * supplier) order from a keyset cursor, served by the (change_xid, organisation_id) index. The
   * cursor's transaction id is repeated as a bound of its own: the planner estimates that one
   * from the index's actual end, where it guessed a third of the table for the row comparison
   * and chose to scan it all (7 ms for a 10k-need table, on every job).
   */
  async profilesChangedSince(cursor: ChangeCursor, limit: number): Promise<(ProfileRow & { changeXid: string })[]> {
    const rows = await this.dataSource.query(
      `SELECT ${PROFILE_COLUMNS}, p.change_xid::text AS "changeXid" FROM supplier_profiles p
       WHERE (p.change_xid, p.organisation_id) > ($1::xid8, $2::uuid) AND p.change_xid >= $1::xid8
       ORDER BY p.change_xid, p.organisation_id LIMIT $3`,
      [cursor.xid, cursor.key, limit],
    );
    return rows.map((row: Record<string, unknown>) => ({ ...toProfile(row), changeXid: row.changeXid as string }));
  }

  /** The same for needs (any status: a closed need leaves the open set). */
  async needsChangedSince(cursor: ChangeCursor, limit: number): Promise<(NeedRow & { changeXid: string })[]> {
    const rows = await this.dataSource.query(
      `SELECT ${NEED_COLUMNS}, n.change_xid::text AS "changeXid" FROM procurement_needs n
       WHERE (n.change_xid, n.id) > ($1::xid8, $2::uuid) AND n.change_xid >= $1::xid8
       ORDER BY n.change_xid, n.id LIMIT $3`,
      [cursor.xid, cursor.key, limit],
    );
    return rows.map((row: Record<string, unknown>) => ({ ...toNeed(row), changeXid: row.changeXid as string }));
  }

  /** Needs with the version their matches were last scored at (null when never); unknown ids are left out. */
  async findNeeds(needIds: string[]): Promise<(NeedRow & { scoredVersion: number | null })[]> {
    const rows = await this.dataSource.query(
      `SELECT ${NEED_COLUMNS}, s.scored_version AS "scoredVersion"
       FROM procurement_needs n LEFT JOIN need_matching_state s ON s.need_id = n.id WHERE n.id = ANY($1::uuid[])`,
      [needIds],
    );
    return rows.map((row: Record<string, unknown>) => ({ ...toNeed(row), scoredVersion: row.scoredVersion as number | null }));
  }

  /** One need with the version its matches were last scored at (null when never). */
  async findNeed(needId: string): Promise<(NeedRow & { scoredVersion: number | null }) | null> {
    const [need] = await this.findNeeds([needId]);
    return need ?? null;
  }

  /**
   * Replaces the kept matches of several needs with their new rankings, in one transaction serialised
   * per need (all of them or none): upserts the new rows, drops kept rows that fell out (unless a buyer
   * decided on them, whose scores are refreshed instead), and records the versions scored. A need
   * whose newer version was scored meanwhile is left as it is.
   */
  async replaceNeedMatches(rankings: NeedRanking[], scorerVersion: string, now: Date): Promise<void> {
    if (rankings.length === 0) return;
    // Webhook events for matches that newly qualify are recorded with the matches, sent after commit.
    const webhookEvents: string[] = [];
    await this.dataSource.transaction(async (manager) => {
      await forDerivedWrites(manager);
      await lockNeeds(manager, rankings.map((r) => r.needId));
      const scoredVersions = await scoredVersionsOf(manager, rankings.map((r) => r.needId));
      // A newer version may have been scored while these rankings were computed: never go back.
      const fresh = rankings.filter((r) => (scoredVersions.get(r.needId) ?? 0) <= r.version);
      if (fresh.length === 0) return;
      await upsertMatches(
        manager,
        fresh.flatMap((r) => [...r.ranked, ...r.decidedRescored].map((match) => ({ needId: r.needId, needVersion: r.version, match }))),
        scorerVersion,
        now,
      );
      // A need never scored holds no matches yet (its state row is written with its first ones).
      await deleteFallenOut(manager, fresh.filter((r) => scoredVersions.has(r.needId)));
      // Decided rows are kept outside the count; read under the locks, as a buyer may just have decided.
      await recordScoredNeeds(manager, fresh, await decidedByNeed(manager, fresh.map((r) => r.needId)), now);
      for (const needId of await needsWithSubscribedSuppliers(manager, fresh.map((r) => r.needId))) {
        webhookEvents.push(...(await this.webhookEvents.recordMatchEvents(manager, { needId }, now)));
      }
    });
    await this.webhookEvents.enqueueDeliveries(webhookEvents);
  }

  /** Decided matches of each need (they are kept and re-scored whatever their rank). */
  async decidedSupplierIds(needIds: string[]): Promise<Map<string, string[]>> {
    if (needIds.length === 0) return new Map();
    return decidedByNeed(this.dataSource.manager, needIds);
  }

  /**
   * The same for needs' matching state (each need's kept count and threshold), with whether the
   * need is open. Each row's need is looked up by its key once the page is cut (a subquery per row
   * kept, never a join the planner could reorder): joined, the planner started from the needs
   * whenever its statistics said few were open (a table just filled), and, given the page first,
   * still hashed every need for a page of a few rows (12-15 ms at 10k needs, behind every job).
   * A page is never shorter than the rows it read (a short page ends the pass).
   */
  async thresholdsChangedSince(cursor: ChangeCursor, limit: number): Promise<(NeedThreshold & { changeXid: string; open: boolean })[]> {
    return this.dataSource.query(
      `SELECT s.need_id AS "needId", s.match_count AS "matchCount", s.threshold::float8 AS threshold,
              s.change_xid::text AS "changeXid",
              coalesce((SELECT n.status = 'open' FROM procurement_needs n WHERE n.id = s.need_id), false) AS open
       FROM need_matching_state s
       WHERE (s.change_xid, s.need_id) > ($1::xid8, $2::uuid) AND s.change_xid >= $1::xid8
       ORDER BY s.change_xid, s.need_id LIMIT $3`,
      [cursor.xid, cursor.key, limit],
    );
  }

  async needsHoldingSupplier(supplierId: string): Promise<Map<string, boolean>> {
    const rows = await this.dataSource.query(`SELECT need_id, decision IS NOT NULL AS decided FROM matches WHERE supplier_id = $1`, [supplierId]);
    return new Map(rows.map((row: { need_id: string; decided: boolean }) => [row.need_id, row.decided]));
  }

  /**
   * Applies one supplier's new scores to the needs it enters, stays in or leaves, keeping each need
   * to its best `keep` undecided matches and its state (count, threshold, tail) current; records the
   * profile version scored. Each need's tail (see domain/kept-matches.ts) says which row an entry
   * drops; the needs whose tail cannot tell have their rows read. Returns how many rows of the
   * supplier's were written (an entry that would be a full need's worst is not).
   */
  async applySupplierScores(
    supplier: { supplierId: string; version: number },
    changes: { upserts: MatchWrite[]; removals: string[] },
    keep: number,
    scorerVersion: string,
    now: Date,
  ): Promise<number> {
    let webhookEvents: string[] = [];
    let written = 0;
    await this.dataSource.transaction(async (manager) => {
      await forDerivedWrites(manager);
      const touched = [...new Set([...changes.upserts.map((u) => u.needId), ...changes.removals])].sort();
      await lockNeeds(manager, touched);
      const [state] = await manager.query(`SELECT scored_version FROM supplier_matching_state WHERE supplier_id = $1`, [supplier.supplierId]);
      if (state && state.scored_version > supplier.version) return;
      // Under the locks: what each touched need keeps, and this supplier's rows in them now.
      const kept = await keptStates(manager, touched);
      const current = await supplierRows(manager, supplier.supplierId, touched);
      const plan = planSupplierChanges(supplier.supplierId, changes, kept, current, keep);
      await upsertMatches(manager, plan.upserts, scorerVersion, now);
      written = plan.upserts.length;
      if (changes.removals.length) {
        await manager.query(`DELETE FROM matches WHERE supplier_id = $1 AND need_id = ANY($2::uuid[]) AND decision IS NULL`, [
          supplier.supplierId,
          changes.removals,
        ]);
      }
      // A dropped row decided on since its need's tail was written stays: that need is re-read.
      const dropped = await deleteDropped(manager, plan.drops);
      const reread = new Set([...plan.reread, ...plan.drops.filter((drop) => !dropped.has(drop.needId)).map((drop) => drop.needId)]);
      await writeKeptStates(manager, plan.states.filter((row) => !reread.has(row.needId)));
      await trimFromRows(manager, [...reread], keep);
      await manager.query(
        `INSERT INTO supplier_matching_state (supplier_id, scored_version, scored_at) VALUES ($1, $2, $3)
         ON CONFLICT (supplier_id) DO UPDATE SET scored_version = EXCLUDED.scored_version, scored_at = EXCLUDED.scored_at`,
        [supplier.supplierId, supplier.version, now],
      );
      webhookEvents = await this.webhookEvents.recordMatchEvents(
        manager,
        { supplierId: supplier.supplierId, needIds: plan.upserts.map((u) => u.needId) },
        now,
      );
    });
    await this.webhookEvents.enqueueDeliveries(webhookEvents);
    return written;
  }

  /** Open needs whose current version has no scored matches yet. */
  async needsOwedScoring(limit: number): Promise<{ needId: string; version: number }[]> {
    return this.dataSource.query(
      `SELECT n.id AS "needId", n.version FROM procurement_needs n
       LEFT JOIN need_matching_state s ON s.need_id = n.id
       WHERE n.status = 'open' AND (s.need_id IS NULL OR s.scored_version < n.version)
       ORDER BY n.published_at LIMIT $1`,
      [limit],
    );
  }

  /**
   * Profiles whose current version has not been scored and that changed after some open need was
   * last ranked (a need ranked later already considered them in full).
   */
  async profilesOwedScoring(limit: number): Promise<{ supplierId: string; version: number }[]> {
    return this.dataSource.query(
      `WITH oldest AS (
         SELECT min(s.scored_at) AS at FROM need_matching_state s JOIN procurement_needs n ON n.id = s.need_id WHERE n.status = 'open'
       )
       SELECT p.organisation_id AS "supplierId", p.version FROM supplier_profiles p
       LEFT JOIN supplier_matching_state s ON s.supplier_id = p.organisation_id, oldest
       WHERE (s.supplier_id IS NULL OR s.scored_version < p.version) AND p.updated_at >= oldest.at
       ORDER BY p.updated_at LIMIT $1`,
      [limit],
    );
  }

  async openNeedIds(): Promise<{ needId: string; version: number }[]> {
    return this.dataSource.query(`SELECT id AS "needId", version FROM procurement_needs WHERE status = 'open' ORDER BY id`);
  }
}

/**
 * Settings for a worker's write transaction, in one round trip:
 * - jit off: these statements touch a few thousand rows by index, yet their estimates can be far
 *   off (a table just filled, stats not yet analysed); past jit_above_cost, PostgreSQL then spends
 *   ~100 ms compiling what runs in ~10 ms. The worker's writes never gain from JIT.
 * - synchronous_commit off: the commit returns before its WAL is flushed to disk (PostgreSQL's
 *   asynchronous commit). Everything written here is derived from profiles and needs, which are
 *   committed durably by the API. A PostgreSQL crash can lose at most the last few hundred ms of
 *   these transactions, each whole, never a part (and never one a durable commit since then
 *   depended on: a buyer's decision flushes the WAL before it). What is lost is owed again by the
 *   state tables, and the reconcile pass runs it again (JobsService.enqueueOwed). Waiting for the
 *   flush was about a fifth of a need job's time (see README, Benchmarks).
 */
async function forDerivedWrites(manager: EntityManager): Promise<void> {
  await manager.query(`SET LOCAL jit = off; SET LOCAL synchronous_commit = off`);
}

/**
 * Serialises writers of the same need's matches and state (need jobs, profile jobs, buyers'
 * decisions), always in id order so that two of them can never wait on each other.
 */
export async function lockNeeds(manager: EntityManager, needIds: string[]): Promise<void> {
  if (needIds.length === 0) return;
  await manager.query(
    `SELECT pg_advisory_xact_lock(hashtextextended(id::text, 727003)) FROM unnest($1::uuid[]) AS id ORDER BY id`,
    [[...needIds].sort()],
  );
}

/** One supplier's changes to the needs it touched, as applySupplierScores writes them. */
interface SupplierChangePlan {
  upserts: MatchWrite[];
  /** Rows that fall out of a full need (by its tail). */
  drops: { needId: string; supplierId: string }[];
  states: { needId: string; state: KeptState }[];
  /** Needs whose tail cannot tell: their rows are read and trimmed (trimFromRows). */
  reread: string[];
}

/**
 * What each touched need keeps after the supplier's changes, from its state alone where its tail
 * can tell. Rows a buyer decided on are written (re-scored) but never counted, kept or dropped.
 */
function planSupplierChanges(
  supplierId: string,
  changes: { upserts: MatchWrite[]; removals: string[] },
  kept: Map<string, KeptState>,
  current: Map<string, { score: number; decided: boolean }>,
  keep: number,
): SupplierChangePlan {
  const plan: SupplierChangePlan = { upserts: [], drops: [], states: [], reread: [] };
  const upsertOf = new Map(changes.upserts.map((upsert) => [upsert.needId, upsert]));
  for (const needId of new Set([...upsertOf.keys(), ...changes.removals])) {
    const upsert = upsertOf.get(needId);
    const row = current.get(needId);
    const state = kept.get(needId);
    if (row?.decided) {
      if (upsert) plan.upserts.push(upsert);
      continue;
    }
    const currentScore = row ? row.score : null;
    const outcome =
      state &&
      applyKeptChange(
        state,
        upsert
          ? { kind: 'score', supplierId, score: upsert.match.score, current: currentScore }
          : { kind: 'remove', supplierId, current: currentScore },
        keep,
      );
    if (!outcome) {
      if (upsert) plan.upserts.push(upsert);
      plan.reread.push(needId);
      continue;
    }
    if (upsert && outcome.written) plan.upserts.push(upsert);
    if (outcome.dropped !== null) plan.drops.push({ needId, supplierId: outcome.dropped });
    if (!sameKept(state!, outcome.state)) plan.states.push({ needId, state: outcome.state });
  }
  return plan;
}

function sameKept(a: KeptState, b: KeptState): boolean {
  return (
    a.count === b.count &&
    a.tail.length === b.tail.length &&
    a.tail.every((entry, i) => entry.supplierId === b.tail[i].supplierId && entry.score === b.tail[i].score)
  );
}

/**
 * Each need's kept count and tail as recorded (needs never scored have no state). Each state row is
 * looked up by its key (LATERAL, kept apart from the join order by OFFSET 0): given the list as
 * `need_id = ANY(...)`, the planner scanned all 10k states whenever its statistics were missing.
 * Tails come back as comma-separated text, which the driver hands over as is (with its array
 * parser, reading a broad profile's 700 states took about twice what PostgreSQL spent on them).
 */
async function keptStates(manager: EntityManager, needIds: string[]): Promise<Map<string, KeptState>> {
  const rows: { need_id: string; match_count: number; suppliers: string; scores: string }[] = await manager.query(
    `SELECT t.need_id, s.match_count, s.suppliers, s.scores FROM unnest($1::uuid[]) AS t(need_id),
       LATERAL (SELECT match_count, array_to_string(tail_suppliers, ',') AS suppliers, array_to_string(tail_scores, ',') AS scores
                FROM need_matching_state WHERE need_id = t.need_id OFFSET 0) s`,
    [needIds],
  );
  return new Map(rows.map((row) => [row.need_id, { count: row.match_count, tail: parseTail(row.suppliers, row.scores) }]));
}

function parseTail(suppliers: string, scores: string): KeptState['tail'] {
  if (suppliers === '') return [];
  const scoreList = scores.split(',');
  return suppliers.split(',').map((supplierId, i) => ({ supplierId, score: Number(scoreList[i]) }));
}

/** The supplier's rows in these needs: score, and whether a buyer decided on it. */
async function supplierRows(
  manager: EntityManager,
  supplierId: string,
  needIds: string[],
): Promise<Map<string, { score: number; decided: boolean }>> {
  const rows: { need_id: string; score: number; decided: boolean }[] = await manager.query(
    `SELECT need_id, score::float8 AS score, decision IS NOT NULL AS decided FROM matches WHERE supplier_id = $1 AND need_id = ANY($2::uuid[])`,
    [supplierId, needIds],
  );
  return new Map(rows.map((row) => [row.need_id, { score: row.score, decided: row.decided }]));
}

/**
 * Deletes the rows that fell out of full needs, unless decided on meanwhile; returns the needs whose
 * row went. Each row is found by its key in a LATERAL lookup (the primary key, whatever the
 * statistics say) and deleted by its address.
 */
async function deleteDropped(manager: EntityManager, drops: { needId: string; supplierId: string }[]): Promise<Set<string>> {
  if (drops.length === 0) return new Set();
  // TypeORM answers a DELETE with [rows, count].
  const [rows]: [{ need_id: string }[], number] = await manager.query(
    `WITH dropped AS (
       SELECT m.row_address FROM unnest($1::uuid[], $2::uuid[]) AS d(need_id, supplier_id),
         LATERAL (SELECT ctid AS row_address FROM matches WHERE need_id = d.need_id AND supplier_id = d.supplier_id AND decision IS NULL) m
     )
     DELETE FROM matches WHERE ctid = ANY (ARRAY(SELECT row_address FROM dropped)) AND decision IS NULL RETURNING need_id`,
    [plainArrayLiteral(drops.map((drop) => drop.needId)), plainArrayLiteral(drops.map((drop) => drop.supplierId))],
  );
  return new Set(rows.map((row) => row.need_id));
}

/**
 * Records the kept count, threshold and tail worked out for each need. The rows are found by their
 * keys first (LATERAL, OFFSET 0) and read by address (ctid): joined by key, the planner hashed all
 * 10k states for a few hundred whenever its statistics were missing.
 */
async function writeKeptStates(manager: EntityManager, rows: { needId: string; state: KeptState }[]): Promise<void> {
  if (rows.length === 0) return;
  await manager.query(
    `UPDATE need_matching_state s SET match_count = u.count, threshold = u.threshold,
       tail_suppliers = u.suppliers::uuid[], tail_scores = u.scores::numeric(4, 1)[]
     FROM unnest($1::uuid[], $2::int[], $3::numeric[], $4::text[], $5::text[]) AS u(need_id, count, threshold, suppliers, scores)
     WHERE s.ctid = ANY (ARRAY(SELECT r.row_address FROM unnest($1::uuid[]) AS k(need_id),
                                 LATERAL (SELECT ctid AS row_address FROM need_matching_state WHERE need_id = k.need_id OFFSET 0) r))
       AND s.need_id = u.need_id`,
    [rows.map((row) => row.needId), ...keptStateColumns(rows.map((row) => row.state))],
  );
}

/** Kept states as the columns need_matching_state stores: counts, thresholds, tails as array literals. */
function keptStateColumns(states: KeptState[]): [number[], number[], string[], string[]] {
  return [
    states.map((state) => state.count),
    states.map((state) => thresholdOf(state)),
    states.map((state) => plainArrayLiteral(state.tail.map((entry) => entry.supplierId))),
    states.map((state) => plainArrayLiteral(state.tail.map((entry) => entry.score))),
  ];
}

/**
 * Reads each need's undecided rows, drops those beyond `keep`, and records the count, threshold and
 * tail they give. One pass per need (LATERAL, an index scan each: given the whole list as
 * `need_id = ANY(...)`, the planner may scan the table). The rows to drop are deleted by the
 * addresses (ctid) this same statement read: joined back by key, the planner chose a scan of the
 * whole table whenever its statistics put many rows under each need (a table just filled).
 */
export async function trimFromRows(manager: EntityManager, needIds: string[], keep: number): Promise<void> {
  if (needIds.length === 0) return;
  await manager.query(
    `WITH per_need AS (
       SELECT t.need_id, kept.dropped, kept.n, kept.low, kept.tail_suppliers, kept.tail_scores FROM unnest($1::uuid[]) AS t(need_id),
         LATERAL (SELECT array_agg(row_address) FILTER (WHERE position > $2) AS dropped,
                         count(*) FILTER (WHERE position <= $2)::int AS n,
                         coalesce(min(score) FILTER (WHERE position <= $2), 0) AS low,
                         coalesce((array_agg(supplier_id ORDER BY position DESC) FILTER (WHERE position <= $2))[1:$3], '{}') AS tail_suppliers,
                         coalesce((array_agg(score ORDER BY position DESC) FILTER (WHERE position <= $2))[1:$3], '{}') AS tail_scores
                  FROM (SELECT ctid AS row_address, supplier_id, score, row_number() OVER (ORDER BY score DESC, supplier_id) AS position
                        FROM matches WHERE need_id = t.need_id AND decision IS NULL) ranked) kept
     ), trimmed AS (
       DELETE FROM matches m WHERE m.ctid = ANY (ARRAY(SELECT unnest(p.dropped) FROM per_need p)) AND m.decision IS NULL
     )
     UPDATE need_matching_state s SET match_count = p.n, threshold = p.low, tail_suppliers = p.tail_suppliers, tail_scores = p.tail_scores
     FROM per_need p WHERE s.need_id = p.need_id`,
    [needIds, keep, KEPT_TAIL_SIZE],
  );
}

/** The version each need's matches were last scored at, for the needs scored before. */
async function scoredVersionsOf(manager: EntityManager, needIds: string[]): Promise<Map<string, number>> {
  const rows: { need_id: string; scored_version: number }[] = await manager.query(
    `SELECT need_id, scored_version FROM need_matching_state WHERE need_id = ANY($1::uuid[])`,
    [needIds],
  );
  return new Map(rows.map((row) => [row.need_id, row.scored_version]));
}

async function upsertMatches(manager: EntityManager, writes: MatchWrite[], scorerVersion: string, now: Date): Promise<void> {
  if (writes.length === 0) return;
  // One statement for every row, its columns sent side by side (ROWS FROM zips them): ids and
  // numbers as array literals, the JSON values as one JSON array each, kept as json (checked, not
  // parsed into jsonb). A JSON document of row objects cost PostgreSQL about twice as much to read.
  // The decision columns are never in the SET list, so re-scoring cannot overwrite a buyer's
  // decision; unchanged rows are not rewritten at all.
  await manager.query(
    `INSERT INTO matches (need_id, supplier_id, score, components, explanation, scorer_version, need_version, profile_version, computed_at)
     SELECT m.need_id, m.supplier_id, m.score, m.components, m.explanation, $1, m.need_version, m.profile_version, $2
     FROM ROWS FROM (unnest($3::uuid[]), unnest($4::uuid[]), unnest($5::numeric[]), json_array_elements($6::json),
                     json_array_elements($7::json), unnest($8::int[]), unnest($9::int[]))
       AS m(need_id, supplier_id, score, components, explanation, need_version, profile_version)
     ON CONFLICT (need_id, supplier_id) DO UPDATE SET
       score = EXCLUDED.score, components = EXCLUDED.components, explanation = EXCLUDED.explanation,
       scorer_version = EXCLUDED.scorer_version, need_version = EXCLUDED.need_version,
       profile_version = EXCLUDED.profile_version, computed_at = EXCLUDED.computed_at
     WHERE (matches.score, matches.components::text, matches.explanation::text, matches.scorer_version, matches.need_version, matches.profile_version)
       IS DISTINCT FROM (EXCLUDED.score, EXCLUDED.components::text, EXCLUDED.explanation::text, EXCLUDED.scorer_version, EXCLUDED.need_version, EXCLUDED.profile_version)`,
    [
      scorerVersion,
      now,
      plainArrayLiteral(writes.map((w) => w.needId)),
      plainArrayLiteral(writes.map((w) => w.match.supplierId)),
      plainArrayLiteral(writes.map((w) => w.match.score)),
      JSON.stringify(writes.map((w) => w.match.components)),
      JSON.stringify(writes.map((w) => w.match.explanation)),
      plainArrayLiteral(writes.map((w) => w.needVersion)),
      plainArrayLiteral(writes.map((w) => w.match.profileVersion)),
    ],
  );
}

/**
 * A PostgreSQL array literal of values that need no quoting (uuids, finite numbers): what the
 * driver's own array encoding makes of them, without escaping each element.
 */
function plainArrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}

/** Drops each need's undecided rows that are not in its new ranking. */
async function deleteFallenOut(manager: EntityManager, rankings: NeedRanking[]): Promise<void> {
  if (rankings.length === 0) return;
  const kept = rankings.flatMap((r) => r.ranked.map((m) => [r.needId, m.supplierId]));
  await manager.query(
    `DELETE FROM matches m WHERE m.need_id = ANY($1::uuid[]) AND m.decision IS NULL
       AND NOT EXISTS (SELECT 1 FROM unnest($2::uuid[], $3::uuid[]) AS k(need_id, supplier_id)
                       WHERE k.need_id = m.need_id AND k.supplier_id = m.supplier_id)`,
    [rankings.map((r) => r.needId), kept.map(([needId]) => needId), kept.map(([, supplierId]) => supplierId)],
  );
}

/** The decided rows of these needs: supplierIds by need (from the partial index of decided rows). */
async function decidedByNeed(manager: EntityManager, needIds: string[]): Promise<Map<string, string[]>> {
  const rows: { need_id: string; supplier_id: string }[] = await manager.query(
    `SELECT need_id, supplier_id FROM matches WHERE need_id = ANY($1::uuid[]) AND decision IS NOT NULL`,
    [needIds],
  );
  const decided = new Map<string, string[]>();
  for (const row of rows) decided.set(row.need_id, [...(decided.get(row.need_id) ?? []), row.supplier_id]);
  return decided;
}

/**
 * Records the version each need was scored at and what it keeps: its ranked matches a buyer has not
 * decided on (count, lowest score, tail; see domain/kept-matches.ts).
 */
async function recordScoredNeeds(manager: EntityManager, rankings: NeedRanking[], decided: Map<string, string[]>, now: Date): Promise<void> {
  const kept = rankings.map((r) => {
    const decidedIds = new Set(decided.get(r.needId));
    const undecided = r.ranked.filter((match) => !decidedIds.has(match.supplierId));
    return { count: undecided.length, tail: tailOfRanking(undecided.map(({ supplierId, score }) => ({ supplierId, score }))) };
  });
  await manager.query(
    `INSERT INTO need_matching_state (need_id, scored_version, scored_at, match_count, threshold, tail_suppliers, tail_scores)
     SELECT need_id, scored_version, $1, match_count, threshold, tail_suppliers::uuid[], tail_scores::numeric(4, 1)[]
     FROM unnest($2::uuid[], $3::int[], $4::int[], $5::numeric[], $6::text[], $7::text[])
       AS s(need_id, scored_version, match_count, threshold, tail_suppliers, tail_scores)
     ON CONFLICT (need_id) DO UPDATE SET scored_version = EXCLUDED.scored_version, scored_at = EXCLUDED.scored_at,
       match_count = EXCLUDED.match_count, threshold = EXCLUDED.threshold,
       tail_suppliers = EXCLUDED.tail_suppliers, tail_scores = EXCLUDED.tail_scores`,
    [now, rankings.map((r) => r.needId), rankings.map((r) => r.version), ...keptStateColumns(kept)],
  );
}

/**
 * The needs among these that hold a match of a supplier with a live webhook subscription: only they
 * can raise an event, so the (per need) event recording is skipped for the rest, most needs.
 */
async function needsWithSubscribedSuppliers(manager: EntityManager, needIds: string[]): Promise<string[]> {
  const rows: { need_id: string }[] = await manager.query(
    `SELECT DISTINCT m.need_id FROM matches m
     JOIN webhook_subscriptions s ON s.supplier_id = m.supplier_id AND s.deleted_at IS NULL
     WHERE m.need_id = ANY($1::uuid[]) ORDER BY m.need_id`,
    [needIds],
  );
  return rows.map((row) => row.need_id);
}

function toProfile(row: Record<string, unknown>): ProfileRow {
  return {
    supplierId: row.supplierId as string,
    summary: row.summary as string,
    capabilities: row.capabilities as string[],
    caseStudies: row.caseStudies as { title: string; description: string }[],
    cpvCodes: row.cpvCodes as string[],
    certifications: row.certifications as string[],
    regions: row.regions as string[],
    maxContractValue: row.maxContractValue === null ? null : Number(row.maxContractValue),
    version: row.version as number,
  };
}

function toNeed(row: Record<string, unknown>): NeedRow {
  return {
    needId: row.needId as string,
    title: row.title as string,
    description: row.description as string,
    essentialRequirements: row.essentialRequirements as string[],
    cpvCodes: row.cpvCodes as string[],
    regions: row.regions as string[],
    requiredCertifications: row.requiredCertifications as string[],
    budgetMin: row.budgetMin === null ? null : Number(row.budgetMin),
    version: row.version as number,
    status: row.status as string,
  };
}
