import type { JobsOptions } from 'bullmq';

// Every queue, job name, payload and default option of the service lives here, so producers and
// processors cannot drift apart. Payloads carry ids only: the worker reads the current rows from
// PostgreSQL, the source of truth.

export const MATCHING_QUEUE = 'matching';
export const WEBHOOKS_QUEUE = 'webhooks';
export const IMPORTS_QUEUE = 'imports';

export const QUEUE_NAMES = [MATCHING_QUEUE, WEBHOOKS_QUEUE, IMPORTS_QUEUE] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface JobPayloads {
  /** A need was published: score it against every profile. */
  'need.publish': { needId: string; needVersion: number };
  /** An open need's text, codes or requirements changed: re-score it. */
  'need.change': { needId: string; needVersion: number };
  /**
   * A buyer decided on one of an open need's kept matches, which leaves the kept count: re-rank the
   * need in full so that its next-best supplier takes the place.
   */
  'need.rerank': { needId: string; requestedAt: string };
  /** A supplier profile changed: re-score it against every open need. */
  'profile.change': { supplierId: string; profileVersion: number };
  /** Periodic: re-score every open need so that corpus statistics never drift far. */
  'needs.rescore-open': { requestedAt: string };
  /**
   * Periodic: enqueue the work that PostgreSQL says is owed (needs or profiles whose current version
   * has not been scored), so that jobs lost with Redis are re-created from the source of truth.
   */
  'matching.reconcile': { requestedAt: string };
  /** POST one recorded webhook event (a match at or above a subscription's minScore) to its subscriber. */
  'webhook.deliver': { eventId: string };
  /** Periodic: re-enqueue webhook events still owed delivery, so that deliveries lost with Redis are re-created. */
  'webhooks.reconcile': { requestedAt: string };
  /** A stored upload (suppliers or needs) to validate and write, batch by batch, from its checkpoint. */
  'import.process': { importId: string };
  /** Periodic: re-enqueue imports that PostgreSQL says are queued or running, so that jobs lost with Redis are re-created. */
  'imports.reconcile': { requestedAt: string };
}

export type JobName = keyof JobPayloads;

export const QUEUE_OF_JOB: { [N in JobName]: QueueName } = {
  'need.publish': MATCHING_QUEUE,
  'need.change': MATCHING_QUEUE,
  'need.rerank': MATCHING_QUEUE,
  'profile.change': MATCHING_QUEUE,
  'needs.rescore-open': MATCHING_QUEUE,
  'matching.reconcile': MATCHING_QUEUE,
  'webhook.deliver': WEBHOOKS_QUEUE,
  'webhooks.reconcile': WEBHOOKS_QUEUE,
  'import.process': IMPORTS_QUEUE,
  'imports.reconcile': IMPORTS_QUEUE,
};

export function jobNamesOf(queue: QueueName): JobName[] {
  return (Object.keys(QUEUE_OF_JOB) as JobName[]).filter((name) => QUEUE_OF_JOB[name] === queue);
}

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  // 1 s, 2 s, 4 s … about 4 minutes in all: long enough to ride out a database restart.
  backoff: { type: 'exponential', delay: 1000 },
  // Completed jobs are kept for an hour so that a duplicate enqueue within that time is a no-op.
  removeOnComplete: { age: 3600, count: 50_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * BullMQ priorities (1 is served first): a buyer waiting on a newly published need comes before
 * background re-scoring, so a flood of profile changes never delays a publish.
 */
export const JOB_PRIORITY: { [N in JobName]: number } = {
  'need.publish': 1,
  'need.change': 2,
  'need.rerank': 2,
  'profile.change': 5,
  'matching.reconcile': 3,
  'needs.rescore-open': 10,
  // The webhooks queue is its own: these order deliveries only against its reconciler.
  'webhook.deliver': 1,
  'webhooks.reconcile': 3,
  // The imports queue is its own too: an upload's processing comes before the reconciler's sweep.
  'import.process': 1,
  'imports.reconcile': 3,
};

/**
 * Deterministic job ids: the same change enqueued twice (a retried request, a reconciler pass) is
 * one job. The version is part of the id so that a later change is a new job. BullMQ forbids `:`
 * in custom ids, hence the dashes.
 */
export function jobIdOf<N extends JobName>(name: N, payload: JobPayloads[N]): string {
  switch (name) {
    case 'need.publish': {
      const p = payload as JobPayloads['need.publish'];
      return `need-${p.needId}-v${p.needVersion}`;
    }
    case 'need.change': {
      const p = payload as JobPayloads['need.change'];
      return `need-${p.needId}-v${p.needVersion}`;
    }
    case 'need.rerank': {
      const p = payload as JobPayloads['need.rerank'];
      return `need-rerank-${p.needId}-${p.requestedAt.replace(/[^0-9TZ]/g, '')}`;
    }
    case 'profile.change': {
      const p = payload as JobPayloads['profile.change'];
      return `profile-${p.supplierId}-v${p.profileVersion}`;
    }
    case 'needs.rescore-open': {
      const p = payload as JobPayloads['needs.rescore-open'];
      return `rescore-open-${p.requestedAt.replace(/[^0-9TZ]/g, '')}`;
    }
    case 'matching.reconcile': {
      const p = payload as JobPayloads['matching.reconcile'];
      return `reconcile-${p.requestedAt.replace(/[^0-9TZ]/g, '')}`;
    }
    case 'webhook.deliver': {
      // One delivery job per event, ever: a re-enqueue by the reconciler joins the job in flight.
      const p = payload as JobPayloads['webhook.deliver'];
      return `webhook-event-${p.eventId}`;
    }
    case 'webhooks.reconcile': {
      const p = payload as JobPayloads['webhooks.reconcile'];
      return `webhooks-reconcile-${p.requestedAt.replace(/[^0-9TZ]/g, '')}`;
    }
    case 'import.process': {
      // One job per import for its whole life: a re-enqueue (reconciler, retried request) joins it,
      // and a resumed import continues from the checkpoint stored with its last committed batch.
      const p = payload as JobPayloads['import.process'];
      return `import-${p.importId}`;
    }
    case 'imports.reconcile': {
      const p = payload as JobPayloads['imports.reconcile'];
      return `imports-reconcile-${p.requestedAt.replace(/[^0-9TZ]/g, '')}`;
    }
    default:
      throw new Error(`No job id rule for job ${String(name)}`);
  }
}
