import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { loadConfig } from 'src/config/app-config';
import type { SupplierProfileInput } from 'src/matching/domain/matching.types';
import { MatchingJobsService } from 'src/matching/matching-jobs.service';
import { JobsService } from 'src/queue/jobs.service';
import { JOB_PRIORITY, jobIdOf, MATCHING_QUEUE } from 'src/queue/queue.definitions';
import { configureApp, createHttpAdapter, NEST_APP_OPTIONS } from 'src/configure-app';
import { WorkerModule } from 'src/worker.module';
import { prepareDatabase } from 'src/database/prepare-database';
import { clearQueuePrefix, insertProfiles, mb, ms, REAL_CPV_CODES, recreateBenchDatabase, summarise, untilWorkerStarted } from './bench-support';
import { SeededRandom, SyntheticCorpus } from './synthetic-corpus';

// npm run bench:pipeline — the whole service (HTTP API, in-process workers, PostgreSQL, Redis) with
// 10k supplier profiles: publish-to-complete latency, sustained need jobs per second (published
// through the API, and already queued), and one changed profile scored against 10k open needs.

const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const LATENCY_NEEDS = Number(process.env.BENCH_LATENCY_NEEDS ?? 60);
const THROUGHPUT_NEEDS = Number(process.env.BENCH_THROUGHPUT_NEEDS ?? 2000);
// Open needs in all once the queued jobs are done: what each changed profile is scored against.
const OPEN_NEEDS = Number(process.env.BENCH_OPEN_NEEDS ?? 10_000);
const PROFILE_CHANGES = Number(process.env.BENCH_PROFILE_CHANGES ?? 50);
// Worker processes (`npm run start:worker`) started beside the API process and its in-process
// workers: one by default, so that matching uses both cores of the 2-core target machine (one Node
// process runs on one).
const WORKER_PROCESSES = Number(process.env.BENCH_WORKER_PROCESSES ?? 1);
// Leaves the database in place afterwards, to look at what the workers wrote.
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === 'true';
const ADMIN = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };

async function main(): Promise<void> {
  const databaseUrl = await recreateBenchDatabase('procurement_match_pipeline_bench');
  const environment = {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `pmbench-${Date.now()}`,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    WRITE_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const config = loadConfig({ ...process.env, ...environment });
  if (!config.runWorkersInApi && WORKER_PROCESSES === 0) throw new Error('RUN_WORKERS_IN_API=false needs BENCH_WORKER_PROCESSES of at least 1');
  await prepareDatabase(config);
  const corpus = new SyntheticCorpus({ seed: 42 });
  const random = new SeededRandom(7);
  const realCodes = () => Array.from({ length: random.int(1, 3) }, () => REAL_CPV_CODES[random.int(0, REAL_CPV_CODES.length - 1)]);

  // Profiles go straight into PostgreSQL (the import issue measures the API's own path).
  const seedSource = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  let started = Date.now();
  const loadedIds: string[] = [];
  for (let done = 0; done < PROFILES; ) {
    const batch = Array.from({ length: Math.min(1000, PROFILES - done) }, () => ({ ...corpus.profile(), supplierId: randomUUID(), cpvCodes: realCodes() }));
    await insertProfiles(seedSource, batch, done);
    loadedIds.push(...batch.map((profile) => profile.supplierId));
    done += batch.length;
  }
  console.log(`loaded ${PROFILES} profiles into PostgreSQL in ${Date.now() - started} ms`);

  started = Date.now();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), { ...NEST_APP_OPTIONS, bufferLogs: false, logger: ['error', 'warn'] });
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/api/v1`.replace('[::1]', '127.0.0.1');
  const workers = await Promise.all(Array.from({ length: WORKER_PROCESSES }, () => startWorkerProcess({ ...process.env, ...environment, LOG_LEVEL: 'info' } as Record<string, string>)));
  console.log(
    `service started (index of ${PROFILES} profiles built) in ${Date.now() - started} ms; RSS ${mb(process.memoryUsage().rss)}; ` +
      `${WORKER_PROCESSES} worker process(es) beside the API's in-process workers`,
  );

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bench glue reading JSON answers
  const call = async (method: string, path: string, token?: string, body?: unknown): Promise<any> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json();
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const admin = (await call('POST', '/auth/login', undefined, ADMIN)).accessToken;
  const organisation = await call('POST', '/organisations', admin, { kind: 'buyer', name: 'Bench Department' });
  await call('POST', '/users', admin, { email: 'buyer@bench.local', password: 'bench-buyer-password', role: 'buyer', organisationId: organisation.id });
  const buyer = (await call('POST', '/auth/login', undefined, { email: 'buyer@bench.local', password: 'bench-buyer-password' })).accessToken;
  const deadline = new Date(Date.now() + 90 * 24 * 3600 * 1000).toISOString();
  const draft = async () => {
    const need = corpus.need();
    return call('POST', '/needs', buyer, {
      title: need.title.slice(0, 300),
      description: need.description.slice(0, 20_000),
      essentialRequirements: need.essentialRequirements.slice(0, 100),
      cpvCodes: [...new Set(realCodes())],
      regions: need.regions,
      requiredCertifications: need.requiredCertifications,
      budgetMin: need.budgetMin ?? undefined,
      submissionDeadline: deadline,
    });
  };

  // Publish-to-complete: one need at a time, timed from the publish request until GET matches says complete.
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_NEEDS; i++) {
    const need = await draft();
    const t0 = performance.now();
    await call('POST', `/needs/${need.id}/publish`, buyer);
    for (;;) {
      const matches = await call('GET', `/needs/${need.id}/matches?pageSize=20`, buyer);
      if (matches.status === 'complete') break;
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    latencies.push(performance.now() - t0);
  }
  const latency = summarise(latencies);
  console.log(
    `publish-to-complete over ${LATENCY_NEEDS} needs: median ${ms(latency.median)}, p95 ${ms(latency.p95)}, max ${ms(latency.max)} ` +
      `(target p95 ≤ 250 ms)`,
  );

  // Throughput: publish many drafts at once and time until every one is scored (writes included).
  const drafts: string[] = [];
  for (let i = 0; i < THROUGHPUT_NEEDS; i += 50) {
    drafts.push(...(await Promise.all(Array.from({ length: Math.min(50, THROUGHPUT_NEEDS - i) }, () => draft()))).map((n) => n.id));
  }
  const dataSource = app.get(DataSource);
  let scoredBefore = await scoredNeedCount(dataSource);
  const t0 = performance.now();
  for (let i = 0; i < drafts.length; i += 50) {
    await Promise.all(drafts.slice(i, i + 50).map((id) => call('POST', `/needs/${id}/publish`, buyer)));
  }
  const publishedIn = performance.now() - t0;
  await waitUntilScored(dataSource, scoredBefore + drafts.length);
  const elapsed = performance.now() - t0;
  console.log(
    `throughput: ${THROUGHPUT_NEEDS} needs published in ${ms(publishedIn)} and all scored (top ${config.matchesPerNeed} written) in ${ms(elapsed)}: ` +
      `${(THROUGHPUT_NEEDS / (elapsed / 1000)).toFixed(0)} need-jobs/s, batches of up to ${config.matchingBatchSize}; RSS ${mb(process.memoryUsage().rss)} ` +
      `(paced by the publishes, which share the cores; the workers' own rate is the queued figure below)`,
  );

  // Queued throughput: the rest of the open needs go straight into PostgreSQL with their publish jobs
  // queued at once, so the workers alone set the pace (no API requests competing for the CPU). They
  // go in as drafts and open together when timing starts: open and unscored, the workers' reconcile
  // pass would enqueue some of them before the count below was taken, and the wait never end.
  const queuedNeeds = Math.max(0, OPEN_NEEDS - LATENCY_NEEDS - THROUGHPUT_NEEDS);
  const queuedIds: string[] = [];
  for (let i = 0; i < queuedNeeds; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, queuedNeeds - i) }, () => ({ ...corpus.need(), needId: randomUUID(), cpvCodes: realCodes() }));
    await seedSource.query(
      `INSERT INTO procurement_needs (id, organisation_id, title, description, essential_requirements, cpv_codes, regions,
         required_certifications, budget_min, submission_deadline, status, published_at)
       SELECT id, $1, title, description, ARRAY(SELECT jsonb_array_elements_text(reqs)), ARRAY(SELECT jsonb_array_elements_text(cpv)),
              ARRAY(SELECT jsonb_array_elements_text(regions)), ARRAY(SELECT jsonb_array_elements_text(certs)), budget, $2, 'draft', NULL
       FROM unnest($3::uuid[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::jsonb[], $9::jsonb[], $10::bigint[])
         AS t(id, title, description, reqs, cpv, regions, certs, budget)`,
      [
        organisation.id,
        deadline,
        batch.map((n) => n.needId),
        batch.map((n) => n.title.slice(0, 300)),
        batch.map((n) => n.description),
        batch.map((n) => JSON.stringify(n.essentialRequirements)),
        batch.map((n) => JSON.stringify([...new Set(n.cpvCodes)])),
        batch.map((n) => JSON.stringify(n.regions)),
        batch.map((n) => JSON.stringify(n.requiredCertifications)),
        batch.map((n) => n.budgetMin),
      ],
    );
    queuedIds.push(...batch.map((n) => n.needId));
  }
  if (queuedIds.length > 0) {
    scoredBefore = await scoredNeedCount(dataSource);
    const queue = app.get(JobsService).queue(MATCHING_QUEUE);
    const t1 = performance.now();
    await seedSource.query(`UPDATE procurement_needs SET status = 'open', published_at = now() WHERE id = ANY($1::uuid[])`, [queuedIds]);
    for (let i = 0; i < queuedIds.length; i += 500) {
      await queue.addBulk(
        queuedIds.slice(i, i + 500).map((needId) => {
          const data = { needId, needVersion: 1 };
          return { name: 'need.publish', data, opts: { jobId: jobIdOf('need.publish', data), priority: JOB_PRIORITY['need.publish'] } };
        }),
      );
    }
    await waitUntilScored(dataSource, scoredBefore + queuedIds.length);
    const queuedElapsed = performance.now() - t1;
    console.log(
      `queued throughput: ${queuedIds.length} need jobs queued and all scored (top ${config.matchesPerNeed} written) in ${ms(queuedElapsed)}: ` +
        `${(queuedIds.length / (queuedElapsed / 1000)).toFixed(0)} need-jobs/s, batches of up to ${config.matchingBatchSize}; RSS ${mb(process.memoryUsage().rss)} ` +
        `(target ≥ 500 need-jobs/s)`,
    );
  }

  if (PROFILE_CHANGES > 0) {
    // Timed from a worker's side: the API's own workers, or (RUN_WORKERS_IN_API=false) a worker
    // module started in this process for the purpose.
    const workerContext = config.runWorkersInApi
      ? null
      : await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
    const matching = (workerContext ?? app).get(MatchingJobsService);
    await benchProfileChanges(matching, seedSource, loadedIds, () => ({ ...corpus.profile(), cpvCodes: realCodes() }));
    await workerContext?.close();
  }

  // Stopped before the queue's keys are cleared: a worker shutting down still writes to Redis.
  await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).kill('SIGTERM'))));
  await app.close();
  await seedSource.destroy();
  await clearQueuePrefix(config.redisUrl, config.queuePrefix);
  if (!KEEP_DATABASE) await recreateBenchDatabase('procurement_match_pipeline_bench');
}

/**
 * Changed profiles: each rewritten in PostgreSQL, then scored against every open need with its changed
 * rows written, timed from the worker's side (index refresh, scoring, writes, re-ranks of needs left).
 */
async function benchProfileChanges(
  matching: MatchingJobsService,
  seedSource: DataSource,
  loadedIds: readonly string[],
  newProfile: () => SupplierProfileInput,
): Promise<void> {
  const [{ n: openNeeds }] = await seedSource.query(`SELECT count(*)::int AS n FROM procurement_needs WHERE status = 'open'`);
  // One more than timed: the first change also catches the worker up with the 10k needs published
  // and scored since its last profile job (analysing each need once), which a busy worker does as
  // they come. The same profiles (by load order) change in every run, to the same new texts, so
  // that runs compare: which needs a profile enters and leaves sets most of its cost.
  const picker = new SeededRandom(11);
  const picked = new Set<string>();
  while (picked.size < Math.min(PROFILE_CHANGES + 1, loadedIds.length)) picked.add(loadedIds[picker.int(0, loadedIds.length - 1)]);
  const [warmUp, ...suppliers] = [...picked].map((id) => ({ id }));
  const times: number[] = [];
  const ownRowTimes: number[] = [];
  let entered = 0;
  let left = 0;
  for (const { id } of [warmUp, ...suppliers]) {
    const profile = newProfile();
    await seedSource.query(
      `UPDATE supplier_profiles SET summary = $2, capabilities = $3, cpv_codes = $4, version = version + 1, updated_at = now()
       WHERE organisation_id = $1`,
      [id, profile.summary, profile.capabilities, profile.cpvCodes],
    );
    const started = performance.now();
    let ownRows = 0;
    const outcome = await matching.scoreProfile(id, undefined, () => (ownRows = performance.now() - started));
    if (id === warmUp.id) continue;
    ownRowTimes.push(ownRows);
    times.push(performance.now() - started);
    entered += outcome.entered;
    left += outcome.left;
  }
  const latency = summarise(times);
  const ownRows = summarise(ownRowTimes);
  console.log(
    `profile change against ${openNeeds} open needs, over ${suppliers.length} profiles (after 1 untimed): scored and its own rows written ` +
      `median ${ms(ownRows.median)}, p95 ${ms(ownRows.p95)}, max ${ms(ownRows.max)} (target p95 ≤ 100 ms); ` +
      `then the needs it left re-ranked, in all median ${ms(latency.median)}, p95 ${ms(latency.p95)}, max ${ms(latency.max)} ` +
      `(per profile: ${(entered / suppliers.length).toFixed(1)} needs entered or re-scored, ${(left / suppliers.length).toFixed(1)} left and re-ranked)`,
  );
}

/** How many needs have been scored at least once (each has a state row from its first scoring). */
async function scoredNeedCount(dataSource: DataSource): Promise<number> {
  const [row] = await dataSource.query(`SELECT count(*)::int AS n FROM need_matching_state`);
  return row.n;
}

/**
 * Waits until `count` needs have been scored. Polled every 50 ms with a count of a small table: the
 * poll must not take CPU from what it measures (a count of thousands of ids every 20 ms took a
 * sizeable share of PostgreSQL's).
 */
async function waitUntilScored(dataSource: DataSource, count: number): Promise<void> {
  while ((await scoredNeedCount(dataSource)) < count) await new Promise((resolve) => setTimeout(resolve, 50));
}

/** `src/worker.ts` as its own process, resolved once it says it has started (its index built). */
async function startWorkerProcess(env: Record<string, string>): Promise<ChildProcess> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'src/worker.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', TS_NODE_PROJECT: join(root, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await untilWorkerStarted(child);
  return child;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
