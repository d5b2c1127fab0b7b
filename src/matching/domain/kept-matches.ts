/**
 * What a need keeps, and how one supplier's new score changes it, without reading the need's rows.
 *
 * A need keeps its best `keep` undecided matches (ranked by score descending, then supplierId
 * ascending, as matches are listed). When a changed profile enters a full need, the need's worst
 * kept match must go and the next worst becomes its threshold. Reading each touched need's hundred
 * rows to find them was most of a changed profile's write, so each need's state also records its
 * tail: its worst kept matches, worst first. A change then needs only the tail; when the tail runs
 * out (each entry into a full need uses one entry up) the caller reads the need's rows again, which
 * refills it. Rows a buyer decided on are never kept or dropped here: they stay whatever their rank.
 */

/** How many of its worst kept matches a need's state records. */
export const KEPT_TAIL_SIZE = 10;

/** One kept, undecided match, as a need's tail records it. */
export interface KeptEntry {
  supplierId: string;
  /** 0–100, one decimal, as stored. */
  score: number;
}

/**
 * A need's kept matches as its state records them: how many, and the worst of them, worst first.
 * The tail holds the worst `tail.length` kept matches exactly (never a guess), at most
 * KEPT_TAIL_SIZE; it is complete when it holds all of them.
 */
export interface KeptState {
  count: number;
  tail: KeptEntry[];
}

/**
 * One supplier's change to a need: a new score (its row written), or its row removed. `current` is
 * the score of its undecided row in the need now, null when it has none.
 */
export type KeptChange =
  | { kind: 'score'; supplierId: string; score: number; current: number | null }
  | { kind: 'remove'; supplierId: string; current: number | null };

export interface KeptOutcome {
  state: KeptState;
  /** For a new score: whether its row is written (false: it would be the need's worst, beyond `keep`). */
  written: boolean;
  /** The supplier whose row must be deleted to keep `keep` matches, if any. */
  dropped: string | null;
}

/** Whether `a` ranks below `b`: a lower score, or the same score and a later supplierId. */
export function ranksBelow(a: KeptEntry, b: KeptEntry): boolean {
  return a.score < b.score || (a.score === b.score && a.supplierId > b.supplierId);
}

/** The need's threshold (its lowest kept score): 0 while it keeps nothing. */
export function thresholdOf(state: KeptState): number {
  return state.tail.length > 0 ? state.tail[0].score : 0;
}

/** The tail of a need's kept matches given best first (a fresh ranking). */
export function tailOfRanking(ranked: readonly KeptEntry[]): KeptEntry[] {
  return ranked.slice(-KEPT_TAIL_SIZE).reverse();
}

/**
 * The need's kept matches after one change, or null when its tail cannot tell (it ran out, or it
 * disagrees with `current`): the caller then re-reads the need's rows.
 */
export function applyKeptChange(state: KeptState, change: KeptChange, keep: number): KeptOutcome | null {
  const { count, tail } = state;
  if (count > keep || (count > 0 && tail.length === 0) || tail.length > count) return null;
  const recorded = tail.find((entry) => entry.supplierId === change.supplierId);
  const inTail = recorded !== undefined;
  // The tail and the supplier's row must agree: a complete tail holds every kept row, and a row in
  // the tail has the score recorded there. Otherwise the state is stale (written by something
  // that did not keep the tail): the rows are read instead.
  if (change.current !== null && !inTail && tail.length === count) return null;
  if (inTail && recorded.score !== change.current) return null;
  const others = inTail ? tail.filter((entry) => entry.supplierId !== change.supplierId) : tail;

  if (change.kind === 'remove') {
    if (change.current === null) return { state, written: false, dropped: null };
    const rest = { count: count - 1, tail: others };
    return rest.count > 0 && rest.tail.length === 0 ? null : { state: rest, written: false, dropped: null };
  }
  const entry = { supplierId: change.supplierId, score: change.score };
  if (change.current !== null) {
    // Its row stays (kept, with a new score); only its place in the tail may change.
    const next = withEntry(others, count - 1, entry);
    return next && { state: { count, tail: next }, written: true, dropped: null };
  }
  if (count < keep) {
    const next = withEntry(tail, count, entry);
    return next && { state: { count: count + 1, tail: next }, written: true, dropped: null };
  }
  // A full need: the new row enters only above the worst kept, which then goes.
  const worst = tail[0];
  if (worst === undefined || ranksBelow(entry, worst)) return { state, written: false, dropped: null };
  const next = withEntry(tail.slice(1), count - 1, entry);
  return next && { state: { count, tail: next }, written: true, dropped: worst.supplierId };
}

/**
 * The tail once `entry` joins `others` kept rows, whose worst `tail` holds (worst first): null when
 * that cannot be told (the tail is empty while rows remain unseen).
 */
function withEntry(tail: readonly KeptEntry[], others: number, entry: KeptEntry): KeptEntry[] | null {
  const complete = tail.length === others;
  if (!complete && tail.length === 0) return null;
  // Every row outside an incomplete tail ranks above all of it: the entry joins the tail only if it
  // ranks below the tail's best, and then the tail is the worst rows plus one.
  if (!complete && !ranksBelow(entry, tail[tail.length - 1])) return [...tail];
  const at = tail.findIndex((kept) => ranksBelow(entry, kept));
  const next = at === -1 ? [...tail, entry] : [...tail.slice(0, at), entry, ...tail.slice(at)];
  return next.length > KEPT_TAIL_SIZE ? next.slice(0, KEPT_TAIL_SIZE) : next;
}
