import { Injectable } from '@nestjs/common';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { CommitmentWithIndicators, RoadmapCommitmentsService } from 'src/roadmap/roadmap-commitments.service';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';
import { RoadmapRepository } from 'src/roadmap/roadmap.repository';

/** The roadmap module's public face for other features: reference data and commitment look-ups. */
@Injectable()
export class RoadmapService {
  constructor(
    private readonly roadmap: RoadmapRepository,
    private readonly commitments: RoadmapCommitmentsService,
  ) {}

  listAims(): Promise<RoadmapAimEntity[]> {
    return this.roadmap.findAllAims();
  }

  listPriorities(): Promise<RoadmapPriorityEntity[]> {
    return this.roadmap.findAllPriorities();
  }

  /** One commitment with its indicators; throws 404 `COMMITMENT.NOT_FOUND` when there is none. */
  getCommitment(id: string): Promise<CommitmentWithIndicators> {
    return this.commitments.getCommitment(id);
  }

  /** The ids that name no commitment, with their position in the list (needs refuse them as `commitmentIds[i]`). */
  findUnknownCommitmentIds(ids: string[]): Promise<{ index: number; id: string }[]> {
    return this.commitments.findUnknownCommitmentIds(ids);
  }
}
