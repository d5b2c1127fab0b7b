import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { AppConfig } from 'src/config/app-config';
import { clearQueuePrefix } from '../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { databaseUrl } from '../support/test-environment';
import { waitFor } from '../support/wait-for';
import { seedOpenNeeds, seedProfiles, Sql } from './support/corpus';
import { configOf, declareRescoreScheduleAhead, enqueueNeedPublishJobs, faultEnv, matchingQueue, needJobCounts } from './support/fault-env';
import { ApiClient, largeNeedBody } from './support/http-client';
import { freePort, ServiceProcess, sleep } from './support/service-process';

const PROFILES = 200;
const NEEDS = 800;
// Published before the worker process starts: the API may have finished nearly all of the first
// batch before its signal (it once left 64 jobs, which the worker ran in two batches before it could
// be seen mid-batch), so the worker gets a batch of its own.
const WORKER_NEEDS = 800;
const SLOW_REQUESTS = 10;
const BURST_REQUESTS = 20;
// An orchestrator's grace period is typically 30 s; a clean stop here must take far less.
const EXIT_WITHIN_MS = 20_000;
const figures: Record<string, number | string> = {};

describe('SIGTERM while the API serves requests and its in-process workers run matching jobs', () => {
  let database: string;
  let sql: Sql;
  let env: Record<string, string>;
  let config: AppConfig;
  let queue: Queue;
  let api: ServiceProcess;
  const workers: ServiceProcess[] = [];
  let client: ApiClient;

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new Sql(databaseUrl(database));
    await seedProfiles(sql, PROFILES);
    const port = await freePort();
    env = faultEnv(database, { PORT: String(port), HOST: '127.0.0.1', RUN_WORKERS_IN_API: 'true', WORKER_CONCURRENCY: '4', LOG_LEVEL: 'warn' });
    config = configOf(env);
    queue = matchingQueue(config);
    await declareRescoreScheduleAhead(queue);
    client = new ApiClient(port);
  });

  afterAll(async () => {
    await api?.stop();
    for (const worker of workers) await worker.stop();
    await queue?.close();
    await sql?.end();
    if (config) await clearQueuePrefix(config);
    if (database) await dropTestDatabase(database);
    console.log(`SIGTERM figures: ${JSON.stringify(figures)}`);
  });

  /**
   * After a process stopped on SIGTERM: no active job, no lock left to lapse, none failed or sent to
   * retry; the jobs it was running were finished (not handed back), and each finished job's effect is
   * committed. What it had not started waits, intact, for the next worker.
   */
  async function expectNothingLeftInHand(activeAtSigterm: string[], who: string, jobs: number): Promise<void> {
    const after = await needJobCounts(queue);
    figures[`${who}JobsCompleted`] = after.completed;
    figures[`${who}JobsLeftWaiting`] = after.waiting;
    expect({ active: after.active, delayed: after.delayed, failed: after.failed }).toEqual({ active: 0, delayed: 0, failed: 0 });
    expect(after.completed + after.waiting).toBe(jobs);
    const redis = new Redis(config.redisUrl, { lazyConnect: true });
    try {
      await redis.connect();
      expect(await redis.keys(`${config.queuePrefix}:matching:*:lock`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
    const states = await Promise.all(activeAtSigterm.map((id) => queue.getJobState(id)));
    expect(states).toEqual(activeAtSigterm.map(() => 'completed'));
    const completedNeeds = (await queue.getCompleted(0, -1)).map((job) => job.data.needId as string);
    expect(await sql.count(`SELECT count(*) AS n FROM need_matching_state WHERE need_id = ANY($1::uuid[])`, [completedNeeds])).toBe(
      completedNeeds.length,
    );
  }

  it('finishes in-flight requests with 2xx and running jobs, exits 0 promptly, and leaves no job active or stalled', async () => {
    const started = Date.now();
    api = ServiceProcess.start('api', 'src/main.ts', env);
    await client.waitUntilReady(60_000);
    figures.apiStartSeconds = seconds(Date.now() - started);
    const { buyerToken } = await client.buyer();

    // A batch of matching jobs, flowing through the API's in-process workers.
    const needIds = await seedOpenNeeds(sql, NEEDS);
    await enqueueNeedPublishJobs(queue, needIds);
    await waitFor(async () => ((await sql.count(`SELECT count(*) AS n FROM need_matching_state`)) >= 40 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'matching under way',
    });

    // Requests in flight: the server has their headers and half their body when the signal arrives.
    const slow = Array.from({ length: SLOW_REQUESTS }, (_, i) =>
      client.begin('POST', '/api/v1/needs', { token: buyerToken, body: largeNeedBody(`slow-${i}`) }),
    );
    await sleep(300);
    const activeAtSigterm = (await queue.getActive()).map((job) => job.id!);
    figures.activeJobsAtSigterm = activeAtSigterm.length;
    figures.scoredAtSigterm = await sql.count(`SELECT count(*) AS n FROM need_matching_state`);
    expect(activeAtSigterm.length).toBeGreaterThan(0);

    // A burst fired with the signal, each on a new connection: accepted ones must finish; the rest are refused.
    const burst = Array.from({ length: BURST_REQUESTS }, (_, i) =>
      i % 2 === 0
        ? client.call('GET', '/api/v1/needs?pageSize=100', { timeoutMs: 30_000 })
        : client.call('POST', '/api/v1/needs', { token: buyerToken, body: largeNeedBody(`burst-${i}`), timeoutMs: 30_000 }),
    ).map((answer) => answer.then((a) => ({ answer: a }), (error: Error & { code?: string }) => ({ error: error.code ?? error.message })));
    const sigtermAt = Date.now();
    api.signal('SIGTERM');
    await sleep(500);
    for (const request of slow) request.finish();

    const slowAnswers = await Promise.all(slow.map((request) => request.answer));
    figures.slowRequestStatuses = [...new Set(slowAnswers.map((a) => a.status))].join(',');
    expect(slowAnswers.map((a) => a.status)).toEqual(Array(SLOW_REQUESTS).fill(201));

    const burstResults = await Promise.all(burst);
    const answered = burstResults.flatMap((r) => ('answer' in r ? [r.answer] : []));
    figures.burstAnswered = answered.length;
    figures.burstRefused = burstResults.length - answered.length;
    figures.burstRefusals = [...new Set(burstResults.flatMap((r) => ('error' in r ? [r.error] : [])))].join(',');
    // A request whose headers arrive after the signal is refused, never half done: a reset, or Fastify's
    // 503 with `connection: close` (a load balancer retries either elsewhere). Nothing else.
    const refusedWith503 = answered.filter((a) => a.status === 503);
    figures.burst2xx = answered.filter((a) => a.status >= 200 && a.status < 300).length;
    figures.burst503 = refusedWith503.length;
    if (refusedWith503.length) figures.burst503Body = JSON.stringify(refusedWith503[0].body);
    expect(answered.filter((a) => !(a.status >= 200 && a.status < 300) && a.status !== 503).map((a) => a.status)).toEqual([]);
    expect(refusedWith503.every((a) => a.headers.connection === 'close')).toBe(true);
    expect(burstResults.flatMap((r) => ('error' in r ? [r.error] : [])).filter((e) => e !== 'ECONNRESET' && e !== 'ECONNREFUSED')).toEqual([]);

    const exit = await api.waitForExit(EXIT_WITHIN_MS);
    figures.secondsFromSigtermToExit = seconds(Date.now() - sigtermAt);
    figures.exit = JSON.stringify(exit);
    expect(exit).not.toBeNull();

    await expectNothingLeftInHand(activeAtSigterm, 'api', NEEDS);
    // And every in-flight need was stored with its audit event.
    const slowIds = slowAnswers.map((a) => a.body.id as string);
    expect(
      await sql.count(
        `SELECT count(*) AS n FROM procurement_needs n JOIN audit_events a ON a.object_id = n.id::text AND a.action = 'need.create' WHERE n.id = ANY($1::uuid[])`,
        [slowIds],
      ),
    ).toBe(SLOW_REQUESTS);

    // A clean stop says so: exit code 0 (not death by the signal, which supervisors report as a crash, 143).
    expect(exit).toEqual({ code: 0, signal: null });
  }, 150_000);

  it('stops a worker process mid-batch the same way: running jobs finished, exit 0, the rest left waiting', async () => {
    // What the API above left waiting, and a batch of the worker's own: a worker process picks them
    // up, and is stopped in turn.
    await enqueueNeedPublishJobs(queue, await seedOpenNeeds(sql, WORKER_NEEDS));
    const worker = ServiceProcess.start('worker', 'src/worker.ts', { ...env, LOG_LEVEL: 'info' });
    workers.push(worker);
    const scoredBefore = await sql.count(`SELECT count(*) AS n FROM need_matching_state`);
    await worker.waitForOutput(/worker started/, 60_000);
    await waitFor(async () => ((await sql.count(`SELECT count(*) AS n FROM need_matching_state`)) >= scoredBefore + 40 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the worker taking the waiting jobs',
    });
    const activeAtSigterm = (await queue.getActive()).map((job) => job.id!);
    figures.workerActiveJobsAtSigterm = activeAtSigterm.length;
    expect(activeAtSigterm.length).toBeGreaterThan(0);
    const sigtermAt = Date.now();
    worker.signal('SIGTERM');
    const exit = await worker.waitForExit(EXIT_WITHIN_MS);
    figures.workerSecondsFromSigtermToExit = seconds(Date.now() - sigtermAt);
    figures.workerExit = JSON.stringify(exit);
    expect(exit).not.toBeNull();
    await expectNothingLeftInHand(activeAtSigterm, 'worker', NEEDS + WORKER_NEEDS);
    expect(exit).toEqual({ code: 0, signal: null });
  }, 90_000);
});

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
