import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { Queue } from 'bull';
import { Gauge } from 'prom-client';
import { UnauthorizedError } from '../common/errors';
import { sameSecret } from '../common/secrets';
import { EngineConfig } from '../config/engine-config';
import { IMAGE_GENERATION_QUEUE, WEBHOOK_DELIVERY_QUEUE } from '../queue/queue.constants';
import { withTimeout } from '../queue/with-timeout';
import { EngineMetrics, METRIC_PREFIX } from './engine-metrics';

/** The queue states sampled at each scrape. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** A scrape must answer even while Redis does not: the queue gauge is then left out of that scrape. */
const QUEUE_SAMPLE_TIMEOUT_MS = 1_000;

export interface MetricsScrape {
  contentType: string;
  body: string;
}

/**
 * GET /metrics for the API (MetricsController) and for workers (the METRICS_PORT listener): the bearer
 * METRICS_TOKEN when one is configured, then the app's registry with the queue depth sampled from Bull.
 */
@Injectable()
export class MetricsService implements OnModuleInit {
  private readonly logger = new Logger('CreativeEngineMetrics');

  constructor(
    private readonly metrics: EngineMetrics,
    private readonly config: EngineConfig,
    @InjectQueue(IMAGE_GENERATION_QUEUE) private readonly generationQueue: Queue,
    @InjectQueue(WEBHOOK_DELIVERY_QUEUE) private readonly webhookQueue: Queue,
  ) {}

  onModuleInit(): void {
    const queues = [this.generationQueue, this.webhookQueue];
    const logger = this.logger;
    new Gauge({
      name: `${METRIC_PREFIX}queue_jobs`,
      help: 'Jobs in the Bull queues (generation jobs, webhook deliveries) by state, sampled at scrape time',
      labelNames: ['queue', 'state'],
      registers: [this.metrics.registry],
      async collect() {
        try {
          const sampled = await withTimeout(
            Promise.all(queues.map((queue) => queue.getJobCounts())),
            QUEUE_SAMPLE_TIMEOUT_MS,
            'queue depth',
          );
          sampled.forEach((counts, index) => {
            for (const state of QUEUE_STATES) this.set({ queue: queues[index].name, state }, counts[state]);
          });
        } catch (error) {
          this.reset();
          logger.warn(`Queue depth not sampled: ${error instanceof Error ? error.message : String(error)}`);
        }
      },
    });
  }

  /** Throws UnauthorizedError (401) unless `authorization` carries METRICS_TOKEN, when one is set. */
  async scrape(authorization: string | undefined): Promise<MetricsScrape> {
    this.assertAuthorized(authorization);
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  private assertAuthorized(authorization: string | undefined): void {
    const expected = this.config.operations.metricsToken;
    if (expected === undefined) return;
    const presented = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1] ?? '';
    if (!sameSecret(presented, expected)) {
      throw new UnauthorizedError('Metrics require Authorization: Bearer <METRICS_TOKEN>');
    }
  }
}
