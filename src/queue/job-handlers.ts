import type { Job } from 'bullmq';
import { JobName, jobNamesOf, JobPayloads, QueueName } from 'src/queue/queue.definitions';

export type JobHandler<N extends JobName> = (payload: JobPayloads[N], job: Job<JobPayloads[N]>) => Promise<unknown>;
export type JobHandlers<Names extends JobName> = { [N in Names]: JobHandler<N> };

/**
 * Refuses to start a worker that would receive jobs it cannot handle: every job name the queue
 * declares must have a handler. (The types already demand it; this also catches a handler map
 * built at run time.)
 */
export function assertEveryJobHasHandler(queue: QueueName, handlers: Partial<Record<JobName, unknown>>): void {
  const missing = jobNamesOf(queue).filter((name) => typeof handlers[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(`Queue ${queue} has no handler for job(s): ${missing.join(', ')}`);
  }
}
