import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { WebhookSecretCipher } from 'src/webhooks/webhook-secret-cipher';
import { WebhookSubscriptionsRepository } from 'src/webhooks/webhook-subscriptions.repository';
import { WebhookSubscriptionEntity } from 'src/webhooks/webhook.entity';
import { WebhooksController } from 'src/webhooks/webhooks.controller';
import { WebhooksService } from 'src/webhooks/webhooks.service';

/** The API side of webhooks: suppliers subscribe, list, delete and read their delivery log. */
@Module({
  imports: [TypeOrmModule.forFeature([WebhookSubscriptionEntity])],
  controllers: [WebhooksController],
  providers: [WebhookSubscriptionsRepository, WebhooksService, WebhookSecretCipher],
  exports: [WebhooksService],
})
export class WebhooksModule {}
