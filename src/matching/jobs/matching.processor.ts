import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { assertEveryJobHasHandler, JobHandlers } from 'src/queue/job-handlers';
import { JobsService } from 'src/queue/jobs.service';
import { JOB_PRIORITY, JobName, MATCHING_QUEUE } from 'src/queue/queue.definitions';
import { workerConnectionOptions } from 'src/queue/worker-connection';

type MatchingJobName = 'need.publish' | 'need.change' | 'profile.change' | 'needs.rescore-open' | 'matching.reconcile';

// Re-score everything rarely: corpus statistics drift slowly.
const RESCORE_OPEN_EVERY_MS = 6 * 60 * 60 * 1000;

// A plain BullMQ Worker rather than @Processor: its connection options (which BullMQ requires to
// retry forever) and concurrency come from the validated config, which a decorator cannot read.
@Injectable()
export class MatchingProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MatchingProcessor.name);
  private readonly handlers: JobHandlers<MatchingJobName>;
  private worker: Worker | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly matching: MatchingJobsService,
    private readonly corpus: MatchingCorpusService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const report = (job: Job) => (progress: number | object) => job.updateProgress(progress);
    this.handlers = {
      'need.publish': ({ needId }) => this.matching.scoreNeed(needId),
      'need.change': ({ needId }) => this.matching.scoreNeed(needId),
      'profile.change': ({ supplierId }, job) => this.matching.scoreProfile(supplierId, report(job)),
      'needs.rescore-open': (_payload, job) => this.matching.rescoreOpenNeeds(report(job)),
      'matching.reconcile': () => this.matching.reconcile(),
    };
  }

  onModuleInit(): void {
    assertEveryJobHasHandler(MATCHING_QUEUE, this.handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Build the index before taking jobs.
    await this.corpus.sync();
    this.worker = new Worker(MATCHING_QUEUE, (job) => this.process(job), {
      connection: workerConnectionOptions(this.config),
      prefix: this.config.queuePrefix,
      concurrency: this.config.workerConcurrency,
      lockDuration: this.config.workerLockDurationMs,
      stalledInterval: this.config.workerStalledIntervalMs,
    });
    this.worker.on('failed', (job, error) => this.onFailed(job, error));
    this.worker.on('error', (error) => this.onError(error));
    // Reconciling runs on a timer in every worker process rather than as a Redis-scheduled job:
    // Redis here keeps nothing on disk, and a schedule lost with Redis would stop the very pass
    // that re-creates lost work. Repeats across workers are harmless (job ids are deterministic).
    this.reconcileTimer = setInterval(() => void this.reconcileQuietly(), this.config.reconcileIntervalMs);
    this.reconcileTimer.unref();
    await this.reconcileQuietly();
  }

  /** Enqueues owed work and (re)declares the periodic re-scoring, which Redis may have lost. */
  private async reconcileQuietly(): Promise<void> {
    try {
      await this.matching.reconcile();
      await this.jobs.queue(MATCHING_QUEUE).upsertJobScheduler('needs-rescore-open', { every: RESCORE_OPEN_EVERY_MS }, {
        name: 'needs.rescore-open',
        data: { requestedAt: 'scheduled' },
        // Behind publishes: a fresh Redis would otherwise run the full re-score first.
        opts: { priority: JOB_PRIORITY['needs.rescore-open'] },
      });
    } catch (error) {
      this.logger.warn(`reconcile skipped (PostgreSQL or Redis unavailable?): ${(error as Error).message}`);
    }
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as MatchingJobName] as ((payload: unknown, job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`No handler for job ${job.name as JobName}`);
    return handler(job.data, job);
  }

  /** Lets running jobs finish, then stops taking new ones (SIGTERM, app.close()). */
  async onApplicationShutdown(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.worker?.close();
  }

  private onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  }

  // A worker's connection errors are retried by ioredis; without a listener they would crash the process.
  private onError(error: Error): void {
    this.logger.warn(`matching worker: ${error.message}`);
  }
}
