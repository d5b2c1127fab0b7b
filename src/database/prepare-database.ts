import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { buildDataSourceOptions, databaseNameOf } from 'src/database/data-source-options';
import { loadReferenceData, ReferenceDataCounts } from 'src/reference-data/reference-data.loader';

// Any fixed number works: it only has to be the same in every process of the service, so that an
// API and a worker starting together do not both run migrations.
const PREPARE_LOCK_KEY = 727_001;

export interface PreparationReport {
  databaseCreated: boolean;
  migrationsRun: string[];
  referenceData: ReferenceDataCounts;
}

/**
 * Makes the database ready to serve: creates it if missing, runs pending migrations and loads the
 * reference data, all under an advisory lock. Safe to run from several processes at once and as
 * often as you like.
 */
export async function prepareDatabase(config: AppConfig): Promise<PreparationReport> {
  const databaseCreated = await createDatabaseIfMissing(config.databaseUrl);
  const options = buildDataSourceOptions(config);
  // Two connections: one holds the advisory lock while the other runs migrations and loads data.
  const dataSource = new DataSource({ ...options, extra: { ...(options as { extra?: object }).extra, max: 2 } });
  await dataSource.initialize();
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [PREPARE_LOCK_KEY]);
    try {
      const migrations = await dataSource.runMigrations({ transaction: 'each' });
      const referenceData = await loadReferenceData(dataSource);
      return { databaseCreated, migrationsRun: migrations.map((m) => m.name), referenceData };
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [PREPARE_LOCK_KEY]);
    }
  } finally {
    await runner.release();
    await dataSource.destroy();
  }
}

/** Creates the database named in the URL, connecting to the server's `postgres` database to do so. */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  const name = databaseNameOf(databaseUrl);
  const adminUrl = new URL(databaseUrl);
  adminUrl.pathname = '/postgres';
  const client = new Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
      return true;
    } catch (error) {
      // Another process created it between our look and our create: that is what we wanted.
      // (42P04 duplicate_database, or 23505 when both reach the catalogue's unique index at once.)
      const code = (error as { code?: string }).code;
      if (code === '42P04' || code === '23505') return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
