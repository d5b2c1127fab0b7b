import { Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import { NoRequestDeadline } from 'src/common/http/request-deadline';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { API_PREFIX } from 'src/configure-app';
import { ImportNeedsQueryDto, ImportPageResponse, ImportResponse, toImportResponse } from 'src/imports/dto/import.dto';
import { CSV_MEDIA_TYPE, ImportRoute, ImportUpload, JSON_MEDIA_TYPE, NDJSON_MEDIA_TYPE, UploadBody } from 'src/imports/import-upload';
import { ImportsService } from 'src/imports/imports.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

const FILE_BODY = { schema: { type: 'string', format: 'binary' } };

@ApiTags('imports')
@ApiBearerAuth()
@Controller('imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post('suppliers')
  @AcceptsIdempotencyKey()
  @NoRequestDeadline()
  @Roles('admin')
  @HttpCode(202)
  @ImportRoute()
  @ApiOperation({
    summary: 'Import suppliers (organisation + profile per row), upserted by externalId; processed in the background.',
    description:
      'JSON Lines: one `{"externalId","name","companiesHouseNumber"?,"isSme"?,"profile":{"summary","capabilities","caseStudies":[{"title","description"}],"cpvCodes","certifications","regions","maxContractValue"?}}` per line. ' +
      'CSV: a header row naming the columns externalId,name,companiesHouseNumber,isSme,summary,capabilities,caseStudies,cpvCodes,certifications,regions,maxContractValue; ' +
      'lists separated by `;`, case studies as `title|description`, `\\` escapes `;`, `|` and `\\`. Up to IMPORT_BODY_LIMIT_BYTES (100 MB), streamed.',
  })
  @ApiConsumes(NDJSON_MEDIA_TYPE, CSV_MEDIA_TYPE)
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({ type: ImportResponse, description: 'Stored and queued; poll GET /imports/{id} (also the Location header).' })
  async importSuppliers(
    @CurrentPrincipal() principal: Principal,
    @UploadBody() upload: ImportUpload | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResponse> {
    return this.accepted(reply, await this.imports.start(principal, 'suppliers', upload));
  }

  @Post('needs')
  @AcceptsIdempotencyKey()
  @NoRequestDeadline()
  @Roles('buyer')
  @HttpCode(202)
  @ImportRoute()
  @ApiOperation({
    summary: "Import needs into the caller's organisation, upserted by externalId (OCDS: the release ocid); processed in the background.",
    description:
      'JSON Lines of needs (the POST /needs fields plus externalId) or of OCDS 1.1 releases, or one OCDS release package as application/json. ' +
      'With ?publish=true every valid need whose deadline is ahead is published; the others stay drafts and are listed in warnings.',
  })
  @ApiConsumes(NDJSON_MEDIA_TYPE, JSON_MEDIA_TYPE)
  @ApiBody(FILE_BODY)
  @ApiAcceptedResponse({ type: ImportResponse, description: 'Stored and queued; poll GET /imports/{id} (also the Location header).' })
  async importNeeds(
    @CurrentPrincipal() principal: Principal,
    @UploadBody() upload: ImportUpload | undefined,
    @Query() query: ImportNeedsQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ImportResponse> {
    return this.accepted(reply, await this.imports.start(principal, 'needs', upload, { publish: query.publish }));
  }

  @Get()
  @Roles('admin', 'buyer', 'reviewer')
  @ApiOperation({ summary: "Imports, newest first: every import for admins, the organisation's own for buyers and reviewers." })
  @ApiOkResponse({ type: ImportPageResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PaginationQueryDto): Promise<ImportPageResponse> {
    const page = await this.imports.list(principal, query);
    return { ...page, items: page.items.map(toImportResponse) };
  }

  @Get(':id')
  @Roles('admin', 'buyer', 'reviewer')
  @ApiOperation({ summary: "An import's status, counts and per-row errors (the importer's organisation, or an admin)." })
  @ApiOkResponse({ type: ImportResponse })
  async get(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<ImportResponse> {
    return toImportResponse(await this.imports.get(principal, id));
  }

  private accepted(reply: FastifyReply, entity: Parameters<typeof toImportResponse>[0]): ImportResponse {
    void reply.header('location', `/${API_PREFIX}/imports/${entity.id}`);
    return toImportResponse(entity);
  }
}
