import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AppConfig } from 'src/config/app-config';
import { ProblemDetailsFilter } from 'src/common/http/problem-details.filter';
import { AuditModule } from 'src/audit/audit.module';
import { AuthModule } from 'src/auth/auth.module';
import { ContractsModule } from 'src/contracts/contracts.module';
import { CoreModule } from 'src/core.module';
import { CpvModule } from 'src/cpv/cpv.module';
import { HealthModule } from 'src/health/health.module';
import { ImportsModule } from 'src/imports/imports.module';
import { MatchingModule } from 'src/matching/matching.module';
import { NeedsModule } from 'src/needs/needs.module';
import { OrganisationsModule } from 'src/organisations/organisations.module';
import { RoadmapModule } from 'src/roadmap/roadmap.module';
import { SuppliersModule } from 'src/suppliers/suppliers.module';
import { TransparencyModule } from 'src/transparency/transparency.module';
import { UsersModule } from 'src/users/users.module';
import { WebhooksModule } from 'src/webhooks/webhooks.module';
import { WorkerProcessorsModule } from 'src/worker.module';

/** The HTTP API; with `runWorkersInApi` it also hosts the queue workers (the single-machine default). */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config),
        AuditModule,
        AuthModule,
        OrganisationsModule,
        UsersModule,
        HealthModule,
        RoadmapModule,
        CpvModule,
        NeedsModule,
        MatchingModule,
        ContractsModule,
        SuppliersModule,
        ImportsModule,
        WebhooksModule,
        TransparencyModule,
        ...(config.runWorkersInApi ? [WorkerProcessorsModule] : []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
      ],
    };
  }
}
