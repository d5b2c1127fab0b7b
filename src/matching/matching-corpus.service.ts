import { Injectable, Logger } from '@nestjs/common';
import { MatchingIndex } from 'src/matching/domain/matching-index';
import type { NeedInput } from 'src/matching/domain/matching.types';
import type { NeedQuery } from 'src/matching/domain/need-query';
import { prepareNeedQuery } from 'src/matching/domain/need-query';
import { CURSOR_START_KEY, MatchingRepository } from 'src/matching/matching.repository';

const PAGE = 2000;

export interface OpenNeed {
  needId: string;
  version: number;
  query: NeedQuery;
}

/**
 * This worker's in-memory view of the corpus: every supplier profile in a MatchingIndex and every
 * open need analysed once. PostgreSQL stays the source of truth; the view is a cache that any worker
 * builds at start and brings up to date before each job by reading the rows changed since its last
 * look (by transaction id, so late commits are never missed). Workers that have read the same rows
 * hold the same index and give the same scores.
 */
@Injectable()
export class MatchingCorpusService {
  private readonly logger = new Logger(MatchingCorpusService.name);
  readonly index = new MatchingIndex();
  private readonly profileVersions = new Map<string, number>();
  private readonly openNeeds = new Map<string, OpenNeed>();
  private profilesXmin = '0';
  private needsXmin = '0';
  private readonly profilePasses = new PassCoalescer(() => this.syncProfiles());
  private readonly needPasses = new PassCoalescer(() => this.syncNeeds());

  constructor(private readonly repository: MatchingRepository) {}

  /** Brings the profiles and the open needs up to date with every change committed so far. */
  async sync(): Promise<void> {
    await Promise.all([this.syncProfileIndex(), this.syncOpenNeeds()]);
  }

  /** Brings the profile index up to date (what a need's ranking needs). */
  syncProfileIndex(): Promise<void> {
    return this.profilePasses.run();
  }

  /** Brings the open-needs set up to date (what a changed profile is scored against). */
  syncOpenNeeds(): Promise<void> {
    return this.needPasses.run();
  }

  profileVersion(supplierId: string): number | undefined {
    return this.profileVersions.get(supplierId);
  }

  openNeedList(): OpenNeed[] {
    return [...this.openNeeds.values()];
  }

  /** Analyses a need for querying (used for the need being scored, whatever the cache holds). */
  prepare(need: NeedInput): NeedQuery {
    return prepareNeedQuery(need);
  }

  private async syncProfiles(): Promise<void> {
    const started = Date.now();
    // Read the horizon first: rows of transactions below it are all visible to the reads that follow.
    const profilesHorizon = await this.repository.currentXmin();
    let changedProfiles = 0;
    // Start just below the horizon of the last pass: (xmin, smallest key) excludes nothing at xmin.
    for (let cursor = { xid: previousXid(this.profilesXmin), key: CURSOR_START_KEY }; ; ) {
      const rows = await this.repository.profilesChangedSince(cursor, PAGE);
      for (const row of rows) {
        // Rows are read again while their transaction ids stay above the horizon: apply each version once.
        if ((this.profileVersions.get(row.supplierId) ?? 0) >= row.version) continue;
        this.index.upsert(row);
        this.profileVersions.set(row.supplierId, row.version);
        changedProfiles++;
      }
      if (rows.length < PAGE) break;
      cursor = { xid: rows[rows.length - 1].changeXid, key: rows[rows.length - 1].supplierId };
    }
    this.profilesXmin = profilesHorizon;
    if (changedProfiles > 0) this.index.refresh();
    if (changedProfiles > 1000) this.logger.log(`loaded ${changedProfiles} profiles in ${Date.now() - started} ms`);
  }

  private async syncNeeds(): Promise<void> {
    const needsHorizon = await this.repository.currentXmin();
    for (let cursor = { xid: previousXid(this.needsXmin), key: CURSOR_START_KEY }; ; ) {
      const rows = await this.repository.needsChangedSince(cursor, PAGE);
      for (const row of rows) {
        const held = this.openNeeds.get(row.needId);
        if (row.status !== 'open') {
          if (held && held.version <= row.version) this.openNeeds.delete(row.needId);
          continue;
        }
        if (held && held.version >= row.version) continue;
        this.openNeeds.set(row.needId, { needId: row.needId, version: row.version, query: prepareNeedQuery(row) });
      }
      if (rows.length < PAGE) break;
      cursor = { xid: rows[rows.length - 1].changeXid, key: rows[rows.length - 1].needId };
    }
    this.needsXmin = needsHorizon;
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
