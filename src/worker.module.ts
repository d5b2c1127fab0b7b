import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig } from 'src/config/app-config';
import { CoreModule } from 'src/core.module';
import { ImportsWorkerModule } from 'src/imports/imports-worker.module';
import { MatchingWorkerModule } from 'src/matching/matching-worker.module';
import { WebhooksWorkerModule } from 'src/webhooks/webhooks-worker.module';

/** The queue processors of every feature. Imported by the worker entry point and, by default, the API. */
@Module({
  imports: [MatchingWorkerModule, WebhooksWorkerModule, ImportsWorkerModule],
})
export class WorkerProcessorsModule {}

/** The worker process: configuration, database, queues and processors; no HTTP. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [CoreModule.forRoot(config), WorkerProcessorsModule],
    };
  }
}
