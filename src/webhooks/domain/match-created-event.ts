import type { MatchExplanation } from 'src/matching/domain/matching.types';

export const MATCH_CREATED = 'match.created';

/**
 * What the service knew when the match qualified, frozen in the event row so that every retry sends
 * the same bytes (and the same event) even if the need or the ranking has moved on since.
 */
export interface MatchCreatedSnapshot {
  need: {
    id: string;
    title: string;
    /** ISO 8601, or null when the need has no deadline. */
    submissionDeadline: string | null;
    /** Pence. */
    budgetMin: number | null;
    budgetMax: number | null;
  };
  match: {
    /** 0–100, one decimal. */
    score: number;
    /** 1 for the best match of the need when the event was recorded. */
    rank: number;
    explanation: MatchExplanation;
  };
}

export interface MatchCreatedEvent {
  id: string;
  type: typeof MATCH_CREATED;
  createdAt: string;
  need: MatchCreatedSnapshot['need'];
  match: MatchCreatedSnapshot['match'];
}

/** The event's JSON body, with its keys in a fixed, readable order. */
export function matchCreatedEventBody(event: { id: string; createdAt: Date; snapshot: MatchCreatedSnapshot }): string {
  const { need, match } = event.snapshot;
  const body: MatchCreatedEvent = {
    id: event.id,
    type: MATCH_CREATED,
    createdAt: event.createdAt.toISOString(),
    need: {
      id: need.id,
      title: need.title,
      submissionDeadline: need.submissionDeadline === null ? null : new Date(need.submissionDeadline).toISOString(),
      budgetMin: need.budgetMin,
      budgetMax: need.budgetMax,
    },
    match: {
      score: match.score,
      rank: match.rank,
      explanation: {
        matchedTerms: match.explanation.matchedTerms.map(({ term, weight }) => ({ term, weight })),
        cpvMatches: match.explanation.cpvMatches.map(({ need: code, supplier, level }) => ({ need: code, supplier, level })),
        failedRequirements: [...match.explanation.failedRequirements],
      },
    },
  };
  return JSON.stringify(body);
}
