import { InjectQueue } from '@nestjs/bull';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bull';
import { EngineConfig } from '../config/engine-config';
import { EngineMetrics } from '../metrics/engine-metrics';
import { RETRY_AFTER_BACKOFF, retryDelayMs, WEBHOOK_DELIVERY_QUEUE } from '../queue/queue.constants';
import { webhookHeaders } from './webhook-signature';
import { sendWebhook } from './webhook-sender';
import { AttemptOutcome, DeliveryToSend, QueueableDelivery, WebhooksRepository } from './webhooks.repository';

export interface WebhookDeliveryPayload {
  deliveryId: string;
}

/** Deliveries the relay queues per pass, and overdue or expired ones handled per recovery pass. */
const RELAY_BATCH_SIZE = 100;
const RECOVERY_BATCH_SIZE = 500;
const DAY_MS = 24 * 60 * 60 * 1000;
/** Longest pause between two attempts, whatever the attempt number. */
const MAX_RETRY_DELAY_MS = 12 * 60 * 60 * 1000;

/** A failed attempt that is retried: Bull waits `retryAfterMs` (the pause of the delivery's attempt count). */
class RetryDelivery extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

/**
 * Where webhooks go out (docs/ARCHITECTURE.md, Webhooks), in worker processes only:
 * - the relay reads the outbox (rows the database's triggers wrote with each change) and puts new
 *   deliveries on the Bull delivery queue, the delivery id as the Bull job id;
 * - the consumer POSTs each one, signed, records the attempt, and lets Bull retry with exponential backoff
 *   until WEBHOOK_MAX_ATTEMPTS; the last failure disables the endpoint with the reason;
 * - the recovery pass re-queues pending deliveries that Redis forgot (restarted without persistence), and
 *   deletes finished deliveries past their retention.
 * The database row is the truth: a delivery already delivered is never sent again, whatever the queue holds.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('CreativeEngineWebhooks');
  private relayTimer?: NodeJS.Timeout;
  private recoveryTimer?: NodeJS.Timeout;
  private relaying = false;

  constructor(
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly queue: Queue<WebhookDeliveryPayload>,
    private readonly config: EngineConfig,
    private readonly webhooks: WebhooksRepository,
    private readonly metrics: EngineMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.worker.enabled) return;
    this.queue
      .process(this.config.worker.concurrency, (job: Job<WebhookDeliveryPayload>) => this.deliver(job.data.deliveryId))
      .catch((error: unknown) => this.logger.error(`Webhook delivery consumer stopped: ${String(error)}`));
    this.relayTimer = setInterval(() => void this.relayOnce(), this.config.webhooks.relayIntervalMs);
    this.relayTimer.unref();
    const { recoveryIntervalMs } = this.config.queue;
    if (recoveryIntervalMs > 0) {
      this.recoveryTimer = setInterval(() => {
        this.recoverOnce().catch((error: unknown) =>
          this.logger.warn(`Webhook recovery pass failed: ${String(error)}`),
        );
      }, recoveryIntervalMs);
      this.recoveryTimer.unref();
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.relayTimer);
    clearInterval(this.recoveryTimer);
    if (this.config.worker.enabled) await this.queue.pause(true).catch(() => undefined);
  }

  /** Queues what the outbox holds unqueued; one pass at a time per process. Returns how many were queued. */
  async relayOnce(): Promise<number> {
    if (this.relaying) return 0;
    this.relaying = true;
    try {
      let total = 0;
      for (;;) {
        const queued = await this.webhooks.queueNew(RELAY_BATCH_SIZE, (deliveries) => this.enqueue(deliveries));
        total += queued;
        if (queued < RELAY_BATCH_SIZE) return total;
      }
    } catch (error) {
      this.logger.warn(`Webhook relay pass failed: ${error instanceof Error ? error.message : String(error)}`);
      return 0;
    } finally {
      this.relaying = false;
    }
  }

  /**
   * Re-queues pending deliveries whose next attempt is a recovery interval overdue and that the queue no
   * longer holds, and deletes finished deliveries older than WEBHOOK_DELIVERY_RETENTION_DAYS.
   */
  async recoverOnce(): Promise<{ requeued: number; deleted: number }> {
    const overdue = await this.webhooks.findOverdue(
      new Date(Date.now() - this.config.queue.recoveryIntervalMs),
      RECOVERY_BATCH_SIZE,
    );
    const lost: QueueableDelivery[] = [];
    for (const delivery of overdue) if (!(await this.queue.getJob(delivery.id))) lost.push(delivery);
    await this.enqueue(lost);
    const deleted = await this.webhooks.deleteFinishedBefore(
      new Date(Date.now() - this.config.webhooks.deliveryRetentionDays * DAY_MS),
      RECOVERY_BATCH_SIZE,
    );
    return { requeued: lost.length, deleted };
  }

  private async enqueue(deliveries: QueueableDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    const { maxAttempts } = this.config.webhooks;
    await this.queue.addBulk(
      deliveries.map((delivery) => ({
        data: { deliveryId: delivery.id },
        opts: {
          jobId: delivery.id,
          attempts: Math.max(1, maxAttempts - delivery.attempts),
          backoff: { type: RETRY_AFTER_BACKOFF, options: this.backoff() },
          removeOnComplete: this.config.queue.keepCompleted,
          removeOnFail: this.config.queue.keepFailed,
        },
      })),
    );
  }

  private backoff() {
    return { baseMs: this.config.webhooks.retryBaseMs, maxMs: MAX_RETRY_DELAY_MS };
  }

  /** One attempt of one delivery; throws RetryDelivery when Bull should try again later. */
  async deliver(deliveryId: string): Promise<void> {
    const delivery = await this.webhooks.findToSend(deliveryId);
    if (!delivery || delivery.status !== 'pending') return;
    if (delivery.endpoint.disabledAt) {
      await this.webhooks.abandon(delivery.id, `Endpoint disabled: ${delivery.endpoint.disabledReason ?? ''}`.trim());
      return;
    }

    const attempt = delivery.attempts + 1;
    const startedAt = new Date();
    const body = JSON.stringify(delivery.payload);
    const headers = webhookHeaders(signingSecrets(delivery, startedAt), delivery.id, epochSeconds(startedAt), body);
    const result = await sendWebhook(
      { url: delivery.endpoint.url, headers, body },
      { allowedHosts: this.config.webhooks.allowedHosts, timeoutMs: this.config.webhooks.timeoutMs },
    );
    const outcome = this.outcomeOf(delivery, attempt, result);
    const recorded = await this.webhooks.recordAttempt(
      delivery,
      { attempt, startedAt, durationMs: result.durationMs, statusCode: result.statusCode, error: result.error },
      outcome,
    );
    if (!recorded) return;
    this.metrics.recordWebhookAttempt(delivery.eventType, result.refused ? 'refused' : outcome.kind);
    if (outcome.kind === 'failed')
      this.logger.warn(`Webhook endpoint ${delivery.endpoint.id} disabled: ${outcome.disableEndpointReason}`);
    if (outcome.kind === 'retry')
      throw new RetryDelivery(result.error ?? 'delivery failed', outcome.nextAttemptAt.getTime() - Date.now());
  }

  private outcomeOf(
    delivery: DeliveryToSend,
    attempt: number,
    result: { delivered: boolean; refused: boolean; error: string | null },
  ): AttemptOutcome {
    if (result.delivered) return { kind: 'delivered' };
    const { maxAttempts } = this.config.webhooks;
    if (result.refused || attempt >= maxAttempts) {
      const why = result.refused
        ? result.error
        : `${delivery.eventType} delivery ${delivery.id} failed ${attempt} attempt${attempt === 1 ? '' : 's'} since ${delivery.createdAt.toISOString()}; last: ${result.error}`;
      return { kind: 'failed', disableEndpointReason: why ?? 'delivery failed' };
    }
    return { kind: 'retry', nextAttemptAt: new Date(Date.now() + retryDelayMs(attempt, undefined, this.backoff())) };
  }
}

/** The current secret, and the previous one while its rotation grace lasts. */
function signingSecrets(delivery: DeliveryToSend, now: Date): string[] {
  const { secret, previousSecret, previousSecretExpiresAt } = delivery.endpoint;
  return previousSecret && previousSecretExpiresAt && previousSecretExpiresAt > now
    ? [secret, previousSecret]
    : [secret];
}

function epochSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}
