import { Test, TestingModule } from '@nestjs/testing';
import { Queue } from 'bullmq';
import { AppConfig } from 'src/config/app-config';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { MatchingRepository } from 'src/matching/matching.repository';
import { WorkerModule } from 'src/worker.module';
import { clearQueuePrefix } from '../support/test-app';
import { createTestDatabase, dropTestDatabase } from '../support/test-database';
import { databaseUrl, uniqueSuffix, runId } from '../support/test-environment';
import { waitFor } from '../support/wait-for';
import { seedOpenNeeds, seedProfiles, Sql } from './support/corpus';
import { configOf, declareRescoreScheduleAhead, enqueueNeedPublishJobs, faultEnv, matchingQueue, needJobCounts } from './support/fault-env';
import { ServiceProcess } from './support/service-process';

const PROFILES = 200;
const NEEDS = 1000;
const MATCHES_PER_NEED = 100;
const EXPECTED_MATCHES = Math.min(MATCHES_PER_NEED, PROFILES);
// The test reports its figures here (and on the console), so a failure still says how far it got.
const figures: Record<string, number | string> = {};

describe('A worker killed with SIGKILL in the middle of 1,000 matching jobs', () => {
  let database: string;
  let sql: Sql;
  let env: Record<string, string>;
  let config: AppConfig;
  let queue: Queue;
  let needIds: string[];
  const workers: ServiceProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    sql = new Sql(databaseUrl(database));
    await seedProfiles(sql, PROFILES);
    needIds = await seedOpenNeeds(sql, NEEDS);
    env = faultEnv(database, { LOG_LEVEL: 'info', WORKER_CONCURRENCY: '4', MATCHES_PER_NEED: String(MATCHES_PER_NEED) });
    config = configOf(env);
    queue = matchingQueue(config);
  });

  afterAll(async () => {
    for (const worker of workers) await worker.stop();
    await queue?.close();
    await sql?.end();
    if (config) await clearQueuePrefix(config);
    if (database) await dropTestDatabase(database);
    console.log(`worker crash figures: ${JSON.stringify(figures)}`);
  });

  const scored = () => sql.count(`SELECT count(*) AS n FROM need_matching_state`);

  it('leaves every need scored exactly once, with no duplicate or missing match and no failed job', async () => {
    await declareRescoreScheduleAhead(queue);
    await enqueueNeedPublishJobs(queue, needIds);
    expect((await needJobCounts(queue)).waiting).toBe(NEEDS);

    // First worker: killed without warning once about a third of the needs are scored.
    const started = Date.now();
    const first = ServiceProcess.start('worker 1', 'src/worker.ts', env);
    workers.push(first);
    await first.waitForOutput(/worker started/, 60_000);
    figures.workerStartSeconds = seconds(Date.now() - started);
    await waitFor(async () => ((await scored()) >= NEEDS / 3 ? true : undefined), { timeoutMs: 60_000, intervalMs: 20, what: 'a third of the needs scored' });
    first.signal('SIGKILL');
    const killedAt = Date.now();
    expect(await first.waitForExit(5000)).toEqual({ code: null, signal: 'SIGKILL' });
    const atKill = await needJobCounts(queue);
    figures.scoredAtKill = await scored();
    figures.activeJobsAtKill = atKill.active;
    // Killed mid-run, with jobs in its hands: their locks are still held by a process that is gone.
    expect(figures.scoredAtKill).toBeGreaterThan(0);
    expect(figures.scoredAtKill).toBeLessThan(NEEDS);
    expect(atKill.active).toBeGreaterThan(0);

    // A fresh worker takes over: the orphaned jobs are found stalled once their lock lapses, and the rest are waiting.
    const second = ServiceProcess.start('worker 2', 'src/worker.ts', env);
    workers.push(second);
    await waitFor(
      async () => {
        const counts = await needJobCounts(queue);
        return (await scored()) === NEEDS && counts.waiting + counts.active + counts.delayed === 0 ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 100, what: `all ${NEEDS} needs scored after the restart` },
    );
    figures.secondsFromKillToAllScored = seconds(Date.now() - killedAt);
    second.signal('SIGTERM');
    await second.waitForExit(20_000);

    // The queue: every job completed once, none failed, nothing left behind.
    const counts = await needJobCounts(queue);
    figures.completedJobs = counts.completed;
    expect(counts).toEqual({ waiting: 0, active: 0, delayed: 0, failed: 0, completed: NEEDS });
    // The jobs the killed worker held were taken over once each (found stalled), not failed or lost.
    const completed = await queue.getCompleted(0, -1);
    const recovered = completed.filter((job) => job.stalledCounter > 0);
    figures.jobsRecoveredFromStall = recovered.length;
    expect(recovered.length).toBeGreaterThanOrEqual(1);
    expect(recovered.every((job) => job.stalledCounter === 1)).toBe(true);
    expect(new Set(completed.map((job) => job.id)).size).toBe(NEEDS);

    // PostgreSQL: one scoring state per need at the need's version, and exactly the kept number of matches each.
    const states = await sql.rows<{ scored_version: number; version: number; match_count: number }>(
      `SELECT s.scored_version, n.version, s.match_count FROM need_matching_state s JOIN procurement_needs n ON n.id = s.need_id`,
    );
    expect(states).toHaveLength(NEEDS);
    expect(states.filter((s) => s.scored_version !== s.version || s.match_count !== EXPECTED_MATCHES)).toEqual([]);
    const perNeed = await sql.rows<{ need_id: string; n: number }>(
      `SELECT n.id AS need_id, count(m.supplier_id)::int AS n FROM procurement_needs n LEFT JOIN matches m ON m.need_id = n.id
       GROUP BY n.id HAVING count(m.supplier_id) <> $1`,
      [EXPECTED_MATCHES],
    );
    expect(perNeed).toEqual([]);
    expect(await sql.count(`SELECT count(*) AS n FROM matches`)).toBe(NEEDS * EXPECTED_MATCHES);
    expect(await sql.count(`SELECT count(*) AS n FROM (SELECT 1 FROM matches GROUP BY need_id, supplier_id HAVING count(*) > 1) d`)).toBe(0);
    expect(await sql.count(`SELECT count(*) AS n FROM matches m JOIN procurement_needs n ON n.id = m.need_id WHERE m.need_version <> n.version`)).toBe(0);
  }, 170_000);

  it('holds, for every need, exactly the ranking a fresh worker computes, and re-running a job changes no row', async () => {
    // The worker's own module graph, fresh, in this process, recomputes from PostgreSQL. Compiled but not
    // bootstrapped: its services are ready (the DataSource connects at compile), and no queue worker or
    // reconcile timer starts, so it takes no job and closes at once. Its queue prefix is its own anyway.
    const freshEnv = { ...env, QUEUE_PREFIX: `pmfault-${runId()}-${uniqueSuffix()}`, LOG_LEVEL: 'silent' };
    const freshConfig = configOf(freshEnv);
    const moduleRef: TestingModule = await Test.createTestingModule({ imports: [WorkerModule.forRoot(freshConfig)] }).compile();
    moduleRef.useLogger(false);
    let mark = Date.now();
    try {
      const corpus = moduleRef.get(MatchingCorpusService, { strict: false });
      const repository = moduleRef.get(MatchingRepository, { strict: false });
      const jobs = moduleRef.get(MatchingJobsService, { strict: false });
      await corpus.sync();

      // Every need: the stored (supplier, score) set is the ranking computed now.
      const stored = new Map<string, string[]>();
      for (const row of await sql.rows<{ need_id: string; supplier_id: string; score: string }>(
        `SELECT need_id, supplier_id, score::text FROM matches ORDER BY need_id, supplier_id`,
      )) {
        const list = stored.get(row.need_id) ?? [];
        list.push(`${row.supplier_id}:${Number(row.score).toFixed(1)}`);
        stored.set(row.need_id, list);
      }
      const mismatched: string[] = [];
      for (const needId of needIds) {
        const need = await repository.findNeed(needId);
        const expected = corpus.index
          .topMatches(corpus.prepare(need!), MATCHES_PER_NEED)
          .map((m) => `${m.supplierId}:${m.score.toFixed(1)}`)
          .sort();
        if (JSON.stringify(expected) !== JSON.stringify(stored.get(needId) ?? [])) mismatched.push(needId);
      }
      expect(mismatched).toEqual([]);
      figures.recomputeSeconds = seconds(Date.now() - mark);
      mark = Date.now();

      // A sample of needs re-scored by the worker logic itself (as a retried job would): no row changes at all.
      const sample = needIds.filter((_, i) => i % 20 === 0);
      const snapshot = () =>
        sql.rows(`SELECT * FROM matches WHERE need_id = ANY($1::uuid[]) ORDER BY need_id, supplier_id`, [sample]);
      const before = await snapshot();
      for (const needId of sample) {
        await expect(jobs.scoreNeed(needId, { force: true })).resolves.toEqual({ scored: true, matches: EXPECTED_MATCHES });
      }
      expect(await snapshot()).toEqual(before);
      figures.rescoreSampleSeconds = seconds(Date.now() - mark);
      figures.recomputedNeeds = needIds.length;
      figures.rescoredSample = sample.length;
    } finally {
      await moduleRef.close();
      await clearQueuePrefix(freshConfig);
    }
  }, 60_000);
});

function seconds(ms: number): number {
  return Math.round(ms / 100) / 10;
}
