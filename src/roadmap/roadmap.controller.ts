import { Public } from 'src/auth/auth.decorators';
import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  RoadmapAimResponse,
  RoadmapPriorityResponse,
  toRoadmapAimResponse,
  toRoadmapPriorityResponse,
} from 'src/roadmap/dto/roadmap-reference.response';
import { RoadmapService } from 'src/roadmap/roadmap.service';

@ApiTags('roadmap')
@Public()
@Controller('roadmap')
export class RoadmapController {
  constructor(private readonly roadmap: RoadmapService) {}

  @Get('aims')
  @ApiOperation({ summary: "The roadmap's five aims." })
  @ApiOkResponse({ type: RoadmapAimResponse, isArray: true })
  async aims(): Promise<RoadmapAimResponse[]> {
    return (await this.roadmap.listAims()).map(toRoadmapAimResponse);
  }

  @Get('priorities')
  @ApiOperation({ summary: "The roadmap's six priorities." })
  @ApiOkResponse({ type: RoadmapPriorityResponse, isArray: true })
  async priorities(): Promise<RoadmapPriorityResponse[]> {
    return (await this.roadmap.listPriorities()).map(toRoadmapPriorityResponse);
  }
}
