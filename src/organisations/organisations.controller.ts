import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { IdParam } from 'src/common/http/id-param';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import { ORGANISATION_KINDS, OrganisationKind, Principal } from 'src/auth/roles';
import { Page, PaginationQueryDto } from 'src/common/pagination/pagination';
import { CreateOrganisationDto, OrganisationResponse, toOrganisationResponse } from 'src/organisations/dto/organisation.dto';
import { OrganisationsService } from 'src/organisations/organisations.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

class OrganisationListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: ORGANISATION_KINDS })
  @IsOptional()
  @IsIn(ORGANISATION_KINDS)
  kind?: OrganisationKind;
}

class OrganisationPageResponse {
  @ApiProperty({ type: OrganisationResponse, isArray: true }) items: OrganisationResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

@ApiTags('organisations')
@ApiBearerAuth()
@Roles('admin')
@Controller('organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a buyer or supplier organisation (admin).' })
  @ApiCreatedResponse({ type: OrganisationResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateOrganisationDto): Promise<OrganisationResponse> {
    return toOrganisationResponse(await this.organisations.create(principal, body));
  }

  @Get()
  @ApiOperation({ summary: 'List organisations (admin).' })
  @ApiOkResponse({ type: OrganisationPageResponse })
  async list(@Query() query: OrganisationListQueryDto): Promise<Page<OrganisationResponse>> {
    const page = await this.organisations.list(query);
    return { ...page, items: page.items.map(toOrganisationResponse) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One organisation (admin).' })
  @ApiOkResponse({ type: OrganisationResponse })
  async get(@IdParam() id: string): Promise<OrganisationResponse> {
    return toOrganisationResponse(await this.organisations.get(id));
  }
}
