import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { ConcurrencyLimit, JobBatcher } from 'src/matching/jobs/job-batcher';
import { MatchingJobsService, NeedScored } from 'src/matching/matching-jobs.service';
import { assertEveryJobHasHandler, JobHandlers } from 'src/queue/job-handlers';
import { JobsService } from 'src/queue/jobs.service';
import { JOB_PRIORITY, JobName, MATCHING_QUEUE } from 'src/queue/queue.definitions';
import { workerConnectionOptions } from 'src/queue/worker-connection';

type MatchingJobName = 'need.publish' | 'need.change' | 'need.rerank' | 'profile.change' | 'needs.rescore-open' | 'matching.reconcile';

// Re-score everything rarely: corpus statistics drift slowly.
const RESCORE_OPEN_EVERY_MS = 6 * 60 * 60 * 1000;

// Need batches in flight at once: one being written by PostgreSQL while the next is ranked here.
const NEED_BATCHES_RUNNING = 2;
// How long a batch that is not full waits, under load, for the jobs the worker is still fetching.
const NEED_BATCH_LINGER_MS = 5;

// A plain BullMQ Worker rather than @Processor: its connection options (which BullMQ requires to
// retry forever) and concurrency come from the validated config, which a decorator cannot read.
@Injectable()
export class MatchingProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MatchingProcessor.name);
  private readonly handlers: JobHandlers<MatchingJobName>;
  // Need jobs are many and short: ranked and written in batches. The rest are long and run whole.
  private readonly needBatches: JobBatcher<string, NeedScored>;
  private readonly longJobs: ConcurrencyLimit;
  private worker: Worker | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly matching: MatchingJobsService,
    private readonly corpus: MatchingCorpusService,
    private readonly jobs: JobsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const report = (job: Job) => (progress: number | object) => job.updateProgress(progress);
    this.needBatches = new JobBatcher((needIds) => this.matching.scoreNeeds(needIds), {
      maxSize: config.matchingBatchSize,
      maxRunning: NEED_BATCHES_RUNNING,
      lingerMs: NEED_BATCH_LINGER_MS,
    });
    this.longJobs = new ConcurrencyLimit(config.workerConcurrency);
    this.handlers = {
      'need.publish': ({ needId }) => this.needBatches.submit(needId),
      'need.change': ({ needId }) => this.needBatches.submit(needId),
      'need.rerank': ({ needId }) => this.longJobs.run(() => this.matching.scoreNeed(needId, { force: true })),
      'profile.change': ({ supplierId }, job) => this.longJobs.run(() => this.matching.scoreProfile(supplierId, report(job))),
      'needs.rescore-open': (_payload, job) => this.longJobs.run(() => this.matching.rescoreOpenNeeds(report(job))),
      'matching.reconcile': () => this.longJobs.run(() => this.matching.reconcile()),
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
      // Room for every need batch in flight to be full; long jobs beyond WORKER_CONCURRENCY wait in longJobs.
      concurrency: Math.max(this.config.workerConcurrency, NEED_BATCHES_RUNNING * this.config.matchingBatchSize),
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
