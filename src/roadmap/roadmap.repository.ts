import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';

@Injectable()
export class RoadmapRepository {
  constructor(
    @InjectRepository(RoadmapAimEntity) private readonly aims: Repository<RoadmapAimEntity>,
    @InjectRepository(RoadmapPriorityEntity) private readonly priorities: Repository<RoadmapPriorityEntity>,
  ) {}

  findAllAims(): Promise<RoadmapAimEntity[]> {
    return this.aims.find({ order: { position: 'ASC' } });
  }

  findAllPriorities(): Promise<RoadmapPriorityEntity[]> {
    return this.priorities.find({ order: { number: 'ASC' } });
  }
}
