import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CpvModule } from 'src/cpv/cpv.module';
import { NeedsController } from 'src/needs/needs.controller';
import { NeedsRepository } from 'src/needs/needs.repository';
import { NeedsService } from 'src/needs/needs.service';
import { ProcurementNeedEntity } from 'src/needs/procurement-need.entity';
import { QueueModule } from 'src/queue/queue.module';
import { RoadmapModule } from 'src/roadmap/roadmap.module';

@Module({
  imports: [TypeOrmModule.forFeature([ProcurementNeedEntity]), CpvModule, RoadmapModule, QueueModule],
  controllers: [NeedsController],
  providers: [NeedsRepository, NeedsService],
  exports: [NeedsService],
})
export class NeedsModule {}
