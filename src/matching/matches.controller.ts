import { Body, Controller, Get, Header, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { DecideMatchDto, MatchItemResponse, MatchPageResponse, OpportunityPageResponse } from 'src/matching/dto/match.dto';
import { MatchesService } from 'src/matching/matches.service';

@ApiTags('matching')
@ApiBearerAuth()
@Controller()
export class MatchesController {
  constructor(private readonly matches: MatchesService) {}

  @Get('needs/:id/matches')
  @Roles('buyer')
  @ApiOperation({ summary: "A need's suppliers, ranked and explained (owning buyer)." })
  @ApiOkResponse({ type: MatchPageResponse })
  // The API's hottest read: the service answers with the JSON body ready to send.
  @Header('content-type', 'application/json; charset=utf-8')
  list(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Query() query: PaginationQueryDto): Promise<Buffer> {
    return this.matches.list(principal, id, query);
  }

  @Put('needs/:id/matches/:supplierId/decision')
  @Roles('buyer')
  @ApiOperation({ summary: 'Shortlist or reject a suggested supplier, with a reason (never overwritten by re-scoring).' })
  @ApiOkResponse({ type: MatchItemResponse })
  decide(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('supplierId') supplierId: string,
    @Body() body: DecideMatchDto,
  ): Promise<MatchItemResponse> {
    return this.matches.decide(principal, id, supplierId, body);
  }

  @Get('suppliers/me/opportunities')
  @Roles('supplier')
  @ApiOperation({ summary: 'Open needs ranked for the calling supplier, with score and explanation.' })
  @ApiOkResponse({ type: OpportunityPageResponse })
  opportunities(@CurrentPrincipal() principal: Principal, @Query() query: PaginationQueryDto): Promise<OpportunityPageResponse> {
    return this.matches.opportunities(principal, query);
  }
}
