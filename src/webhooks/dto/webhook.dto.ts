import { ApiProperty } from '@nestjs/swagger';
import { IsNumber, IsString, Max, MaxLength, Min } from 'class-validator';
import { WEBHOOK_URL_MAX_LENGTH } from 'src/webhooks/domain/webhook-url';
import type { WebhookDeliveryRow } from 'src/webhooks/webhook-subscriptions.repository';
import { WebhookSubscriptionEntity } from 'src/webhooks/webhook.entity';

export class CreateWebhookDto {
  @ApiProperty({
    maxLength: WEBHOOK_URL_MAX_LENGTH,
    example: 'https://alerts.example.co.uk/procurement-match',
    description: 'http or https; private, loopback and link-local addresses (also by DNS) are refused.',
  })
  @IsString()
  @MaxLength(WEBHOOK_URL_MAX_LENGTH)
  url: string;

  @ApiProperty({ minimum: 0, maximum: 100, example: 60, description: 'Alert on open needs scoring at least this (0–100, one decimal).' })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 1 }, { message: '$property must be a number with at most one decimal' })
  @Min(0)
  @Max(100)
  minScore: number;
}

export class WebhookResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ description: '0–100' }) minScore: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
}

export class CreatedWebhookResponse extends WebhookResponse {
  @ApiProperty({
    description:
      'The signing secret (64 hex characters), shown only in this answer. Each event is signed as ' +
      '`x-pm-signature: sha256=<hex HMAC-SHA256 of "<x-pm-timestamp>.<raw body>" keyed with this secret>`.',
  })
  secret: string;
}

export class WebhookPageResponse {
  @ApiProperty({ type: [WebhookResponse] }) items: WebhookResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export class WebhookDeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The event (also sent as x-pm-event-id); the same for every attempt.' }) eventId: string;
  @ApiProperty({ enum: ['match.created'] }) eventType: string;
  @ApiProperty({ format: 'uuid' }) needId: string;
  @ApiProperty({ description: '1 for the first attempt of the event.' }) attempt: number;
  @ApiProperty({ description: 'True when the subscriber answered 2xx.' }) succeeded: boolean;
  @ApiProperty({ nullable: true, type: Number, description: "The subscriber's HTTP status; null when it did not answer." }) statusCode: number | null;
  @ApiProperty({ nullable: true, type: String, description: 'Why the attempt failed; null on success.' }) error: string | null;
  @ApiProperty() durationMs: number;
  @ApiProperty({ format: 'date-time' }) attemptedAt: string;
}

export class WebhookDeliveryPageResponse {
  @ApiProperty({ type: [WebhookDeliveryResponse] }) items: WebhookDeliveryResponse[];
  @ApiProperty() page: number;
  @ApiProperty() pageSize: number;
  @ApiProperty() total: number;
}

export function toWebhookResponse(subscription: WebhookSubscriptionEntity): WebhookResponse {
  return {
    id: subscription.id,
    url: subscription.url,
    minScore: Number(subscription.minScore),
    createdAt: subscription.createdAt.toISOString(),
  };
}

export function toCreatedWebhookResponse(subscription: WebhookSubscriptionEntity, secret: string): CreatedWebhookResponse {
  return { ...toWebhookResponse(subscription), secret };
}

export function toWebhookDeliveryResponse(row: WebhookDeliveryRow): WebhookDeliveryResponse {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    needId: row.needId,
    attempt: row.attempt,
    succeeded: row.succeeded,
    statusCode: row.statusCode,
    error: row.error,
    durationMs: row.durationMs,
    attemptedAt: row.attemptedAt.toISOString(),
  };
}
