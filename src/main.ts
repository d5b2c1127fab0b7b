import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from 'src/app.module';
import { loadConfig } from 'src/config/app-config';
import { configureApp, createHttpAdapter, NEST_APP_OPTIONS } from 'src/configure-app';
import { prepareDatabase } from 'src/database/prepare-database';
import { reportStartupFailure } from 'src/startup-failure';

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const report = await prepareDatabase(config);
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), NEST_APP_OPTIONS);
  await configureApp(app, config);
  await app.listen(config.port, config.host);
  app.get(Logger).log(
    {
      msg: `Procurement Match listening on port ${config.port}; OpenAPI at /docs`,
      workersInProcess: config.runWorkersInApi,
      databaseCreated: report.databaseCreated,
      migrationsRun: report.migrationsRun,
      referenceData: report.referenceData,
    },
    'Bootstrap',
  );
}

bootstrap().catch(reportStartupFailure);
