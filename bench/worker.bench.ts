import 'reflect-metadata';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { loadConfig } from 'src/config/app-config';
import { prepareDatabase } from 'src/database/prepare-database';
import { clearQueuePrefix, insertProfiles, mb, recreateBenchDatabase, untilWorkerStarted } from './bench-support';
import { SyntheticCorpus } from './synthetic-corpus';

// npm run bench:worker — the memory of a worker process as operators run it: the compiled
// `npm run start:worker` (node dist/src/worker.js, no ts-node), started against a database holding
// 100k supplier profiles of the bench:matching corpus (same seed, 150–600 words each). It prints the
// time until the worker is up with its matching index built, and its RSS then, once settled while it
// idles, and at its peak (the kernel's high-water mark). Target: ≤ 400 MB with the index loaded.

const PROFILES = Number(process.env.BENCH_PROFILES ?? 100_000);
// bench:matching's profile seed: this worker indexes the same profiles (under new ids) as that benchmark.
const PROFILE_SEED = 20_250_601;
const IDLE_MS = Number(process.env.BENCH_IDLE_SECONDS ?? 60) * 1000;
const DATABASE = 'procurement_match_worker_bench';
// Leaves the database in place afterwards, to start a worker against it by hand.
const KEEP_DATABASE = process.env.BENCH_KEEP_DATABASE === 'true';

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(60)} ${value}`);
}

/** The kernel's view of a process's memory: resident now and at its peak, in bytes. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kilobytes('VmRSS'), peak: kilobytes('VmHWM') };
}

async function main(): Promise<void> {
  const root = join(__dirname, '..');
  const entry = join(root, 'dist', 'src', 'worker.js');
  if (!existsSync(entry)) throw new Error('dist/src/worker.js is missing: run `npm run build` first (npm run bench:worker does)');
  const databaseUrl = await recreateBenchDatabase(DATABASE);
  const environment = {
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    QUEUE_PREFIX: `pmbench-${Date.now()}`,
    LOG_LEVEL: 'info',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
  };
  const config = loadConfig({ ...process.env, ...environment });
  await prepareDatabase(config);

  const source = await new DataSource({ type: 'postgres', url: databaseUrl }).initialize();
  const corpus = new SyntheticCorpus({ seed: PROFILE_SEED });
  let started = Date.now();
  for (let done = 0; done < PROFILES; ) {
    const batch = Array.from({ length: Math.min(1000, PROFILES - done) }, () => ({ ...corpus.profile(), supplierId: randomUUID() }));
    await insertProfiles(source, batch, done);
    done += batch.length;
  }
  await source.destroy();
  console.log(`Worker memory benchmark (node ${process.version})`);
  line(`${PROFILES.toLocaleString('en-GB')} profiles stored in PostgreSQL`, `${((Date.now() - started) / 1000).toFixed(1)} s`);

  started = Date.now();
  const worker = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, ...environment },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await untilWorkerStarted(worker);
    const pid = worker.pid ?? NaN;
    const upAt = Date.now();
    const up = memoryOf(pid);
    line('worker started, its index built', `${((upAt - started) / 1000).toFixed(1)} s`);
    // V8 keeps the garbage of the load until a major GC; with the worker idle, its memory reducer
    // runs one within seconds. The settled figure is the lowest RSS seen while the worker idles.
    let settled = up;
    let settledAt = upAt;
    while (Date.now() - upAt < IDLE_MS) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = memoryOf(pid);
      if (now.rss < settled.rss) [settled, settledAt] = [now, Date.now()];
    }
    const peak = memoryOf(pid).peak;
    const verdict = settled.rss <= 400 * 1024 * 1024 ? 'ok' : 'MISSED';
    line('RSS when up', mb(up.rss));
    line(`RSS settled (lowest over ${IDLE_MS / 1000} s idle, ${((settledAt - upAt) / 1000).toFixed(1)} s after up)`, `${mb(settled.rss)}   target ≤ 400 MB ${verdict}`);
    line('peak RSS (the load)', mb(peak));
  } finally {
    if (worker.exitCode === null && worker.signalCode === null) {
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.kill('SIGTERM');
      await exited;
    }
    await clearQueuePrefix(config.redisUrl, environment.QUEUE_PREFIX);
    if (!KEEP_DATABASE) await recreateBenchDatabase(DATABASE);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
