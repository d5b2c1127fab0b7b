import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import Redis from 'ioredis';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from 'src/app.module';
import { AppConfig } from 'src/config/app-config';
import { configureApp, createHttpAdapter, NEST_APP_OPTIONS } from 'src/configure-app';
import { createTestDatabase, dropTestDatabase } from './test-database';
import { testConfig } from './test-environment';

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  database: string;
  dataSource: DataSource;
  http: () => request.Agent;
  close: () => Promise<void>;
}

/**
 * The real AppModule on a fresh copy of the migrated database and a queue prefix of its own, against
 * the local PostgreSQL and Redis, configured exactly as main.ts configures production.
 */
export async function createTestApp(
  options: { env?: Record<string, string>; database?: string } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const config = testConfig(database, options.env);
  const moduleRef = await Test.createTestingModule({ imports: [AppModule.forRoot(config)] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { ...NEST_APP_OPTIONS, logger: false });
  await configureApp(app, config);
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const dataSource = app.get(DataSource);
  return {
    app,
    config,
    database,
    dataSource,
    http: () => request.agent(app.getHttpServer()),
    close: async () => {
      await app.close();
      await clearQueuePrefix(config);
      if (!options.database) await dropTestDatabase(database);
    },
  };
}

/** Removes every Redis key under this app's queue prefix. */
export async function clearQueuePrefix(config: AppConfig): Promise<void> {
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${config.queuePrefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // Redis unreachable on purpose in some tests: nothing to clear.
  } finally {
    redis.disconnect();
  }
}
