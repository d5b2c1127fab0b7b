import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from 'src/config/app-config';
import { AppConfigModule } from 'src/config/app-config.module';
import { buildDataSourceOptions } from 'src/database/data-source-options';
import { ReadCacheModule } from 'src/database/read-cache';
import { IdempotencyModule } from 'src/idempotency/idempotency.module';
import { loggerOptions } from 'src/logging/logger.options';
import { QueueModule } from 'src/queue/queue.module';

/** What both entry points stand on: configuration, logging, the database and the queues. */
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({
          ...buildDataSourceOptions(config),
          // Keep trying in the background rather than failing the start when PostgreSQL blinks.
          retryAttempts: 10,
          retryDelay: 1000,
        }),
        QueueModule,
        ReadCacheModule,
        // Global: any module with POST routes needs its interceptor, in the worker process too.
        IdempotencyModule,
      ],
      exports: [AppConfigModule, QueueModule],
    };
  }
}
