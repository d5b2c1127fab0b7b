import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from 'src/auth/auth.decorators';
import { RoadmapProgressResponse, toRoadmapProgressResponse } from 'src/roadmap/dto/roadmap-progress.dto';
import { RoadmapProgressService } from 'src/roadmap/roadmap-progress.service';

@ApiTags('roadmap')
@Public()
@Controller('roadmap/progress')
export class RoadmapProgressController {
  constructor(private readonly progress: RoadmapProgressService) {}

  @Get()
  @ApiOperation({
    summary: 'Roadmap progress per commitment, priority and aim.',
    description:
      'Activity level: published needs linked to each commitment by status, contracts awarded and value awarded (pence). ' +
      "Outcome level: each indicator's linked contract outcomes with their latest approved attainment, and the indicator's " +
      'progress from baseline to target (contract-value-weighted mean). Only approved reviews count.',
  })
  @ApiOkResponse({ type: RoadmapProgressResponse })
  async get(): Promise<RoadmapProgressResponse> {
    return toRoadmapProgressResponse(await this.progress.getProgress());
  }
}
