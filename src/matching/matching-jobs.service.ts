import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { SCORER_VERSION } from 'src/matching/domain/match-scoring';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { MatchingRepository, NeedRanking, NeedRow, ScoredMatch } from 'src/matching/matching.repository';
import { JobsService } from 'src/queue/jobs.service';

export interface NeedScored {
  scored: boolean;
  matches: number;
}

export type ReportProgress = (progress: number | object) => Promise<void>;

// How many owed items one reconcile pass enqueues at most; the next pass takes the rest.
const RECONCILE_BATCH = 5000;

/** What each matching job does. Processors stay thin; every operation here is idempotent. */
@Injectable()
export class MatchingJobsService {
  private readonly logger = new Logger(MatchingJobsService.name);

  constructor(
    private readonly corpus: MatchingCorpusService,
    private readonly repository: MatchingRepository,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Scores an open need against every profile and keeps its best matches. A need that is no longer
   * open, or whose current version is already scored, is left alone.
   */
  async scoreNeed(needId: string, options: { force?: boolean } = {}): Promise<NeedScored> {
    const [outcome] = await this.scoreNeeds([needId], options);
    return outcome;
  }

  /**
   * {@link scoreNeed} for several needs at once, their matches written in one transaction: one round
   * of queries and one commit for the lot is what lets a worker keep up with a burst of publishes.
   * Outcomes are in the order of `needIds` (an id given twice is scored once).
   */
  async scoreNeeds(needIds: string[], options: { force?: boolean } = {}): Promise<NeedScored[]> {
    const needs = await this.repository.findNeeds([...new Set(needIds)]);
    const due = needs.filter(
      (need) => need.status === 'open' && (options.force || need.scoredVersion === null || need.scoredVersion < need.version),
    );
    const rankings = due.length ? await this.rankNeeds(due) : [];
    await this.repository.replaceNeedMatches(rankings, SCORER_VERSION, new Date());
    const kept = new Map(rankings.map((r) => [r.needId, r.ranked.length]));
    return needIds.map((needId) => {
      const matches = kept.get(needId);
      return matches === undefined ? { scored: false, matches: 0 } : { scored: true, matches };
    });
  }

  /** Ranks each need against the current profile index, keeping its decided suppliers whatever their rank. */
  private async rankNeeds(needs: (NeedRow & { scoredVersion: number | null })[]): Promise<NeedRanking[]> {
    await this.corpus.syncProfileIndex();
    // Only a need scored before can hold decided matches (its state row comes with its first matches).
    const decidedByNeed = await this.repository.decidedSupplierIds(needs.filter((need) => need.scoredVersion !== null).map((need) => need.needId));
    const rankings: NeedRanking[] = [];
    for (const need of needs) {
      const query = this.corpus.prepare(need);
      // A need keeps its best matches that no buyer decided on, and every decided one besides.
      const decided = decidedByNeed.get(need.needId) ?? [];
      const decidedIds = new Set(decided);
      let undecided = 0;
      const ranked = this.corpus.index
        .topMatches(query, this.config.matchesPerNeed + decided.length)
        .filter((match) => decidedIds.has(match.supplierId) || undecided++ < this.config.matchesPerNeed)
        .map((match) => this.withVersion(match));
      const rankedIds = new Set(ranked.map((m) => m.supplierId));
      // Suppliers a buyer has decided on stay listed with a fresh score, whatever their rank now.
      const decidedRescored = decided
        .filter((supplierId) => !rankedIds.has(supplierId))
        .map((supplierId) => this.corpus.index.scorePair(query, supplierId))
        .filter((match) => match !== null)
        .map((match) => this.withVersion(match));
      rankings.push({ needId: need.needId, version: need.version, ranked, decidedRescored });
      // Each ranking is milliseconds of CPU: let requests and lock renewals through between them.
      await yieldToEventLoop();
    }
    return rankings;
  }

  /**
   * Scores one changed profile against every open need and writes its rows; then re-ranks in full
   * the needs it left (each needs its next-best supplier). `ownRowsWritten` is called between the
   * two, once the profile's own rows are committed (the benchmark times both parts).
   */
  async scoreProfile(
    supplierId: string,
    report?: ReportProgress,
    ownRowsWritten?: () => void,
  ): Promise<{ needs: number; entered: number; left: number }> {
    await this.corpus.sync();
    const version = this.corpus.profileVersion(supplierId);
    if (version === undefined) return { needs: 0, entered: 0, left: 0 };
    const openNeeds = this.corpus.openNeedView();
    const { counts, thresholds } = openNeeds;
    const held = await this.repository.needsHoldingSupplier(supplierId);
    const keep = this.config.matchesPerNeed;
    // By position in openNeeds. A need not scored yet (count −1) gets its full ranking from its own job.
    const enters = (at: number, score: number) => counts[at] >= 0 && (counts[at] < keep || score >= thresholds[at]);
    // Explanations are built only for the needs this supplier enters or is held by; results come
    // in order, one per need kept, so their positions are noted as they are kept.
    const positions: number[] = [];
    const results = this.corpus.index.scoreSupplierAgainstNeeds(supplierId, openNeeds.queries, {
      keep: (needId, score, at) => {
        const wanted = held.has(needId) || enters(at, score);
        if (wanted) positions.push(at);
        return wanted;
      },
    });
    const upserts: { needId: string; needVersion: number; match: ScoredMatch }[] = [];
    const removals: string[] = [];
    results.forEach((result, i) => {
      const at = positions[i];
      if (counts[at] < 0) return;
      const decided = held.get(result.needId) === true;
      if (enters(at, result.score) || decided) {
        const { needId, ...match } = result;
        upserts.push({ needId, needVersion: openNeeds.needs[at].version, match: { ...match, profileVersion: version } });
      } else if (held.has(result.needId)) {
        removals.push(result.needId);
      }
    });
    const written = await this.repository.applySupplierScores({ supplierId, version }, { upserts, removals }, keep, SCORER_VERSION, new Date());
    ownRowsWritten?.();
    // A supplier that left a need's best matches leaves a gap: re-rank those needs in full now.
    for (const batch of chunks(removals, this.config.matchingBatchSize)) await this.scoreNeeds(batch, { force: true });
    await report?.({ needs: openNeeds.needs.length, entered: written, left: removals.length });
    return { needs: openNeeds.needs.length, entered: written, left: removals.length };
  }

  /** Re-scores every open need (corpus statistics move as profiles change). */
  async rescoreOpenNeeds(report?: ReportProgress): Promise<number> {
    const needs = await this.repository.openNeedIds();
    let done = 0;
    for (const batch of chunks(needs.map((need) => need.needId), this.config.matchingBatchSize)) {
      await this.scoreNeeds(batch, { force: true });
      done += batch.length;
      await report?.(Math.round((done / needs.length) * 100));
    }
    await report?.(100);
    return done;
  }

  /**
   * Enqueues the scoring that PostgreSQL says is owed: deterministic job ids make repeats of pending
   * jobs no-ops, and finished jobs whose work is still owed run again (see JobsService.enqueueOwed).
   */
  async reconcile(): Promise<{ needs: number; profiles: number }> {
    const [needs, profiles] = await Promise.all([
      this.repository.needsOwedScoring(RECONCILE_BATCH),
      this.repository.profilesOwedScoring(RECONCILE_BATCH),
    ]);
    await this.jobs.enqueueOwed('need.change', needs.map((need) => ({ needId: need.needId, needVersion: need.version })));
    await this.jobs.enqueueOwed('profile.change', profiles.map((profile) => ({ supplierId: profile.supplierId, profileVersion: profile.version })));
    if (needs.length + profiles.length > 0) {
      this.logger.log(`reconcile enqueued ${needs.length} needs and ${profiles.length} profiles owed scoring`);
    }
    return { needs: needs.length, profiles: profiles.length };
  }

  // The index hands out fresh objects: stamping each is cheaper than copying a hundred per need.
  private withVersion<T extends { supplierId: string }>(match: T): T & { profileVersion: number } {
    const scored = match as T & { profileVersion: number };
    scored.profileVersion = this.corpus.profileVersion(match.supplierId) ?? 0;
    return scored;
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
