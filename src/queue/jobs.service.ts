import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DomainError } from 'src/common/errors/domain-error';
import {
  IMPORTS_QUEUE,
  JOB_PRIORITY,
  JobName,
  JobPayloads,
  jobIdOf,
  MATCHING_QUEUE,
  QUEUE_OF_JOB,
  QueueName,
  WEBHOOKS_QUEUE,
} from 'src/queue/queue.definitions';

const ENQUEUE_CHUNK = 500;
// Owed jobs are looked up this many at a time (one round trip each, sent together).
const FINISHED_CHECK_CHUNK = 50;

/** Enqueues jobs by name with their deterministic ids. The one way the service produces work. */
@Injectable()
export class JobsService {
  private readonly queues: Record<QueueName, Queue>;

  constructor(
    @InjectQueue(MATCHING_QUEUE) matchingQueue: Queue,
    @InjectQueue(WEBHOOKS_QUEUE) webhooksQueue: Queue,
    @InjectQueue(IMPORTS_QUEUE) importsQueue: Queue,
  ) {
    this.queues = { [MATCHING_QUEUE]: matchingQueue, [WEBHOOKS_QUEUE]: webhooksQueue, [IMPORTS_QUEUE]: importsQueue };
    // Connection errors surface as 503s on enqueue; an 'error' event with no listener would crash.
    for (const queue of Object.values(this.queues)) queue.on('error', () => undefined);
  }

  async enqueue<N extends JobName>(name: N, payload: JobPayloads[N]): Promise<string> {
    const [jobId] = await this.enqueueMany(name, [payload]);
    return jobId;
  }

  /**
   * Enqueues jobs for work that PostgreSQL says is still owed (see MatchingJobsService.reconcile).
   * A finished job keeps its id for a while (removeOnComplete, removeOnFail), and adding that id
   * again is a no-op; yet its work can still be owed: its transaction was lost in a PostgreSQL
   * crash (the workers commit asynchronously), it failed for good while PostgreSQL was away, or it
   * scored a version older than its payload's. Such finished jobs are removed first, so that they
   * run again; pending ones are left as they are.
   */
  async enqueueOwed<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<string[]> {
    const queue = this.queues[QUEUE_OF_JOB[name]];
    try {
      for (let i = 0; i < payloads.length; i += FINISHED_CHECK_CHUNK) {
        const ids = payloads.slice(i, i + FINISHED_CHECK_CHUNK).map((payload) => jobIdOf(name, payload));
        const jobs = await Promise.all(ids.map((id) => queue.getJob(id)));
        await Promise.all(jobs.filter((job) => job?.finishedOn).map((job) => job!.remove()));
      }
    } catch (error) {
      throw queueUnavailable(error);
    }
    return this.enqueueMany(name, payloads);
  }

  /**
   * Enqueues many jobs of one name in one round trip per ENQUEUE_CHUNK (a job whose id is already
   * queued is left as it is, as with one). What reconciling thousands of owed jobs needs: one at a
   * time, that took seconds of the process's time while the workers waited.
   */
  async enqueueMany<N extends JobName>(name: N, payloads: JobPayloads[N][]): Promise<string[]> {
    const queue = this.queues[QUEUE_OF_JOB[name]];
    const jobs = payloads.map((data) => ({ name, data, opts: { jobId: jobIdOf(name, data), priority: JOB_PRIORITY[name] } }));
    try {
      for (let i = 0; i < jobs.length; i += ENQUEUE_CHUNK) {
        const chunk = jobs.slice(i, i + ENQUEUE_CHUNK);
        // One job (every publish) goes without addBulk's MULTI wrapper.
        if (chunk.length === 1) await queue.add(chunk[0].name, chunk[0].data, chunk[0].opts);
        else await queue.addBulk(chunk);
      }
      return jobs.map((job) => job.opts.jobId);
    } catch (error) {
      throw queueUnavailable(error);
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }
}

function queueUnavailable(cause: unknown): DomainError {
  return new DomainError('unavailable', 'SERVICE.QUEUE_UNAVAILABLE', 'The job queue is unavailable; try again shortly.', [], { cause });
}
