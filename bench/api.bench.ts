import 'reflect-metadata';
import { spawn, execSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { WorkerModule } from 'src/worker.module';
import { AppConfig, loadConfig } from 'src/config/app-config';
import { prepareDatabase } from 'src/database/prepare-database';
import { BENCH_SERVER_URL, mb, REAL_CPV_CODES, recreateBenchDatabase } from './bench-support';
import { SeededRandom, SyntheticCorpus } from './synthetic-corpus';

// npm run bench:api — an API-only process (workers elsewhere) under sustained load, with 10k
// suppliers and 1k scored needs: GET /needs/:id/matches as the owning buyer, and the public GET
// /needs. Prints requests/s, latency percentiles, non-2xx answers and the API process's RSS.

const PROFILES = Number(process.env.BENCH_PROFILES ?? 10_000);
const NEEDS = Number(process.env.BENCH_NEEDS ?? 1_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PORT = Number(process.env.BENCH_PORT ?? 3999);
// Extra node flags for the API process, e.g. BENCH_API_NODE_ARGS=--cpu-prof to see where its time goes.
const API_NODE_ARGS = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
const ADMIN = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };
const ROOT = join(__dirname, '..');
// Keep the seeded database after the run and reuse it next time (quicker runs while tuning).
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === 'true';

async function main(): Promise<void> {
  const name = 'procurement_match_api_bench';
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: `${BENCH_SERVER_URL}/${name}`,
    QUEUE_PREFIX: `pmbench-api-${Date.now()}`,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    WRITE_RATE_LIMIT_PER_MINUTE: '1000000',
    PORT: String(PORT),
    RUN_WORKERS_IN_API: 'false',
  };
  const config = loadConfig(env);
  const reused = KEEP_DATABASE ? await seededBench(config.databaseUrl) : null;
  if (!reused) await recreateBenchDatabase(name);
  await prepareDatabase(config);
  const db = await new DataSource({ type: 'postgres', url: config.databaseUrl }).initialize();
  const { buyerOrganisationId, needIds } = reused ?? (await seed(db, config));

  // The API alone, as production runs it, in its own process.
  execSync('npm run build --silent', { cwd: ROOT, stdio: 'inherit' });
  const api = spawn(process.execPath, [...API_NODE_ARGS, 'dist/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'inherit'] });
  const started = Date.now();
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${PORT}/health/ready`).then((r) => r.ok).catch(() => false);
    if (ok) break;
    if (Date.now() - started > 60_000) throw new Error('API did not become ready');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const token: { accessToken: string } = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  }).then((r) => r.json() as Promise<{ accessToken: string }>);
  await fetch(`http://127.0.0.1:${PORT}/api/v1/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token.accessToken}` },
    body: JSON.stringify({ email: 'buyer@bench.local', password: 'bench-buyer-password', role: 'buyer', organisationId: buyerOrganisationId }),
  });
  const buyer: { accessToken: string } = await fetch(`http://127.0.0.1:${PORT}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'buyer@bench.local', password: 'bench-buyer-password' }),
  }).then((r) => r.json() as Promise<{ accessToken: string }>);

  const run = async (title: string, samplePath: string, requests: autocannon.Request[], headers: Record<string, string> = {}) => {
    const body = await fetch(`http://127.0.0.1:${PORT}${samplePath}`, { headers }).then((r) => r.arrayBuffer());
    console.log(`${title}: one answer is ${(body.byteLength / 1024).toFixed(1)} KiB`);
    const cpuBefore = cpuMsOf(api.pid!);
    const result = await autocannon({
      url: `http://127.0.0.1:${PORT}`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers,
      requests,
    });
    const rss = rssOf(api.pid!);
    const cpuPerRequest = (cpuMsOf(api.pid!) - cpuBefore) / Math.max(1, result.requests.total);
    console.log(
      `${title}: ${result.requests.average.toFixed(0)} requests/s; latency p50 ${result.latency.p50} ms, p97.5 ${result.latency.p97_5} ms, ` +
        `p99 ${result.latency.p99} ms; non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}; API RSS ${mb(rss)}, ` +
        `API CPU ${cpuPerRequest.toFixed(3)} ms per request`,
    );
  };
  // A different need on each request, so the database does real work rather than one hot row.
  let next = 0;
  const matchesRequests: autocannon.Request[] = [
    { method: 'GET', setupRequest: (req: autocannon.Request) => ({ ...req, path: `/api/v1/needs/${needIds[next++ % needIds.length]}/matches?pageSize=20` }) },
  ];
  await run(`GET /needs/:id/matches (20 items, owning buyer, ${CONNECTIONS} connections, ${SECONDS} s)`, `/api/v1/needs/${needIds[0]}/matches?pageSize=20`, matchesRequests, {
    authorization: `Bearer ${buyer.accessToken}`,
  });
  await run(`GET /needs (public, 20 items, ${CONNECTIONS} connections, ${SECONDS} s)`, '/api/v1/needs?pageSize=20', [{ method: 'GET', path: '/api/v1/needs?pageSize=20' }]);

  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  await db.destroy();
  if (!KEEP_DATABASE) await recreateBenchDatabase(name);
}

/** Suppliers and open needs straight into PostgreSQL, a buyer organisation for the needs, every need scored by a worker. */
async function seed(db: DataSource, config: AppConfig): Promise<{ buyerOrganisationId: string; needIds: string[] }> {
  const corpus = new SyntheticCorpus({ seed: 42 });
  const random = new SeededRandom(7);
  const codes = () => [...new Set(Array.from({ length: random.int(1, 3) }, () => REAL_CPV_CODES[random.int(0, REAL_CPV_CODES.length - 1)]))];
  for (let done = 0; done < PROFILES; done += 1000) {
    const batch = Array.from({ length: Math.min(1000, PROFILES - done) }, () => ({ ...corpus.profile(), supplierId: randomUUID(), cpvCodes: codes() }));
    await db.query(`INSERT INTO organisations (id, kind, name, is_sme) SELECT id, 'supplier', 'Supplier ' || id, true FROM unnest($1::uuid[]) AS id`, [
      batch.map((p) => p.supplierId),
    ]);
    await db.query(
      `INSERT INTO supplier_profiles (organisation_id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, version)
       SELECT (p->>'supplierId')::uuid, p->>'summary', ARRAY(SELECT jsonb_array_elements_text(p->'capabilities')), p->'caseStudies',
              ARRAY(SELECT jsonb_array_elements_text(p->'cpvCodes')), ARRAY(SELECT jsonb_array_elements_text(p->'certifications')),
              ARRAY(SELECT jsonb_array_elements_text(p->'regions')), (p->>'maxContractValue')::bigint, 1
       FROM jsonb_array_elements($1::jsonb) AS p`,
      [JSON.stringify(batch)],
    );
  }
  const [buyerOrg] = await db.query(`INSERT INTO organisations (kind, name) VALUES ('buyer', 'Bench Department') RETURNING id`);
  const needIds: string[] = [];
  for (let done = 0; done < NEEDS; done += 500) {
    const batch = Array.from({ length: Math.min(500, NEEDS - done) }, () => ({ ...corpus.need(), needId: randomUUID(), cpvCodes: codes() }));
    needIds.push(...batch.map((n) => n.needId));
    await db.query(
      `INSERT INTO procurement_needs (id, organisation_id, title, description, cpv_codes, regions, required_certifications, essential_requirements,
                                      submission_deadline, status, version, published_at)
       SELECT (n->>'needId')::uuid, $2, left(n->>'title', 300), n->>'description', ARRAY(SELECT jsonb_array_elements_text(n->'cpvCodes')),
              ARRAY(SELECT jsonb_array_elements_text(n->'regions')), ARRAY(SELECT jsonb_array_elements_text(n->'requiredCertifications')),
              ARRAY(SELECT jsonb_array_elements_text(n->'essentialRequirements')), now() + interval '90 days', 'open', 2, now()
       FROM jsonb_array_elements($1::jsonb) AS n`,
      [JSON.stringify(batch), buyerOrg.id],
    );
  }

  // Score every need with a worker (its reconcile pass at start enqueues them all), then stop it.
  const started = Date.now();
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error'] });
  await worker.init();
  for (;;) {
    const [row] = await db.query(`SELECT count(*)::int AS n FROM need_matching_state`);
    if (row.n >= NEEDS) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  await worker.close();
  console.log(`seeded ${PROFILES} suppliers and ${NEEDS} scored needs in ${((Date.now() - started) / 1000).toFixed(1)} s of scoring`);
  return { buyerOrganisationId: buyerOrg.id, needIds };
}

/** With BENCH_KEEP_DATABASE=true, a database a previous run seeded and kept is used as it is. */
async function seededBench(databaseUrl: string): Promise<{ buyerOrganisationId: string; needIds: string[] } | null> {
  const db = new DataSource({ type: 'postgres', url: databaseUrl });
  try {
    await db.initialize();
    const [buyer] = await db.query(`SELECT id FROM organisations WHERE kind = 'buyer' AND name = 'Bench Department'`);
    const needs: { id: string }[] = buyer ? await db.query(`SELECT n.id FROM procurement_needs n JOIN need_matching_state s ON s.need_id = n.id ORDER BY n.id`) : [];
    if (!buyer || needs.length < NEEDS) return null;
    console.log(`reusing the kept bench database: ${needs.length} scored needs`);
    return { buyerOrganisationId: buyer.id, needIds: needs.map((n) => n.id) };
  } catch {
    return null;
  } finally {
    if (db.isInitialized) await db.destroy();
  }
}

/** User and system CPU time the process has used so far (its own threads, not PostgreSQL's). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const ticksPerSecond = 100;
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
