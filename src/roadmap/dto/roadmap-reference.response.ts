import { ApiProperty } from '@nestjs/swagger';
import { RoadmapAimEntity } from 'src/roadmap/roadmap-aim.entity';
import { RoadmapPriorityEntity } from 'src/roadmap/roadmap-priority.entity';

export class RoadmapAimResponse {
  @ApiProperty({ example: 'easier-lives' }) code: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
}

export class RoadmapPriorityResponse {
  @ApiProperty({ minimum: 1, maximum: 6 }) number: number;
  @ApiProperty({ example: 'joined-up-services' }) code: string;
  @ApiProperty() title: string;
  @ApiProperty() description: string;
}

export function toRoadmapAimResponse(aim: RoadmapAimEntity): RoadmapAimResponse {
  return { code: aim.code, title: aim.title, description: aim.description };
}

export function toRoadmapPriorityResponse(priority: RoadmapPriorityEntity): RoadmapPriorityResponse {
  return { number: priority.number, code: priority.code, title: priority.title, description: priority.description };
}
