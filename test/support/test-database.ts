import { Client } from 'pg';
import { quoteIdentifier } from 'src/database/prepare-database';
import { assertTestDatabase, runId, templateDatabaseName, TEST_SERVER_URL, uniqueSuffix } from './test-environment';

async function withServer<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh copy of the run's migrated template database, for one test file. */
export async function createTestDatabase(): Promise<string> {
  const name = `pm_${runId()}_${uniqueSuffix()}_test`;
  assertTestDatabase(name);
  await withServer((client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(templateDatabaseName())}`),
  );
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  assertTestDatabase(name);
  await withServer((client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)} WITH (FORCE)`));
}

/** A name for a database that does not exist yet (to test creation on start). */
export function newTestDatabaseName(): string {
  const name = `pm_${runId()}_${uniqueSuffix()}_fresh_test`;
  assertTestDatabase(name);
  return name;
}

/** Stops or allows new connections to a test database, to simulate PostgreSQL being unreachable. */
export async function setDatabaseReachable(name: string, reachable: boolean): Promise<void> {
  assertTestDatabase(name);
  await withServer(async (client) => {
    await client.query(`ALTER DATABASE ${quoteIdentifier(name)} WITH ALLOW_CONNECTIONS ${reachable ? 'true' : 'false'}`);
    if (!reachable) {
      await client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    }
  });
}
