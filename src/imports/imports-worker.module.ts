import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from 'src/audit/audit.module';
import { CpvModule } from 'src/cpv/cpv.module';
import { ImportChunkEntity, ImportEntity } from 'src/imports/import.entity';
import { ImportedRowsRepository } from 'src/imports/imported-rows.repository';
import { ImportsJobsService } from 'src/imports/imports-jobs.service';
import { ImportsRepository } from 'src/imports/imports.repository';
import { ImportsProcessor } from 'src/imports/jobs/imports.processor';
import { QueueModule } from 'src/queue/queue.module';
import { RoadmapModule } from 'src/roadmap/roadmap.module';

/** The imports queue's processor: reads stored uploads and writes their rows in batches. */
@Module({
  // AuditModule is global in the API; the worker process has no other way to it.
  imports: [TypeOrmModule.forFeature([ImportEntity, ImportChunkEntity]), AuditModule, CpvModule, RoadmapModule, QueueModule],
  providers: [ImportsRepository, ImportedRowsRepository, ImportsJobsService, ImportsProcessor],
  exports: [ImportsJobsService],
})
export class ImportsWorkerModule {}
