import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from 'src/audit/audit.service';
import type { Principal } from 'src/auth/roles';
import { ConflictError, NotFoundError, ValidationFailedError } from 'src/common/errors/domain-error';
import { offsetOf, Page, PaginationQueryDto } from 'src/common/pagination/pagination';
import { AppConfig } from 'src/config/app-config';
import { APP_CONFIG } from 'src/config/app-config.module';
import { parseWebhookUrl } from 'src/webhooks/domain/webhook-url';
import { CreateWebhookDto } from 'src/webhooks/dto/webhook.dto';
import { assertPublicAddress, RefusedAddressError, resolvePublicAddresses } from 'src/webhooks/webhook-address-guard';
import { MAX_WEBHOOKS_PER_SUPPLIER } from 'src/webhooks/webhook-delivery.settings';
import { WebhookSecretCipher } from 'src/webhooks/webhook-secret-cipher';
import { WebhookDeliveryRow, WebhookSubscriptionsRepository } from 'src/webhooks/webhook-subscriptions.repository';
import { WebhookSubscriptionEntity } from 'src/webhooks/webhook.entity';

/** A supplier's webhook subscriptions and their delivery log. */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly subscriptions: WebhookSubscriptionsRepository,
    private readonly cipher: WebhookSecretCipher,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Subscribes the calling supplier; the answer carries the new secret, which is never shown again. */
  async create(principal: Principal, input: CreateWebhookDto): Promise<{ subscription: WebhookSubscriptionEntity; secret: string }> {
    const supplierId = supplierOf(principal);
    const url = await this.checkUrl(input.url);
    const id = randomUUID();
    const secret = this.cipher.newSecret();
    const subscription = await this.dataSource.transaction(async (manager) => {
      await this.subscriptions.lockSupplier(manager, supplierId);
      if ((await this.subscriptions.countLive(manager, supplierId)) >= MAX_WEBHOOKS_PER_SUPPLIER) {
        throw new ConflictError('WEBHOOK.LIMIT_REACHED', `A supplier may hold at most ${MAX_WEBHOOKS_PER_SUPPLIER} webhooks; delete one first.`);
      }
      const created = await this.subscriptions.insert(manager, {
        id,
        supplierId,
        url,
        minScore: String(input.minScore),
        secretEncrypted: this.cipher.encrypt(id, secret),
        createdBy: principal.userId,
        createdAt: new Date(),
      });
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'webhook.create',
        objectType: 'webhook-subscription',
        objectId: id,
        after: auditView(created),
      });
      return created;
    });
    return { subscription, secret };
  }

  async list(principal: Principal, query: PaginationQueryDto): Promise<Page<WebhookSubscriptionEntity>> {
    const { rows, total } = await this.subscriptions.findLivePage(supplierOf(principal), offsetOf(query), query.pageSize);
    return { items: rows, page: query.page, pageSize: query.pageSize, total };
  }

  /** Deletes one of the caller's webhooks; events it was still owed are not sent. */
  async remove(principal: Principal, id: string): Promise<void> {
    const supplierId = supplierOf(principal);
    await this.dataSource.transaction(async (manager) => {
      const before = await this.subscriptions.findLive(supplierId, id, manager);
      if (!before) throw notFound();
      await this.subscriptions.softDelete(manager, id, new Date());
      await this.audit.record(manager, {
        actorId: principal.userId,
        action: 'webhook.delete',
        objectType: 'webhook-subscription',
        objectId: id,
        before: auditView(before),
      });
    });
  }

  async deliveries(principal: Principal, id: string, query: PaginationQueryDto): Promise<Page<WebhookDeliveryRow>> {
    const subscription = await this.subscriptions.findLive(supplierOf(principal), id);
    if (!subscription) throw notFound();
    const { rows, total } = await this.subscriptions.findDeliveryPage(id, offsetOf(query), query.pageSize);
    return { items: rows, page: query.page, pageSize: query.pageSize, total };
  }

  /**
   * http(s) only; unless private targets are allowed, the host must be a public address or resolve
   * only to public ones. Resolved again at every delivery: an answer that changes later (DNS
   * rebinding) is caught there.
   */
  private async checkUrl(raw: string): Promise<string> {
    const parsed = parseWebhookUrl(raw);
    if (!parsed.ok) throw invalidUrl(parsed.message);
    const { target } = parsed;
    if (this.config.webhooksAllowPrivate) return target.href;
    try {
      if (target.literalAddress) assertPublicAddress(target.literalAddress);
      else await resolvePublicAddresses(target.hostname as string);
    } catch (error) {
      if (error instanceof RefusedAddressError) throw invalidUrl(`url must not point to a private or local address: ${error.message}`);
      throw invalidUrl(`url's host ${target.hostname} could not be resolved`);
    }
    return target.href;
  }
}

function invalidUrl(message: string): ValidationFailedError {
  return new ValidationFailedError([{ field: 'url', message }]);
}

function notFound(): NotFoundError {
  return new NotFoundError('WEBHOOK.NOT_FOUND', 'No such webhook.');
}

// What the audit trail keeps of a subscription: never the secret, not even encrypted.
function auditView(subscription: WebhookSubscriptionEntity) {
  return { id: subscription.id, supplierId: subscription.supplierId, url: subscription.url, minScore: subscription.minScore };
}

function supplierOf(principal: Principal): string {
  if (principal.role !== 'supplier' || !principal.organisationId) {
    throw new NotFoundError('SUPPLIER.NOT_FOUND', 'No supplier for this account.');
  }
  return principal.organisationId;
}
