import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { ImportsJobsService } from 'src/imports/imports-jobs.service';
import { assertEveryJobHasHandler, JobHandlers } from 'src/queue/job-handlers';
import { JobsService } from 'src/queue/jobs.service';
import { IMPORTS_QUEUE, JobName, JobPayloads } from 'src/queue/queue.definitions';
import { workerConnectionOptions } from 'src/queue/worker-connection';

type ImportsJobName = 'import.process' | 'imports.reconcile';

// Unfinished imports are rare and cheap to look for; a lost job waits at most this long.
const RECONCILE_EVERY_MS = 60_000;
// A worker killed mid-import leaves its job stalled; BullMQ hands it to another worker, which resumes
// from the checkpoint. Allow several such hand-overs before BullMQ gives the job up.
const MAX_STALLED_COUNT = 5;

// A plain BullMQ Worker rather than @Processor, like the matching processor: its connection options
// and concurrency come from the validated config.
@Injectable()
export class ImportsProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ImportsProcessor.name);
  private readonly handlers: JobHandlers<ImportsJobName>;
  private worker: Worker | null = null;

  constructor(
    private readonly imports: ImportsJobsService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.handlers = {
      'import.process': async ({ importId }, job) => {
        const done = await this.imports.process(importId, { afterBatch: (progress) => job.updateProgress(progress) });
        return done && { status: done.status, processed: done.processed, failed: done.failed };
      },
      'imports.reconcile': () => this.imports.reconcile(),
    };
  }

  onModuleInit(): void {
    assertEveryJobHasHandler(IMPORTS_QUEUE, this.handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(IMPORTS_QUEUE, (job) => this.process(job), {
      connection: workerConnectionOptions(this.config),
      prefix: this.config.queuePrefix,
      concurrency: this.config.workerConcurrency,
      maxStalledCount: MAX_STALLED_COUNT,
    });
    this.worker.on('failed', (job, error) => void this.onFailed(job, error));
    this.worker.on('error', (error) => this.logger.warn(`imports worker: ${error.message}`));
    try {
      await this.jobs.queue(IMPORTS_QUEUE).upsertJobScheduler('imports-reconcile', { every: RECONCILE_EVERY_MS }, {
        name: 'imports.reconcile',
        data: { requestedAt: 'scheduled' },
      });
    } catch (error) {
      this.logger.warn(`periodic imports reconcile not scheduled now (Redis unavailable?): ${(error as Error).message}`);
    }
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as ImportsJobName] as ((payload: unknown, job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`No handler for job ${job.name as JobName}`);
    return handler(job.data, job);
  }

  /** Lets running jobs finish their batch, then stops taking new ones (SIGTERM, app.close()). */
  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  // BullMQ sets finishedOn only when it gives a job up (attempts spent, or an UnrecoverableError):
  // only then is the import itself failed; earlier failures are retried from the checkpoint.
  private async onFailed(job: Job | undefined, error: Error): Promise<void> {
    this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
    if (!job || job.name !== 'import.process' || !job.finishedOn) return;
    try {
      await this.imports.fail((job.data as JobPayloads['import.process']).importId, error.message);
    } catch (failure) {
      this.logger.warn(`import of job ${job.id} not marked failed now; the reconciler will: ${(failure as Error).message}`);
    }
  }
}
