import { Module } from '@nestjs/common';
import { QueueModule } from 'src/queue/queue.module';
import { WebhookDeliveryProcessor } from 'src/webhooks/jobs/webhook-delivery.processor';
import { WebhookDeliveryService } from 'src/webhooks/webhook-delivery.service';
import { WebhookEventsRepository } from 'src/webhooks/webhook-events.repository';
import { WebhookEventsService } from 'src/webhooks/webhook-events.service';
import { WebhookSecretCipher } from 'src/webhooks/webhook-secret-cipher';
import { WebhookSender } from 'src/webhooks/webhook-sender';

/**
 * The webhooks queue's processor (signed deliveries, retries, the delivery log, the reconciler) and
 * the event recorder that matching calls when it writes matches.
 */
@Module({
  imports: [QueueModule],
  providers: [WebhookEventsRepository, WebhookEventsService, WebhookSecretCipher, WebhookSender, WebhookDeliveryService, WebhookDeliveryProcessor],
  exports: [WebhookEventsService],
})
export class WebhooksWorkerModule {}
