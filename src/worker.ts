import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { loadConfig } from 'src/config/app-config';
import { prepareDatabase } from 'src/database/prepare-database';
import { reportStartupFailure } from 'src/startup-failure';
import { WorkerModule } from 'src/worker.module';

// A worker process: the queue processors with no HTTP server. Run as many as you like, on as many
// machines as you like, against the same PostgreSQL and Redis.
async function bootstrap(): Promise<void> {
  const config = loadConfig();
  await prepareDatabase(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks([], { useProcessExit: true });
  await app.init();
  app.get(Logger).log({ msg: 'Procurement Match worker started', concurrency: config.workerConcurrency }, 'Bootstrap');
}

bootstrap().catch(reportStartupFailure);
