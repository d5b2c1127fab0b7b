import type { ChildProcess } from 'node:child_process';
import Redis from 'ioredis';
import { Client } from 'pg';
import cpvCodes from 'src/reference-data/cpv-codes.json';
import type { DataSource } from 'typeorm';
import { quoteIdentifier } from 'src/database/prepare-database';
import type { SupplierProfileInput } from 'src/matching/domain/matching.types';

// Shared by the benchmarks that run the whole service: a throw-away database whose name ends in
// _bench (never a real one), real CPV codes, and percentile arithmetic.

export const BENCH_SERVER_URL = process.env.BENCH_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';

export async function recreateBenchDatabase(name: string): Promise<string> {
  if (!/^[a-z0-9_]+_bench$/.test(name)) throw new Error(`Refusing to recreate "${name}": bench databases end in _bench`);
  const client = new Client({ connectionString: `${BENCH_SERVER_URL}/postgres` });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
  return `${BENCH_SERVER_URL}/${name}`;
}

/**
 * Stores supplier organisations and their profiles straight into PostgreSQL (version 1), named
 * "Bench supplier <n>" from `firstNumber`: the benchmarks that measure matching seed this way; the
 * import benchmark measures the API's own path.
 */
export async function insertProfiles(source: DataSource, profiles: SupplierProfileInput[], firstNumber: number): Promise<void> {
  await source.query(
    `INSERT INTO organisations (id, kind, name, is_sme) SELECT id, 'supplier', name, true FROM unnest($1::uuid[], $2::text[]) AS t(id, name)`,
    [profiles.map((p) => p.supplierId), profiles.map((_, i) => `Bench supplier ${firstNumber + i}`)],
  );
  await source.query(
    `INSERT INTO supplier_profiles (organisation_id, summary, capabilities, case_studies, cpv_codes, certifications, regions, max_contract_value, version)
     SELECT id, summary, ARRAY(SELECT jsonb_array_elements_text(caps)), studies, ARRAY(SELECT jsonb_array_elements_text(cpv)),
            ARRAY(SELECT jsonb_array_elements_text(certs)), ARRAY(SELECT jsonb_array_elements_text(regions)), maxv, 1
     FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::jsonb[], $5::jsonb[], $6::jsonb[], $7::jsonb[], $8::bigint[])
       AS t(id, summary, caps, studies, cpv, certs, regions, maxv)`,
    [
      profiles.map((p) => p.supplierId),
      profiles.map((p) => p.summary),
      profiles.map((p) => JSON.stringify(p.capabilities)),
      profiles.map((p) => JSON.stringify(p.caseStudies)),
      profiles.map((p) => JSON.stringify(p.cpvCodes)),
      profiles.map((p) => JSON.stringify(p.certifications)),
      profiles.map((p) => JSON.stringify(p.regions)),
      profiles.map((p) => p.maxContractValue),
    ],
  );
}

/**
 * Resolves once a worker process (its stdout piped) says it has started, its index built; rejects
 * if it exits first.
 */
export function untilWorkerStarted(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker process exited (${code}) before it started`)));
    child.stdout?.setEncoding('utf8');
    let lastLine = '';
    child.stdout?.on('data', (chunk: string) => {
      // The message may arrive split across chunks: look at the unfinished line too.
      const text = lastLine + chunk;
      if (text.includes('worker started')) resolve();
      lastLine = text.slice(text.lastIndexOf('\n') + 1);
    });
  });
}

/** Real CPV codes, so that generated records pass the service's validation. */
export const REAL_CPV_CODES: string[] = (cpvCodes as [string, string][]).map(([code]) => code);

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export function summarise(values: number[]): { median: number; p95: number; p99: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;

/** Removes every Redis key under a bench run's queue prefix (BullMQ keeps finished jobs). */
export async function clearQueuePrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  // A failed command rejects; an 'error' event with no listener would end the process instead.
  redis.on('error', () => undefined);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
