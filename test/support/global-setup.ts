import 'tsconfig-paths/register';
import { prepareDatabase } from 'src/database/prepare-database';
import { runId, templateDatabaseName, testConfig } from './test-environment';

// Builds one migrated database with reference data per run; each test file copies it
// (CREATE DATABASE … TEMPLATE), which takes a fraction of a second.
export default async function globalSetup(): Promise<void> {
  process.env.PM_TEST_RUN_ID = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const name = templateDatabaseName(runId());
  await prepareDatabase(testConfig(name));
}
