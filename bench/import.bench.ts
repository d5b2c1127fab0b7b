import 'reflect-metadata';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { once } from 'node:events';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from 'src/app.module';
import { loadConfig } from 'src/config/app-config';
import { configureApp, createHttpAdapter, NEST_APP_OPTIONS } from 'src/configure-app';
import { prepareDatabase } from 'src/database/prepare-database';
import { MatchingCorpusService } from 'src/matching/matching-corpus.service';
import { clearQueuePrefix, mb, REAL_CPV_CODES, recreateBenchDatabase } from './bench-support';
import { SeededRandom, SyntheticCorpus } from './synthetic-corpus';

// npm run bench:import — 100k supplier rows as JSON Lines through the real API and the in-process
// workers of `npm start`: time until the import is `completed` (every row stored), then until the
// matching corpus of this process holds them all (indexed for matching), and the process's RSS.
// Targets: ≤ 30 s to indexed, RSS ≤ 800 MB.

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const DATABASE = 'procurement_match_import_bench';
const ADMIN = { email: 'bench-admin@bench.local', password: 'bench-admin-password' };

/** Writes the rows to a temporary file first, so that generating them is neither timed nor held in memory. */
async function writeRows(file: string): Promise<number> {
  const corpus = new SyntheticCorpus({ seed: 42 });
  const random = new SeededRandom(11);
  const known = new Set(REAL_CPV_CODES);
  const out = createWriteStream(file);
  const firstWords = (text: string, count: number) => {
    const words = text.split(' ');
    return words.length <= count ? text : `${words.slice(0, count).join(' ')}.`;
  };
  for (let i = 0; i < ROWS; i++) {
    const profile = corpus.profile();
    // Profiles of about 100 words (~0.85 KB a row): 100k rows stay under the 100 MB upload limit.
    const line = JSON.stringify({
      externalId: `bench-${String(i).padStart(6, '0')}`,
      name: `Bench Supplier ${i} Ltd`,
      isSme: random.chance(0.6),
      profile: {
        summary: firstWords(profile.summary, 32),
        capabilities: profile.capabilities.slice(0, 8),
        caseStudies: profile.caseStudies.slice(0, 1).map(({ title, description }) => ({ title, description: firstWords(description, 36) })),
        cpvCodes: profile.cpvCodes.filter((code) => known.has(code)),
        certifications: profile.certifications,
        regions: profile.regions,
        maxContractValue: profile.maxContractValue,
      },
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return (await stat(file)).size;
}

async function main(): Promise<void> {
  const databaseUrl = await recreateBenchDatabase(DATABASE);
  const config = loadConfig({
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `pmbench-${Date.now()}`,
    LOG_LEVEL: 'warn',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    WRITE_RATE_LIMIT_PER_MINUTE: '1000000',
    RUN_WORKERS_IN_API: 'true',
  });
  await prepareDatabase(config);
  const directory = await mkdtemp(join(tmpdir(), 'pm-import-bench-'));
  const file = join(directory, 'suppliers.jsonl');
  const bytes = await writeRows(file);
  console.log(`generated ${ROWS} supplier rows as JSON Lines: ${mb(bytes)}`);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    ...NEST_APP_OPTIONS,
    bufferLogs: false,
    logger: ['error', 'warn'],
  });
  await configureApp(app, config);
  await app.listen(0, '127.0.0.1');
  const base = `${await app.getUrl()}/api/v1`.replace('[::1]', '127.0.0.1');
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  console.log(`service started; RSS ${mb(process.memoryUsage().rss)}`);

  const login = await fetch(`${base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(ADMIN),
  });
  const token = ((await login.json()) as { accessToken: string }).accessToken;

  const started = performance.now();
  const upload = await fetch(`${base}/imports/suppliers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson', 'content-length': String(bytes) },
    body: Readable.toWeb(createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit & { duplex: 'half' });
  const accepted = (await upload.json()) as { id: string; total: number };
  if (upload.status !== 202) throw new Error(`upload answered ${upload.status}: ${JSON.stringify(accepted)}`);
  const uploaded = performance.now() - started;
  console.log(`uploaded and stored ${mb(bytes)} (${accepted.total} rows counted) in ${(uploaded / 1000).toFixed(1)} s; 202 with import ${accepted.id}`);

  let result: Record<string, unknown> = {};
  let lastReport = 0;
  for (;;) {
    const res = await fetch(`${base}/imports/${accepted.id}`, { headers: { authorization: `Bearer ${token}` } });
    result = (await res.json()) as Record<string, unknown>;
    if (result.status === 'completed' || result.status === 'failed') break;
    if (performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      console.log(`  … ${result.status}: ${result.processed}/${result.total} rows after ${((lastReport - started) / 1000).toFixed(1)} s; RSS ${mb(process.memoryUsage().rss)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const completed = performance.now() - started;
  if (result.status !== 'completed') throw new Error(`import ${result.status}: ${JSON.stringify(result).slice(0, 2000)}`);
  console.log(
    `import completed in ${(completed / 1000).toFixed(1)} s: created ${result.created}, updated ${result.updated}, ` +
      `unchanged ${result.unchanged}, failed ${result.failed} (${Math.round(ROWS / (completed / 1000))} rows/s)`,
  );

  // Indexed for matching: this process's matching corpus (what a need or profile job ranks against)
  // brought up to date with PostgreSQL, as the worker does before each job.
  const corpus = app.get(MatchingCorpusService);
  await corpus.syncProfileIndex();
  const indexed = performance.now() - started;
  if (corpus.index.size < ROWS) throw new Error(`the matching index holds ${corpus.index.size} profiles, not ${ROWS}`);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  console.log(
    `indexed for matching (${corpus.index.size} profiles in the corpus) ${(indexed / 1000).toFixed(1)} s after the upload began ` +
      `(target ≤ 30 s); RSS now ${mb(process.memoryUsage().rss)}, peak ${mb(peakRss)} (target ≤ 800 MB)`,
  );

  await app.close();
  await rm(directory, { recursive: true, force: true });
  await recreateBenchDatabase(DATABASE);
  await clearQueuePrefix(config.redisUrl, config.queuePrefix);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
