import { Injectable } from '@nestjs/common';
import { ProgressSnapshot, RoadmapProgressRepository } from 'src/roadmap/roadmap-progress.repository';

/**
 * The public roll-up of the roadmap: per commitment, the activity level (linked needs, contracts,
 * value awarded) and the outcome level (its indicators, fed by approved contract outcome reviews),
 * rolled up per priority and per aim.
 */
@Injectable()
export class RoadmapProgressService {
  constructor(private readonly progress: RoadmapProgressRepository) {}

  getProgress(): Promise<ProgressSnapshot> {
    return this.progress.readSnapshot();
  }
}
