import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { AppConfig } from 'src/config/app-config';
import { ENTITIES } from 'src/database/entities';

/** The one definition of the database connection, shared by Nest, the migration CLI and tests. */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.databaseUrl,
    entities: ENTITIES,
    // Resolves to migrations/ from src/database (ts-node, jest) and to dist/migrations from the build.
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{ts,js}')],
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    logging: ['error'],
    extra: {
      max: config.databasePoolSize,
      // Fail fast (503) instead of queueing forever while PostgreSQL is unreachable.
      connectionTimeoutMillis: config.databasePoolTimeoutMs,
      idleTimeoutMillis: 30_000,
      // A stuck statement must not hold a pooled connection forever.
      statement_timeout: 30_000,
      application_name: 'procurement-match',
    },
  };
}

/** The database name in a PostgreSQL URL. */
export function databaseNameOf(databaseUrl: string): string {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  return name;
}
