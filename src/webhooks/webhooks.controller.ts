import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles } from 'src/auth/auth.decorators';
import { Principal } from 'src/auth/roles';
import { IdParam } from 'src/common/http/id-param';
import { PaginationQueryDto } from 'src/common/pagination/pagination';
import {
  CreatedWebhookResponse,
  CreateWebhookDto,
  toCreatedWebhookResponse,
  toWebhookDeliveryResponse,
  toWebhookResponse,
  WebhookDeliveryPageResponse,
  WebhookPageResponse,
} from 'src/webhooks/dto/webhook.dto';
import { WebhooksService } from 'src/webhooks/webhooks.service';
import { AcceptsIdempotencyKey } from 'src/idempotency/idempotency.interceptor';

@ApiTags('webhooks')
@ApiBearerAuth()
@Controller('suppliers/me/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @AcceptsIdempotencyKey()
  @HttpCode(201)
  @Roles('supplier')
  @ApiOperation({
    summary: 'Be alerted (a signed match.created POST) when an open need scores at least minScore for you.',
    description: 'The answer holds the signing secret; it is shown only here. At most 10 webhooks per supplier (409 beyond).',
  })
  @ApiCreatedResponse({ type: CreatedWebhookResponse })
  async create(@CurrentPrincipal() principal: Principal, @Body() body: CreateWebhookDto): Promise<CreatedWebhookResponse> {
    const { subscription, secret } = await this.webhooks.create(principal, body);
    return toCreatedWebhookResponse(subscription, secret);
  }

  @Get()
  @Roles('supplier')
  @ApiOperation({ summary: "The calling supplier's webhooks (never their secrets)." })
  @ApiOkResponse({ type: WebhookPageResponse })
  async list(@CurrentPrincipal() principal: Principal, @Query() query: PaginationQueryDto): Promise<WebhookPageResponse> {
    const page = await this.webhooks.list(principal, query);
    return { ...page, items: page.items.map(toWebhookResponse) };
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('supplier')
  @ApiOperation({ summary: 'Delete a webhook; events it was still owed are not sent.' })
  @ApiNoContentResponse()
  async remove(@CurrentPrincipal() principal: Principal, @IdParam() id: string): Promise<void> {
    await this.webhooks.remove(principal, id);
  }

  @Get(':id/deliveries')
  @Roles('supplier')
  @ApiOperation({ summary: "A webhook's delivery attempts, newest first: status code or error, duration, attempt number." })
  @ApiOkResponse({ type: WebhookDeliveryPageResponse })
  async deliveries(
    @CurrentPrincipal() principal: Principal,
    @IdParam() id: string,
    @Query() query: PaginationQueryDto,
  ): Promise<WebhookDeliveryPageResponse> {
    const page = await this.webhooks.deliveries(principal, id, query);
    return { ...page, items: page.items.map(toWebhookDeliveryResponse) };
  }
}
