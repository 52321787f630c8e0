import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '../common/errors';
import { cursorField, decodeCursor, PageQueryDto, toPage } from '../common/pagination';
import { EngineConfig } from '../config/engine-config';
import type { WebhookEndpoint } from '../generated/prisma/client';
import {
  CreateWebhookDto,
  toDeliveryResponse,
  toWebhookResponse,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryPageResponseDto,
  WebhookPageResponseDto,
  WebhookResponseDto,
  WebhookWithSecretResponseDto,
} from './dto/webhook.dto';
import { newWebhookSecret } from './webhook-signature';
import { webhookResolutionRefusal, webhookTargetRefusal } from './webhook-targets';
import { PagePosition, WebhooksRepository } from './webhooks.repository';

function decodePosition(cursor: string): PagePosition {
  const [createdAt, id] = decodeCursor(cursor, [cursorField.date, cursorField.uuid]);
  return { createdAt, id };
}

const positionOf = (row: { createdAt: Date; id: string }) => [row.createdAt.toISOString(), row.id];

function withSecret(row: WebhookEndpoint): WebhookWithSecretResponseDto {
  return { ...toWebhookResponse(row), secret: row.secret };
}

/**
 * A user's webhooks (docs/ARCHITECTURE.md, Webhooks): registration with the target rules, the secret shown
 * once, rotation, and the record of deliveries. What is delivered is decided by the database: its triggers
 * write an outbox row per event and endpoint in the transaction of the change.
 */
@Injectable()
export class WebhooksService {
  constructor(
    private readonly webhooks: WebhooksRepository,
    private readonly config: EngineConfig,
  ) {}

  async register(userId: string, input: CreateWebhookDto): Promise<WebhookWithSecretResponseDto> {
    const { allowedHosts } = this.config.webhooks;
    const refusal =
      webhookTargetRefusal(input.url, allowedHosts) ?? (await webhookResolutionRefusal(input.url, allowedHosts));
    if (refusal)
      throw new ValidationError(`url is not an acceptable webhook target: ${refusal}`, [
        { field: 'url', problems: [refusal] },
      ]);
    const { maxEndpointsPerUser } = this.config.webhooks;
    if ((await this.webhooks.countOfUser(userId)) >= maxEndpointsPerUser)
      throw new ConflictError(`You have ${maxEndpointsPerUser} webhooks, the most allowed: delete one first`);
    const row = await this.webhooks.create(userId, {
      url: new URL(input.url).toString(),
      events: [...input.events],
      secret: newWebhookSecret(),
    });
    return withSecret(row);
  }

  async list(userId: string, page: PageQueryDto): Promise<WebhookPageResponseDto> {
    const position = page.cursor ? decodePosition(page.cursor) : undefined;
    const rows = await this.webhooks.findPageOfUser(userId, position, page.limit + 1);
    return toPage(rows, page.limit, positionOf, toWebhookResponse);
  }

  async get(userId: string, id: string): Promise<WebhookResponseDto> {
    return toWebhookResponse(await this.owned(userId, id));
  }

  /** Deletes the webhook; its pending deliveries are never sent. */
  async remove(userId: string, id: string): Promise<{ success: true }> {
    if (!(await this.webhooks.deleteOwned(userId, id))) throw new NotFoundError('Webhook', id);
    return { success: true };
  }

  /**
   * A new secret, shown once; deliveries carry signatures by both secrets for WEBHOOK_SECRET_ROTATION_GRACE_MS,
   * so a receiver can switch to the new one without rejecting anything meanwhile.
   */
  async rotateSecret(userId: string, id: string): Promise<WebhookWithSecretResponseDto> {
    const previousValidUntil = new Date(Date.now() + this.config.webhooks.secretRotationGraceMs);
    const row = await this.webhooks.rotateSecret(userId, id, newWebhookSecret(), previousValidUntil);
    if (!row) throw new NotFoundError('Webhook', id);
    return withSecret(row);
  }

  async listDeliveries(
    userId: string,
    id: string,
    query: WebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageResponseDto> {
    await this.owned(userId, id);
    const position = query.cursor ? decodePosition(query.cursor) : undefined;
    const rows = await this.webhooks.findDeliveryPage(id, query.status, position, query.limit + 1);
    return toPage(rows, query.limit, positionOf, toDeliveryResponse);
  }

  private async owned(userId: string, id: string): Promise<WebhookEndpoint> {
    const row = await this.webhooks.findOwned(userId, id);
    if (!row) throw new NotFoundError('Webhook', id);
    return row;
  }
}
