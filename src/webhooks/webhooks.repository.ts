import { Injectable } from '@nestjs/common';
import type {
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookDeliveryStatus,
  WebhookEndpoint,
} from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

/** Where a newest-first page continues: after this (createdAt, id). */
export interface PagePosition {
  createdAt: Date;
  id: string;
}

export type DeliveryWithAttempts = WebhookDelivery & { attemptLog: WebhookDeliveryAttempt[] };

/** A delivery as the delivery worker needs it: with its endpoint's target and secrets. */
export type DeliveryToSend = WebhookDelivery & {
  endpoint: Pick<
    WebhookEndpoint,
    'id' | 'url' | 'secret' | 'previousSecret' | 'previousSecretExpiresAt' | 'disabledAt' | 'disabledReason'
  >;
};

/** A delivery the relay puts on the queue, with the attempts it has used up. */
export interface QueueableDelivery {
  id: string;
  attempts: number;
}

/** One POST of a delivery, as recorded. */
export interface AttemptRecord {
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** What an attempt leaves the delivery at. */
export type AttemptOutcome =
  { kind: 'delivered' } | { kind: 'retry'; nextAttemptAt: Date } | { kind: 'failed'; disableEndpointReason: string };

function after(position: PagePosition | undefined) {
  return position
    ? { OR: [{ createdAt: { lt: position.createdAt } }, { createdAt: position.createdAt, id: { lt: position.id } }] }
    : {};
}

const NEWEST_FIRST = [{ createdAt: 'desc' as const }, { id: 'desc' as const }];

/**
 * Every statement on webhook_endpoints, webhook_deliveries (the outbox, written by the triggers of the
 * webhooks migration) and webhook_delivery_attempts.
 */
@Injectable()
export class WebhooksRepository {
  constructor(private readonly prisma: PrismaService) {}

  countOfUser(userId: string): Promise<number> {
    return this.prisma.webhookEndpoint.count({ where: { userId } });
  }

  create(userId: string, columns: { url: string; events: string[]; secret: string }): Promise<WebhookEndpoint> {
    return this.prisma.webhookEndpoint.create({ data: { userId, ...columns } });
  }

  findPageOfUser(userId: string, position: PagePosition | undefined, take: number): Promise<WebhookEndpoint[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { userId, ...after(position) },
      orderBy: NEWEST_FIRST,
      take,
    });
  }

  findOwned(userId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.prisma.webhookEndpoint.findFirst({ where: { id, userId } });
  }

  /** Deletes the endpoint with its deliveries and their attempts; false when it is not the user's. */
  async deleteOwned(userId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.webhookEndpoint.deleteMany({ where: { id, userId } });
    return count > 0;
  }

  /** The new secret signs from now on; the current one also signs until `previousValidUntil`. */
  async rotateSecret(
    userId: string,
    id: string,
    secret: string,
    previousValidUntil: Date,
  ): Promise<WebhookEndpoint | null> {
    const [row] = await this.prisma.direct.query<WebhookEndpoint[]>`
      UPDATE "webhook_endpoints"
      SET "previousSecret" = "secret", "secret" = ${secret}, "previousSecretExpiresAt" = ${previousValidUntil},
          "updatedAt" = now()
      WHERE "id" = ${id}::uuid AND "userId" = ${userId}
      RETURNING *`;
    return row ?? null;
  }

  /** The endpoint's deliveries newest first, each with its attempts in order. */
  findDeliveryPage(
    endpointId: string,
    status: WebhookDeliveryStatus | undefined,
    position: PagePosition | undefined,
    take: number,
  ): Promise<DeliveryWithAttempts[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { endpointId, ...(status && { status }), ...after(position) },
      orderBy: NEWEST_FIRST,
      take,
      include: { attemptLog: { orderBy: { attempt: 'asc' } } },
    });
  }

  /**
   * Hands up to `limit` deliveries not yet queued to `enqueue`, then marks them queued, in one transaction
   * whose row locks keep other relays off them (SKIP LOCKED). If the process dies after `enqueue`, the rows
   * stay unqueued and are queued again: the queue job id is the delivery id, and a delivered row is never
   * sent twice.
   */
  async queueNew(limit: number, enqueue: (deliveries: QueueableDelivery[]) => Promise<void>): Promise<number> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<QueueableDelivery[]>`
        SELECT "id", "attempts" FROM "webhook_deliveries"
        WHERE "queuedAt" IS NULL
        ORDER BY "createdAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      await enqueue(rows);
      await tx.webhookDelivery.updateMany({
        where: { id: { in: rows.map((row) => row.id) } },
        data: { queuedAt: new Date() },
      });
      return rows.length;
    });
  }

  /** Pending deliveries that were queued and should have been attempted before `before`. */
  findOverdue(before: Date, limit: number): Promise<QueueableDelivery[]> {
    return this.prisma.webhookDelivery.findMany({
      where: { status: 'pending', queuedAt: { not: null }, nextAttemptAt: { lt: before } },
      orderBy: { nextAttemptAt: 'asc' },
      take: limit,
      select: { id: true, attempts: true },
    });
  }

  findToSend(id: string): Promise<DeliveryToSend | null> {
    return this.prisma.webhookDelivery.findUnique({
      where: { id },
      include: {
        endpoint: {
          select: {
            id: true,
            url: true,
            secret: true,
            previousSecret: true,
            previousSecretExpiresAt: true,
            disabledAt: true,
            disabledReason: true,
          },
        },
      },
    });
  }

  /**
   * Records attempt `record.attempt` and its outcome, in one transaction; false (nothing recorded) when
   * the delivery is no longer pending at the previous attempt (another worker got there first).
   */
  async recordAttempt(
    delivery: Pick<WebhookDelivery, 'id' | 'endpointId'>,
    record: AttemptRecord,
    outcome: AttemptOutcome,
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'pending', attempts: record.attempt - 1 },
        data: {
          attempts: record.attempt,
          lastError: record.error,
          ...(outcome.kind === 'delivered' && { status: 'delivered', deliveredAt: new Date() }),
          ...(outcome.kind === 'retry' && { nextAttemptAt: outcome.nextAttemptAt }),
          ...(outcome.kind === 'failed' && { status: 'failed' }),
        },
      });
      if (count === 0) return false;
      await tx.webhookDeliveryAttempt.create({ data: { deliveryId: delivery.id, ...record } });
      if (outcome.kind === 'failed')
        await tx.webhookEndpoint.updateMany({
          where: { id: delivery.endpointId, disabledAt: null },
          data: { disabledAt: new Date(), disabledReason: outcome.disableEndpointReason },
        });
      return true;
    });
  }

  /** A pending delivery of a disabled endpoint ends without an attempt. */
  async abandon(id: string, reason: string): Promise<void> {
    await this.prisma.webhookDelivery.updateMany({
      where: { id, status: 'pending' },
      data: { status: 'failed', lastError: reason },
    });
  }

  /** Deletes up to `limit` finished deliveries created before `before`; returns how many went. */
  async deleteFinishedBefore(before: Date, limit: number): Promise<number> {
    return this.prisma.direct.execute`
      DELETE FROM "webhook_deliveries" WHERE "id" IN (
        SELECT "id" FROM "webhook_deliveries"
        WHERE "status" <> 'pending' AND "createdAt" < ${before}
        LIMIT ${limit})`;
  }
}
