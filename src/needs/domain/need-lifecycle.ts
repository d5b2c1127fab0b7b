export const NEED_STATUSES = ['draft', 'open', 'closed', 'awarded', 'cancelled'] as const;
export type NeedStatus = (typeof NEED_STATUSES)[number];

export type NeedAction = 'publish' | 'close' | 'award' | 'cancel';

/** Statuses anyone may read; drafts and cancelled needs stay with their organisation. */
export const PUBLISHED_STATUSES: readonly NeedStatus[] = ['open', 'closed', 'awarded'];

const TRANSITIONS: Record<NeedAction, { from: readonly NeedStatus[]; to: NeedStatus }> = {
  publish: { from: ['draft'], to: 'open' },
  close: { from: ['open'], to: 'closed' },
  award: { from: ['open', 'closed'], to: 'awarded' },
  cancel: { from: ['draft', 'open', 'closed'], to: 'cancelled' },
};

export type TransitionResult = { ok: true; to: NeedStatus } | { ok: false; reason: string };

/** The need lifecycle: draft → open → closed → awarded, and cancel from any status before award. */
export function transition(from: NeedStatus, action: NeedAction): TransitionResult {
  const rule = TRANSITIONS[action];
  if (rule.from.includes(from)) return { ok: true, to: rule.to };
  return { ok: false, reason: `a ${from} need cannot be ${pastTense(action)} (only ${rule.from.join(' or ')} needs can)` };
}

/** Which statuses allow editing the need's content (an edit of an open need re-scores its matches). */
export function isEditable(status: NeedStatus): boolean {
  return status === 'draft' || status === 'open';
}

export function isPublished(status: NeedStatus): boolean {
  return PUBLISHED_STATUSES.includes(status);
}

function pastTense(action: NeedAction): string {
  return { publish: 'published', close: 'closed', award: 'awarded', cancel: 'cancelled' }[action];
}
