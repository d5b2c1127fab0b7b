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
    const queue = this.queues[QUEUE_OF_JOB[name]];
    const jobId = jobIdOf(name, payload);
    try {
      await queue.add(name, payload, { jobId, priority: JOB_PRIORITY[name] });
      return jobId;
    } catch (error) {
      throw new DomainError('unavailable', 'SERVICE.QUEUE_UNAVAILABLE', 'The job queue is unavailable; try again shortly.', [], {
        cause: error,
      });
    }
  }

  queue(name: QueueName): Queue {
    return this.queues[name];
  }
}
