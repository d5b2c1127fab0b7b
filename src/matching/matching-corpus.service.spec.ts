import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import type { MatchingRepository, NeedRow, NeedThreshold } from 'src/matching/matching.repository';

// The corpus's change-log reads, served from lists that a test appends to (each row read once, as
// the cursors would). The SQL behind them is covered by the e2e tests; this checks the cache.
class ChangeLog {
  needs: (NeedRow & { changeXid: string })[] = [];
  thresholds: (NeedThreshold & { changeXid: string; open: boolean })[] = [];

  repository(): MatchingRepository {
    const take = <T>(rows: T[]) => rows.splice(0, rows.length);
    return {
      currentXmin: async () => '10',
      profilesChangedSince: async () => [],
      needsChangedSince: async () => take(this.needs),
      thresholdsChangedSince: async () => take(this.thresholds),
    } as unknown as MatchingRepository;
  }
}

function need(needId: string, status = 'open', version = 1): NeedRow & { changeXid: string } {
  return {
    needId,
    title: `Need ${needId}`,
    description: 'Accessible online booking for school admissions.',
    essentialRequirements: [],
    cpvCodes: ['72000000'],
    regions: [],
    requiredCertifications: [],
    budgetMin: null,
    version,
    status,
    changeXid: '10',
  };
}

function threshold(needId: string, matchCount: number, value: number, open = true) {
  return { needId, matchCount, threshold: value, changeXid: '10', open };
}

describe('MatchingCorpusService.openNeedView', () => {
  it('lists each open need with its kept count and threshold, −1 for a need never scored', async () => {
    const log = new ChangeLog();
    const corpus = new MatchingCorpusService(log.repository());
    log.needs.push(need('a'), need('b'), need('c', 'draft'));
    log.thresholds.push(threshold('a', 100, 41.5));
    await corpus.sync();

    const view = corpus.openNeedView();
    expect(view.needs.map((n) => n.needId)).toEqual(['a', 'b']);
    expect(view.queries.map((q) => q.needId)).toEqual(['a', 'b']);
    expect([...view.counts]).toEqual([100, -1]);
    expect([...view.thresholds]).toEqual([41.5, 0]);
  });

  it('keeps the view current in place as thresholds change, and drops it when the open needs change', async () => {
    const log = new ChangeLog();
    const corpus = new MatchingCorpusService(log.repository());
    log.needs.push(need('a'), need('b'));
    log.thresholds.push(threshold('a', 100, 41.5));
    await corpus.sync();
    const view = corpus.openNeedView();

    log.thresholds.push(threshold('b', 3, 12), threshold('a', 100, 44));
    await corpus.sync();
    expect(corpus.openNeedView()).toBe(view);
    expect([...view.counts]).toEqual([100, 3]);
    expect([...view.thresholds]).toEqual([44, 12]);

    // A need closing leaves the open set (and its threshold with it); a new one joins it.
    log.needs.push(need('a', 'closed', 2), need('d'));
    log.thresholds.push(threshold('a', 100, 44, false));
    await corpus.sync();
    const next = corpus.openNeedView();
    expect(next).not.toBe(view);
    expect(next.needs.map((n) => n.needId)).toEqual(['b', 'd']);
    expect([...next.counts]).toEqual([3, -1]);
    expect([...next.thresholds]).toEqual([12, 0]);
  });
});
