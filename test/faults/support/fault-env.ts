import { Queue } from 'bullmq';
import { AppConfig, loadConfig } from 'src/config/app-config';
import { redisOptionsFromUrl } from 'src/queue/redis-options';
import { DEFAULT_JOB_OPTIONS, JOB_PRIORITY, jobIdOf, MATCHING_QUEUE } from 'src/queue/queue.definitions';
import { databaseUrl, runId, TEST_ADMIN_EMAIL, TEST_ADMIN_PASSWORD, TEST_REDIS_URL, uniqueSuffix } from '../../support/test-environment';

/**
 * Timings that make recovery visible within seconds: a killed worker's jobs are retried once their
 * 3 s lock lapses (checked every 2 s), and every worker re-creates owed work from PostgreSQL every 2 s.
 */
export const FAST_RECOVERY_ENV = {
  WORKER_LOCK_DURATION_MS: '3000',
  WORKER_STALLED_INTERVAL_MS: '2000',
  RECONCILE_INTERVAL_MS: '2000',
};

/** The environment of a service process under test: a copy of the template database, its own queue prefix. */
export function faultEnv(database: string, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `pmfault-${runId()}-${uniqueSuffix()}`,
    ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    JWT_SECRET: 'faults-jwt-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...FAST_RECOVERY_ENV,
    ...overrides,
  };
}

export function configOf(env: Record<string, string>): AppConfig {
  return loadConfig(env);
}

/** The matching queue as a producer outside the service sees it (same prefix and job defaults). */
export function matchingQueue(config: AppConfig): Queue {
  const queue = new Queue(MATCHING_QUEUE, {
    connection: { ...redisOptionsFromUrl(config.redisUrl), maxRetriesPerRequest: null },
    prefix: config.queuePrefix,
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  queue.on('error', () => undefined);
  return queue;
}

/** Enqueues `need.publish` jobs exactly as JobsService does: same name, payload, deterministic id and priority. */
export async function enqueueNeedPublishJobs(queue: Queue, needIds: string[], needVersion = 1): Promise<void> {
  const jobs = needIds.map((needId) => {
    const data = { needId, needVersion };
    return { name: 'need.publish', data, opts: { jobId: jobIdOf('need.publish', data), priority: JOB_PRIORITY['need.publish'] } };
  });
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
}

/**
 * Declares the periodic full re-score (the schedule every worker declares at start) with its first
 * run 6 h ahead. Declared fresh, BullMQ runs it at once and ahead of the publishes (it carries no
 * priority), and a full forced re-score would quietly repair whatever a lost job left undone: a test
 * of job recovery must see the need jobs alone. The workers' own declarations keep this first run.
 */
export async function declareRescoreScheduleAhead(queue: Queue): Promise<void> {
  const every = 6 * 60 * 60 * 1000;
  await queue.upsertJobScheduler(
    'needs-rescore-open',
    { every, startDate: Date.now() + every },
    { name: 'needs.rescore-open', data: { requestedAt: 'scheduled' } },
  );
}

/** Waiting, active, delayed and failed counts of the need jobs (the periodic re-score's schedule excluded). */
export async function needJobCounts(queue: Queue): Promise<Record<'waiting' | 'active' | 'delayed' | 'failed' | 'completed', number>> {
  const counts = await queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed');
  // The job scheduler keeps one delayed `needs.rescore-open` for 6 h ahead: not work in flight.
  const scheduled = (await queue.getDelayed()).filter((job) => job.name === 'needs.rescore-open').length;
  return {
    waiting: counts.waiting + counts.prioritized,
    active: counts.active,
    delayed: counts.delayed - scheduled,
    failed: counts.failed,
    completed: counts.completed,
  };
}
