import { Injectable, Logger } from '@nestjs/common';
import { collectGarbage } from 'src/common/collect-garbage';
import { MatchingIndex } from 'src/matching/domain/matching-index';
import type { NeedInput } from 'src/matching/domain/matching.types';
import type { NeedQuery } from 'src/matching/domain/need-query';
import { prepareNeedQuery } from 'src/matching/domain/need-query';
import { ChangeCursor, CURSOR_START_KEY, MatchingRepository, NeedThreshold } from 'src/matching/matching.repository';

const PAGE = 2000;
// Profiles read in bulk (a worker's start, a large import) leave their rows' text in V8's old space
// (measured: some 450 MB for 100k profiles), where only a full collection frees it; V8 lets the heap
// grow meanwhile. A worker loading 100k profiles peaked near 670 MB and stayed near 580 MB until
// V8's memory reducer ran, 10–20 s later. A full collection after every COLLECT_AFTER_PROFILES
// profiles applied, and after such a load, keeps the heap near what it holds, for 65–110 ms each.
const COLLECT_AFTER_PROFILES = 20_000;

export interface OpenNeed {
  needId: string;
  version: number;
  query: NeedQuery;
}

/**
 * The open needs in one order, with what each keeps by position: what scoring one profile against
 * all of them reads per need, without a lookup by id per need (two lookups in a Map of 10k string
 * keys cost about 5 ms per profile here).
 */
export interface OpenNeedView {
  readonly needs: readonly OpenNeed[];
  readonly queries: readonly NeedQuery[];
  /** Matches each need keeps (undecided), −1 for a need never scored. */
  readonly counts: Int32Array;
  /** The lowest kept score of each need (0 when it keeps none, or was never scored). */
  readonly thresholds: Float64Array;
}

/**
 * This worker's in-memory view of the corpus: every supplier profile in a MatchingIndex, every
 * open need analysed once, and each scored open need's kept count and threshold. PostgreSQL stays
 * the source of truth; the view is a cache that any worker builds at start and brings up to date
 * before each job by reading the rows changed since its last look (by transaction id, so late
 * commits are never missed). Workers that have read the same rows hold the same index and give the
 * same scores.
 */
@Injectable()
export class MatchingCorpusService {
  private readonly logger = new Logger(MatchingCorpusService.name);
  readonly index = new MatchingIndex();
  private readonly profileVersions = new Map<string, number>();
  private readonly openNeeds = new Map<string, OpenNeed>();
  private readonly thresholds = new Map<string, NeedThreshold>();
  // Built on demand from openNeeds and thresholds; dropped when the open set changes, kept current
  // by position when only thresholds change (the common case: every job writes some).
  private view: OpenNeedView | null = null;
  private readonly viewPositions = new Map<string, number>();
  private profilesSinceCollection = 0;
  private profilesXmin = '0';
  private needsXmin = '0';
  private thresholdsXmin = '0';
  private readonly profilePasses = new PassCoalescer(() => this.syncProfiles());
  private readonly needPasses = new PassCoalescer(() => this.syncNeeds());
  private readonly thresholdPasses = new PassCoalescer(() => this.syncThresholds());

  constructor(private readonly repository: MatchingRepository) {}

  /** Brings profiles, open needs and thresholds up to date with every change committed so far. */
  async sync(): Promise<void> {
    await Promise.all([this.syncProfileIndex(), this.needPasses.run(), this.thresholdPasses.run()]);
  }

  /** Brings the profile index up to date (what a need's ranking needs). */
  syncProfileIndex(): Promise<void> {
    return this.profilePasses.run();
  }

  profileVersion(supplierId: string): number | undefined {
    return this.profileVersions.get(supplierId);
  }

  /** The open needs with their kept counts and thresholds as of the last sync. Read only. */
  openNeedView(): OpenNeedView {
    if (this.view) return this.view;
    const needs = [...this.openNeeds.values()];
    const counts = new Int32Array(needs.length);
    const thresholds = new Float64Array(needs.length);
    this.viewPositions.clear();
    needs.forEach((need, at) => {
      this.viewPositions.set(need.needId, at);
      const state = this.thresholds.get(need.needId);
      counts[at] = state ? state.matchCount : -1;
      thresholds[at] = state ? state.threshold : 0;
    });
    this.view = { needs, queries: needs.map((need) => need.query), counts, thresholds };
    return this.view;
  }

  private setThreshold(needId: string, state: NeedThreshold | undefined): void {
    if (state) this.thresholds.set(needId, state);
    else this.thresholds.delete(needId);
    const at = this.view ? this.viewPositions.get(needId) : undefined;
    if (at === undefined) return;
    this.view!.counts[at] = state ? state.matchCount : -1;
    this.view!.thresholds[at] = state ? state.threshold : 0;
  }

  /** Analyses a need for querying (used for the need being scored, whatever the cache holds). */
  prepare(need: NeedInput): NeedQuery {
    return prepareNeedQuery(need);
  }

  private async syncProfiles(): Promise<void> {
    const started = Date.now();
    let changedProfiles = 0;
    this.profilesXmin = await this.readChanges(
      this.profilesXmin,
      (cursor) => this.repository.profilesChangedSince(cursor, PAGE),
      (row) => row.supplierId,
      (row) => {
        // Rows are read again while their transaction ids stay above the horizon: apply each version once.
        if ((this.profileVersions.get(row.supplierId) ?? 0) >= row.version) return;
        this.index.upsert(row);
        this.profileVersions.set(row.supplierId, row.version);
        changedProfiles++;
        if (++this.profilesSinceCollection >= COLLECT_AFTER_PROFILES) this.collectGarbage();
      },
    );
    if (changedProfiles > 0) this.index.refresh();
    // Once more after a bulk load: its last rows, and the append lists that packing the postings dropped.
    if (changedProfiles >= COLLECT_AFTER_PROFILES) this.collectGarbage();
    if (changedProfiles > 1000) this.logger.log(`loaded ${changedProfiles} profiles in ${Date.now() - started} ms`);
  }

  private collectGarbage(): void {
    this.profilesSinceCollection = 0;
    collectGarbage();
  }

  private async syncNeeds(): Promise<void> {
    this.needsXmin = await this.readChanges(
      this.needsXmin,
      (cursor) => this.repository.needsChangedSince(cursor, PAGE),
      (row) => row.needId,
      (row) => {
        const held = this.openNeeds.get(row.needId);
        if (row.status !== 'open') {
          if (held && held.version <= row.version) {
            this.openNeeds.delete(row.needId);
            this.view = null;
            // A need that is not open is never scored again: its threshold is not needed any more.
            this.thresholds.delete(row.needId);
          }
          return;
        }
        if (held && held.version >= row.version) return;
        this.openNeeds.set(row.needId, { needId: row.needId, version: row.version, query: prepareNeedQuery(row) });
        this.view = null;
      },
    );
  }

  private async syncThresholds(): Promise<void> {
    this.thresholdsXmin = await this.readChanges(
      this.thresholdsXmin,
      (cursor) => this.repository.thresholdsChangedSince(cursor, PAGE),
      (row) => row.needId,
      // Pages come in transaction order, each read later than the one before: the last row read for
      // a need is its latest state. Only open needs are scored again.
      ({ needId, matchCount, threshold, open }) => this.setThreshold(needId, open ? { needId, matchCount, threshold } : undefined),
    );
  }

  /**
   * Applies every row written by transactions at or after the last pass's horizon, page by page, and
   * returns this pass's horizon (read first: rows of transactions below it are all visible to the
   * reads that follow).
   */
  private async readChanges<T extends { changeXid: string }>(
    since: string,
    page: (cursor: ChangeCursor) => Promise<T[]>,
    keyOf: (row: T) => string,
    apply: (row: T) => void,
  ): Promise<string> {
    const horizon = await this.repository.currentXmin();
    // Start just below the last horizon: (xmin, smallest key) excludes nothing at xmin.
    for (let cursor = { xid: previousXid(since), key: CURSOR_START_KEY }; ; ) {
      const rows = await page(cursor);
      for (const row of rows) apply(row);
      if (rows.length < PAGE) break;
      const last = rows[rows.length - 1];
      cursor = { xid: last.changeXid, key: keyOf(last) };
    }
    return horizon;
  }
}

// Keyset cursors are exclusive; the pass must include rows stamped exactly with the horizon xid.
function previousXid(xid: string): string {
  const value = BigInt(xid);
  return value > 0n ? (value - 1n).toString() : '0';
}

/**
 * Runs a sync pass for many concurrent callers: a caller joins the pass queued after the running one
 * (which starts after its call, so it sees everything committed before the call), never more than
 * one running and one waiting.
 */
class PassCoalescer {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;

  constructor(private readonly pass: () => Promise<void>) {}

  run(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.running) {
      this.running = this.pass().finally(() => (this.running = null));
      return this.running;
    }
    const after = this.running.catch(() => undefined);
    this.queued = after.then(() => {
      this.queued = null;
      return this.run();
    });
    return this.queued;
  }
}
