import { randomBytes } from 'node:crypto';
import { AppConfig, loadConfig } from 'src/config/app-config';

// Where the e2e tests find PostgreSQL and Redis: the local servers unless told otherwise.
export const TEST_SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export const TEST_ADMIN_EMAIL = 'admin@e2e.test';
export const TEST_ADMIN_PASSWORD = 'e2e-admin-password-1';

/** The id of this `npm test` run, shared by the global setup and every test file. */
export function runId(): string {
  const id = process.env.PM_TEST_RUN_ID;
  if (!id) throw new Error('PM_TEST_RUN_ID is not set: run the e2e tests through jest (globalSetup sets it)');
  return id;
}

export function templateDatabaseName(id = runId()): string {
  return `pm_${id}_template_test`;
}

export function uniqueSuffix(): string {
  return randomBytes(4).toString('hex');
}

export function databaseUrl(name: string): string {
  assertTestDatabase(name);
  return `${TEST_SERVER_URL}/${name}`;
}

/** Tests only ever touch databases whose names end in `_test`. */
export function assertTestDatabase(name: string): void {
  if (!/^[a-z0-9_]+_test$/.test(name)) {
    throw new Error(`Refusing to use database "${name}": e2e tests only use databases named *_test`);
  }
}

export function testConfig(database: string, overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl(database),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: `pmtest-${runId()}-${uniqueSuffix()}`,
    ADMIN_EMAIL: TEST_ADMIN_EMAIL,
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    JWT_SECRET: 'e2e-jwt-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    WEBHOOKS_ALLOW_PRIVATE: 'true',
    ...overrides,
  });
}
