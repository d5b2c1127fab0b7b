import fc from 'fast-check';
import {
  applyKeptChange,
  KEPT_TAIL_SIZE,
  ranksBelow,
  tailOfRanking,
  thresholdOf,
  type KeptChange,
  type KeptEntry,
  type KeptState,
} from 'src/matching/domain/kept-matches';

const id = (n: number): string => `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`;
const entry = (n: number, score: number): KeptEntry => ({ supplierId: id(n), score });

/** Best first, as matches are ranked. */
function ranked(rows: readonly KeptEntry[]): KeptEntry[] {
  return [...rows].sort((a, b) => (ranksBelow(a, b) ? 1 : ranksBelow(b, a) ? -1 : 0));
}

/** What reading the need's rows gives: the best `keep` of them kept, the rest dropped. */
function reference(rows: readonly KeptEntry[], change: KeptChange, keep: number) {
  const others = rows.filter((row) => row.supplierId !== change.supplierId);
  const after = ranked(change.kind === 'score' ? [...others, { supplierId: change.supplierId, score: change.score }] : others);
  const kept = after.slice(0, keep);
  const dropped = after.slice(keep).filter((row) => row.supplierId !== change.supplierId);
  return {
    kept,
    state: { count: kept.length, tail: tailOfRanking(kept) },
    written: kept.some((row) => row.supplierId === change.supplierId),
    dropped: dropped.length ? dropped[0].supplierId : null,
  };
}

function stateOf(rows: readonly KeptEntry[]): KeptState {
  return { count: rows.length, tail: tailOfRanking(ranked(rows)) };
}

describe('kept matches', () => {
  const full = Array.from({ length: 20 }, (_, i) => entry(i + 1, 50 + i));
  // Keep 20: the tail holds the ten worst, scores 50–59, worst first.

  it.each<[string, KeptChange, { count: number; threshold: number; written: boolean; dropped: string | null }]>([
    ['a new supplier above the worst of a full need', { kind: 'score', supplierId: id(99), score: 70, current: null }, { count: 20, threshold: 51, written: true, dropped: id(1) }],
    ['a new supplier below the worst of a full need', { kind: 'score', supplierId: id(99), score: 49.9, current: null }, { count: 20, threshold: 50, written: false, dropped: null }],
    ['a new supplier tied with the worst, later id', { kind: 'score', supplierId: id(99), score: 50, current: null }, { count: 20, threshold: 50, written: false, dropped: null }],
    ['a new supplier tied with the worst, earlier id', { kind: 'score', supplierId: id(0), score: 50, current: null }, { count: 20, threshold: 50, written: true, dropped: id(1) }],
    ['a kept supplier falling to the bottom', { kind: 'score', supplierId: id(15), score: 10, current: 64 }, { count: 20, threshold: 10, written: true, dropped: null }],
    ['a kept supplier in the tail rising', { kind: 'score', supplierId: id(1), score: 90, current: 50 }, { count: 20, threshold: 51, written: true, dropped: null }],
    ['a kept supplier removed', { kind: 'remove', supplierId: id(1), current: 50 }, { count: 19, threshold: 51, written: false, dropped: null }],
    ['a supplier not kept removed', { kind: 'remove', supplierId: id(99), current: null }, { count: 20, threshold: 50, written: false, dropped: null }],
  ])('%s', (_name, change, expected) => {
    const outcome = applyKeptChange(stateOf(full), change, 20);
    expect(outcome).not.toBeNull();
    expect({ count: outcome!.state.count, threshold: thresholdOf(outcome!.state), written: outcome!.written, dropped: outcome!.dropped }).toEqual(expected);
  });

  it('fills a need that is not full without dropping anything', () => {
    let state: KeptState = { count: 0, tail: [] };
    for (let n = 1; n <= 3; n++) state = applyKeptChange(state, { kind: 'score', supplierId: id(n), score: 10 * n, current: null }, 100)!.state;
    expect(state).toEqual({ count: 3, tail: [entry(1, 10), entry(2, 20), entry(3, 30)] });
  });

  it('cannot tell once the tail has run out, and says so', () => {
    const state: KeptState = { count: 30, tail: [entry(1, 50)] };
    expect(applyKeptChange(state, { kind: 'score', supplierId: id(99), score: 70, current: null }, 30)).toBeNull();
    expect(applyKeptChange(state, { kind: 'remove', supplierId: id(1), current: 50 }, 30)).toBeNull();
    expect(applyKeptChange({ count: 5, tail: [] }, { kind: 'remove', supplierId: id(2), current: 40 }, 30)).toBeNull();
  });

  it('distrusts a tail that disagrees with the rows', () => {
    // A complete tail without a row the supplier holds; more kept than allowed.
    expect(applyKeptChange({ count: 1, tail: [entry(1, 50)] }, { kind: 'score', supplierId: id(2), score: 60, current: 55 }, 10)).toBeNull();
    expect(applyKeptChange({ count: 3, tail: [entry(1, 50)] }, { kind: 'score', supplierId: id(2), score: 60, current: null }, 2)).toBeNull();
    // A tail naming a supplier that has no row, or with another score than its row: never trusted
    // (it would drop the very row being written).
    const full: KeptState = { count: 2, tail: [entry(1, 50), entry(2, 51)] };
    expect(applyKeptChange(full, { kind: 'score', supplierId: id(1), score: 70, current: null }, 2)).toBeNull();
    expect(applyKeptChange(full, { kind: 'score', supplierId: id(1), score: 70, current: 55 }, 2)).toBeNull();
    expect(applyKeptChange(full, { kind: 'remove', supplierId: id(2), current: null }, 2)).toBeNull();
  });

  it('gives what re-reading the rows gives, over any sequence of changes', () => {
    const changeArb = fc.record({
      supplier: fc.integer({ min: 1, max: 40 }),
      // Few distinct scores, so that ties (broken by supplierId) are common.
      score: fc.integer({ min: 0, max: 30 }).map((n) => n / 2),
      remove: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 25 }), fc.array(changeArb, { maxLength: 60 }), (keep, changes) => {
        let rows: KeptEntry[] = [];
        let state: KeptState = { count: 0, tail: [] };
        for (const { supplier, score, remove } of changes) {
          const held = rows.find((row) => row.supplierId === id(supplier));
          const change: KeptChange = remove
            ? { kind: 'remove', supplierId: id(supplier), current: held?.score ?? null }
            : { kind: 'score', supplierId: id(supplier), score, current: held?.score ?? null };
          const expected = reference(rows, change, keep);
          const outcome = applyKeptChange(state, change, keep);
          rows = expected.kept;
          if (outcome === null) {
            // The caller re-reads the rows, which refills the tail.
            state = expected.state;
            continue;
          }
          expect(outcome.written).toBe(expected.written);
          expect(outcome.dropped).toBe(expected.dropped);
          expect(outcome.state.count).toBe(expected.state.count);
          // The tail may be shorter than a fresh one, never wrong.
          expect(outcome.state.tail).toEqual(expected.state.tail.slice(0, outcome.state.tail.length));
          expect(outcome.state.tail.length).toBeLessThanOrEqual(KEPT_TAIL_SIZE);
          if (outcome.state.count > 0) expect(thresholdOf(outcome.state)).toBe(expected.state.tail[0].score);
          state = outcome.state;
        }
      }),
      { numRuns: 500 },
    );
  });
});
