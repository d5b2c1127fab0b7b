import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { RoadmapCommitmentEntity } from 'src/roadmap/roadmap-commitment.entity';
import { RoadmapCommitmentsController } from 'src/roadmap/roadmap-commitments.controller';
import { RoadmapCommitmentsRepository } from 'src/roadmap/roadmap-commitments.repository';
import { RoadmapCommitmentsService } from 'src/roadmap/roadmap-commitments.service';
import { RoadmapIndicatorEntity } from 'src/roadmap/roadmap-indicator.entity';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';
import { RoadmapProgressController } from 'src/roadmap/roadmap-progress.controller';
import { RoadmapProgressRepository } from 'src/roadmap/roadmap-progress.repository';
import { RoadmapProgressService } from 'src/roadmap/roadmap-progress.service';
import { RoadmapController } from 'src/roadmap/roadmap.controller';
import { RoadmapRepository } from 'src/roadmap/roadmap.repository';
import { RoadmapService } from 'src/roadmap/roadmap.service';

@Module({
  imports: [TypeOrmModule.forFeature([RoadmapAimEntity, RoadmapPriorityEntity, RoadmapCommitmentEntity, RoadmapIndicatorEntity])],
  controllers: [RoadmapController, RoadmapCommitmentsController, RoadmapProgressController],
  providers: [
    RoadmapRepository,
    RoadmapService,
    RoadmapCommitmentsRepository,
    RoadmapCommitmentsService,
    RoadmapProgressRepository,
    RoadmapProgressService,
  ],
  exports: [RoadmapService, RoadmapCommitmentsService],
})
export class RoadmapModule {}
