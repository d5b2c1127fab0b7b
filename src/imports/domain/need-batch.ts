import type { RowIssue } from 'src/imports/domain/import.types';
import { sameList } from 'src/imports/domain/supplier-batch';
import { isEditable, NeedStatus, transition } from 'src/needs/domain/need-lifecycle';

/** A need's content, as stored (money as decimal strings of pence). A row replaces all of it. */
export interface NeedContent {
  title: string;
  description: string;
  cpvCodes: string[];
  commitmentIds: string[];
  budgetMin: string | null;
  budgetMax: string | null;
  regions: string[];
  requiredCertifications: string[];
  essentialRequirements: string[];
  submissionDeadline: Date | null;
}

export interface NeedRow {
  row: number;
  externalId: string;
  content: NeedContent;
  /** Names the deadline as the row's author wrote it (`tender.tenderPeriod.endDate` for OCDS). */
  deadlineField: string;
}

export interface StoredNeed {
  id: string;
  externalId: string;
  status: NeedStatus;
  version: number;
  publishedAt: Date | null;
  content: NeedContent;
}

export interface NeedWrite extends StoredNeed {
  isNew: boolean;
}

/** The matching work a committed batch owes: a newly opened need is ranked, an edited open one re-ranked. */
export interface NeedMatchingWork {
  job: 'need.publish' | 'need.change';
  needId: string;
  needVersion: number;
}

export interface NeedBatchPlan {
  writes: NeedWrite[];
  created: number;
  updated: number;
  unchanged: number;
  failed: number;
  published: number;
  notPublished: number;
  errors: RowIssue[];
  warnings: RowIssue[];
  work: NeedMatchingWork[];
}

/**
 * Decides what a batch of need rows changes, in order, as if one by one, with the API's rules: a new
 * external id creates a draft (version 1); a known one is replaced when its content differs (version
 * + 1), which only drafts and open needs allow, and an open need must keep a future deadline. With
 * `publish`, a draft whose deadline is ahead is published (open); one without is stored as a draft
 * and reported as a warning. Identical rows change nothing.
 */
export function planNeedBatch(
  rows: NeedRow[],
  stored: Map<string, StoredNeed>,
  options: { publish: boolean; now: Date; newId: () => string },
): NeedBatchPlan {
  const state = new Map<string, NeedWrite & { dirty: boolean; opened: boolean; contentChangedWhileOpen: boolean }>();
  for (const [externalId, need] of stored) {
    state.set(externalId, { ...need, isNew: false, dirty: false, opened: false, contentChangedWhileOpen: false });
  }
  const plan: NeedBatchPlan = {
    writes: [],
    created: 0,
    updated: 0,
    unchanged: 0,
    failed: 0,
    published: 0,
    notPublished: 0,
    errors: [],
    warnings: [],
    work: [],
  };

  const publishIfDue = (need: NeedWrite & { opened: boolean }, row: NeedRow): boolean => {
    if (!options.publish || !transition(need.status, 'publish').ok) return false;
    const problem = deadlineProblemOf(need.content.submissionDeadline, options.now);
    if (problem) {
      plan.notPublished++;
      plan.warnings.push({ row: row.row, field: row.deadlineField, message: `not published: ${problem}` });
      return false;
    }
    need.status = 'open';
    need.publishedAt = options.now;
    need.opened = true;
    plan.published++;
    return true;
  };

  for (const row of rows) {
    const current = state.get(row.externalId);
    if (!current) {
      const created = {
        id: options.newId(),
        externalId: row.externalId,
        status: 'draft' as NeedStatus,
        version: 1,
        publishedAt: null,
        content: row.content,
        isNew: true,
        dirty: true,
        opened: false,
        contentChangedWhileOpen: false,
      };
      state.set(row.externalId, created);
      plan.created++;
      publishIfDue(created, row);
      continue;
    }
    const contentChanged = !sameNeed(current.content, row.content);
    if (contentChanged && !isEditable(current.status)) {
      plan.failed++;
      plan.errors.push({ row: row.row, field: 'externalId', message: `A ${current.status} need cannot be edited.` });
      continue;
    }
    const deadlineProblem = contentChanged && current.status === 'open' ? deadlineProblemOf(row.content.submissionDeadline, options.now) : null;
    if (deadlineProblem) {
      plan.failed++;
      plan.errors.push({ row: row.row, field: row.deadlineField, message: deadlineProblem });
      continue;
    }
    if (contentChanged) {
      current.content = row.content;
      if (current.status === 'open') current.contentChangedWhileOpen = true;
    }
    const opened = publishIfDue(current, row);
    if (contentChanged || opened) {
      // One row is one change: the version goes up once, as after one PATCH or one publish.
      current.version++;
      current.dirty = true;
      plan.updated++;
    } else {
      plan.unchanged++;
    }
  }

  for (const need of state.values()) {
    if (!need.dirty) continue;
    const { dirty: _dirty, opened, contentChangedWhileOpen, ...write } = need;
    plan.writes.push(write);
    if (opened) plan.work.push({ job: 'need.publish', needId: write.id, needVersion: write.version });
    else if (contentChangedWhileOpen && write.status === 'open') plan.work.push({ job: 'need.change', needId: write.id, needVersion: write.version });
  }
  return plan;
}

export function sameNeed(a: NeedContent, b: NeedContent): boolean {
  return (
    a.title === b.title &&
    a.description === b.description &&
    sameList(a.cpvCodes, b.cpvCodes) &&
    sameList(a.commitmentIds, b.commitmentIds) &&
    a.budgetMin === b.budgetMin &&
    a.budgetMax === b.budgetMax &&
    sameList(a.regions, b.regions) &&
    sameList(a.requiredCertifications, b.requiredCertifications) &&
    sameList(a.essentialRequirements, b.essentialRequirements) &&
    (a.submissionDeadline?.getTime() ?? null) === (b.submissionDeadline?.getTime() ?? null)
  );
}

/** The API's publish rule, in its words: a deadline is required, and must be in the future. */
export function deadlineProblemOf(deadline: Date | null, now: Date): string | null {
  if (!deadline) return 'a need needs a submission deadline to be published';
  if (deadline.getTime() <= now.getTime()) return 'the submission deadline must be in the future';
  return null;
}
