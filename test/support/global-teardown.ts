import 'tsconfig-paths/register';
import { Client } from 'pg';
import { quoteIdentifier } from 'src/database/prepare-database';
import { runId, TEST_SERVER_URL } from './test-environment';

/** Drops every database this run made (a file that crashed may have left its copy behind). */
export default async function globalTeardown(): Promise<void> {
  const client = new Client({ connectionString: `${TEST_SERVER_URL}/postgres` });
  await client.connect();
  try {
    const rows = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `pm\\_${runId()}\\_%\\_test`,
    ]);
    for (const { datname } of rows.rows) {
      await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}
