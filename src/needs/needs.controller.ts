import { Body, Controller, Get, Header, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Public, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import { IfMatchVersion } from 'src/common/http/if-match';
import { CreateNeedDto, NeedListQueryDto, NeedPageResponse, NeedResponse, toNeedResponse, UpdateNeedDto } from 'src/needs/dto/need.dto';
import { NeedsService } from 'src/needs/needs.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

@ApiTags('needs')
@Controller('needs')
export class NeedsController {
  constructor(private readonly needs: NeedsService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Create a need for the buyer's organisation, as a draft." })
  @ApiCreatedResponse({ type: NeedResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateNeedDto): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.create(principal, body));
  }

  @Get()
  @Public()
  @ApiOperation({ summary: "List needs: published ones for everyone, plus the reader's organisation's drafts." })
  @ApiOkResponse({ type: NeedPageResponse })
  @Header('content-type', 'application/json; charset=utf-8')
  list(@CurrentPrincipal() principal: Principal | null, @Query() query: NeedListQueryDto): Promise<Buffer> {
    return this.needs.listBody(principal, query);
  }

  @Get(':id')
  @Public()
  @ApiOperation({ summary: 'One need (404 for a draft of another organisation).' })
  @ApiOkResponse({ type: NeedResponse })
  async get(@CurrentPrincipal() principal: Principal | null, @IdParam() id: string): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.get(principal, id));
  }

  @Patch(':id')
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiHeader({ name: 'If-Match', required: true, description: 'The version being edited (412 when it has moved on).' })
  @ApiOperation({ summary: 'Edit a draft or open need (an open one is re-scored).' })
  @ApiOkResponse({ type: NeedResponse })
  async update(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IfMatchVersion() version: number,
    @Body() body: UpdateNeedDto,
  ): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.update(principal, id, version, body));
  }

  @Post(':id/publish')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Publish a draft: it opens for matching and becomes public (needs a future deadline).' })
  @ApiOkResponse({ type: NeedResponse })
  async publish(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.changeStatus(principal, id, 'publish'));
  }

  @Post(':id/close')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Close an open need to new interest.' })
  @ApiOkResponse({ type: NeedResponse })
  async close(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.changeStatus(principal, id, 'close'));
  }

  @Post(':id/cancel')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Cancel a need that has not been awarded.' })
  @ApiOkResponse({ type: NeedResponse })
  async cancel(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<NeedResponse> {
    return toNeedResponse(await this.needs.changeStatus(principal, id, 'cancel'));
  }
}
