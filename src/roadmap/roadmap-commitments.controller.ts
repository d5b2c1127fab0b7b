import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import {
  CommitmentListQueryDto,
  CreateCommitmentDto,
  CreateIndicatorDto,
  RoadmapCommitmentPageResponse,
  RoadmapCommitmentResponse,
  RoadmapIndicatorResponse,
  toRoadmapCommitmentResponse,
  toRoadmapIndicatorResponse,
  UpdateCommitmentDto,
} from 'src/roadmap/dto/roadmap-commitment.dto';
import { RoadmapCommitmentsService } from 'src/roadmap/roadmap-commitments.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

@ApiTags('roadmap')
@Controller('roadmap/commitments')
export class RoadmapCommitmentsController {
  constructor(private readonly commitments: RoadmapCommitmentsService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Create a roadmap commitment under a priority, serving some aims (admin).' })
  @ApiCreatedResponse({ type: RoadmapCommitmentResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateCommitmentDto): Promise<RoadmapCommitmentResponse> {
    const { commitment, indicators } = await this.commitments.create(principal, body);
    return toRoadmapCommitmentResponse(commitment, indicators);
  }

  @Get()
  @Public()
  @ApiOperation({ summary: 'List roadmap commitments by priority and due date, optionally filtered by priority, aim or status.' })
  @ApiOkResponse({ type: RoadmapCommitmentPageResponse })
  async list(@Query() query: CommitmentListQueryDto): Promise<RoadmapCommitmentPageResponse> {
    const page = await this.commitments.list(query);
    return { ...page, items: page.items.map(({ commitment, indicators }) => toRoadmapCommitmentResponse(commitment, indicators)) };
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One roadmap commitment with its outcome indicators.' })
  @ApiOkResponse({ type: RoadmapCommitmentResponse })
  async get(@IdParam() id: string): Promise<RoadmapCommitmentResponse> {
    const { commitment, indicators } = await this.commitments.getCommitment(id);
    return toRoadmapCommitmentResponse(commitment, indicators);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change some fields of a roadmap commitment, its status included (admin).' })
  @ApiOkResponse({ type: RoadmapCommitmentResponse })
  async update(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Body() body: UpdateCommitmentDto,
  ): Promise<RoadmapCommitmentResponse> {
    const { commitment, indicators } = await this.commitments.update(principal, id, body);
    return toRoadmapCommitmentResponse(commitment, indicators);
  }

  @Post(':id/indicators')
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('admin')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Add an outcome-level key indicator to a roadmap commitment (admin).' })
  @ApiCreatedResponse({ type: RoadmapIndicatorResponse })
  async addIndicator(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Body() body: CreateIndicatorDto,
  ): Promise<RoadmapIndicatorResponse> {
    return toRoadmapIndicatorResponse(await this.commitments.addIndicator(principal, id, body));
  }
}
