import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { assertEveryJobHasHandler, JobHandlers } from 'src/queue/job-handlers';
import { JobName, WEBHOOKS_QUEUE } from 'src/queue/queue.definitions';
import { workerConnectionOptions } from 'src/queue/worker-connection';
import { WEBHOOK_DELIVERY } from 'src/webhooks/webhook-delivery.settings';
import { WebhookAttemptFailedError, WebhookDeliveryService } from 'src/webhooks/webhook-delivery.service';
import { WebhookEventsService } from 'src/webhooks/webhook-events.service';

type WebhookJobName = 'webhook.deliver' | 'webhooks.reconcile';

// Deliveries spend their time waiting on other people's servers, not on our CPU: run many at once so
// that one slow subscriber (up to the attempt timeout) does not hold up everyone else's alerts.
const DELIVERY_CONCURRENCY = 16;

// A plain BullMQ Worker, like the matching processor: connection and prefix come from the config.
@Injectable()
export class WebhookDeliveryProcessor implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookDeliveryProcessor.name);
  private readonly handlers: JobHandlers<WebhookJobName>;
  private worker: Worker | null = null;
  private reconcileTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly delivery: WebhookDeliveryService,
    private readonly events: WebhookEventsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.handlers = {
      'webhook.deliver': ({ eventId }, job) =>
        this.delivery.deliver(eventId, { lastAttempt: job.attemptsMade + 1 >= (job.opts.attempts ?? 1) }),
      'webhooks.reconcile': () => this.events.reconcile(),
    };
  }

  onModuleInit(): void {
    assertEveryJobHasHandler(WEBHOOKS_QUEUE, this.handlers);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(WEBHOOKS_QUEUE, (job) => this.process(job), {
      connection: workerConnectionOptions(this.config),
      prefix: this.config.queuePrefix,
      concurrency: DELIVERY_CONCURRENCY,
    });
    this.worker.on('failed', (job, error) => this.onFailed(job, error));
    this.worker.on('error', (error) => this.logger.warn(`webhooks worker: ${error.message}`));
    // On a timer in every worker process, not as a Redis-scheduled job: a schedule lost with Redis
    // would stop the very pass that re-creates deliveries lost with Redis. Repeats are harmless.
    this.reconcileTimer = setInterval(() => void this.reconcileQuietly(), WEBHOOK_DELIVERY.reconcileEveryMs);
    this.reconcileTimer.unref();
  }

  private async reconcileQuietly(): Promise<void> {
    try {
      const owed = await this.events.reconcile();
      if (owed > 0) this.logger.log(`re-enqueued ${owed} webhook events owed delivery`);
    } catch (error) {
      this.logger.warn(`webhook reconcile skipped (PostgreSQL or Redis unavailable?): ${(error as Error).message}`);
    }
  }

  async process(job: Job): Promise<unknown> {
    const handler = this.handlers[job.name as WebhookJobName] as ((payload: unknown, job: Job) => Promise<unknown>) | undefined;
    if (!handler) throw new Error(`No handler for job ${job.name as JobName}`);
    return handler(job.data, job);
  }

  /** Lets running deliveries finish, then stops taking new ones. */
  async onApplicationShutdown(): Promise<void> {
    if (this.reconcileTimer) clearInterval(this.reconcileTimer);
    await this.worker?.close();
  }

  private onFailed(job: Job | undefined, error: Error): void {
    // A subscriber that does not answer 2xx is routine, and is in the delivery log: keep it quiet.
    if (error instanceof WebhookAttemptFailedError) {
      this.logger.debug(error.message);
      return;
    }
    this.logger.warn(`job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  }
}
