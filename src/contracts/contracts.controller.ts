import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsUUID } from 'class-validator';
import { CurrentPrincipal, Public, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import { ContractsService } from 'src/contracts/contracts.service';
import {
  ApproveReviewDto,
  AwardDto,
  ContractPageResponse,
  ContractResponse,
  RejectReviewDto,
  ReviewResponse,
  SubmitReviewDto,
} from 'src/contracts/dto/contract.dto';
import { OutcomeReviewsService } from 'src/contracts/outcome-reviews.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

class ContractListQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') supplierId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'The buyer organisation.' }) @IsOptional() @IsUUID('all') organisationId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID('all') needId?: string;
}

@ApiTags('contracts')
@Controller()
export class ContractsController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly reviews: OutcomeReviewsService,
  ) {}

  @Post('needs/:id/award')
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('buyer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Award an open or closed need to a matched supplier as an outcome-based contract.' })
  @ApiCreatedResponse({ type: ContractResponse })
  award(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() body: AwardDto): Promise<ContractResponse> {
    return this.contracts.award(principal, id, body);
  }

  @Get('contracts')
  @Public()
  @ApiOperation({ summary: 'Awarded contracts: published fields for everyone, everything for the parties.' })
  @ApiOkResponse({ type: ContractPageResponse })
  list(@CurrentPrincipal() principal: Principal | null, @Query() query: ContractListQueryDto): Promise<ContractPageResponse> {
    return this.contracts.list(principal, query);
  }

  @Get('contracts/:id')
  @Public()
  @ApiOperation({ summary: 'One contract with its outcomes, paid-to-date, remaining pot and performance series.' })
  @ApiOkResponse({ type: ContractResponse })
  get(@CurrentPrincipal() principal: Principal | null, @IdParam() id: string): Promise<ContractResponse> {
    return this.contracts.get(principal, id);
  }

  @Post('contracts/:id/reviews')
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('reviewer')
  @ApiBearerAuth()
  @ApiOperation({ summary: "Submit one period's outcome measurements; attainment, rating and payment are computed." })
  @ApiCreatedResponse({ type: ReviewResponse })
  submit(@CurrentPrincipal() principal: Principal, @IdParam() id: string, @Body() body: SubmitReviewDto): Promise<ReviewResponse> {
    return this.reviews.submit(principal, id, body);
  }

  @Post('contracts/:id/reviews/:reviewId/approve')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles('reviewer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Approve a review (another reviewer than the submitter, 403 otherwise).' })
  @ApiOkResponse({ type: ReviewResponse })
  approve(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('reviewId') reviewId: string,
    @Body() body: ApproveReviewDto,
  ): Promise<ReviewResponse> {
    return this.reviews.approve(principal, id, reviewId, body.reason);
  }

  @Post('contracts/:id/reviews/:reviewId/reject')
  @AcceptsIdempotencyKey()
  @HttpCode(200)
  @Roles('reviewer')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Reject a review, with a reason (another reviewer than the submitter).' })
  @ApiOkResponse({ type: ReviewResponse })
  reject(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @IdParam('reviewId') reviewId: string,
    @Body() body: RejectReviewDto,
  ): Promise<ReviewResponse> {
    return this.reviews.reject(principal, id, reviewId, body.reason);
  }
}
