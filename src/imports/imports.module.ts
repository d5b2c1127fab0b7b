import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ImportChunkEntity, ImportEntity } from 'src/imports/import.entity';
import { ImportsController } from 'src/imports/imports.controller';
import { ImportsRepository } from 'src/imports/imports.repository';
import { ImportsService } from 'src/imports/imports.service';
import { QueueModule } from 'src/queue/queue.module';

/** The API side of bulk imports: streamed uploads stored in PostgreSQL, queued, and their progress. */
@Module({
  imports: [TypeOrmModule.forFeature([ImportEntity, ImportChunkEntity]), QueueModule],
  controllers: [ImportsController],
  providers: [ImportsRepository, ImportsService],
  exports: [ImportsService],
})
export class ImportsModule {}
