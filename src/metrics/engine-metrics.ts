import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { EngineConfig } from '../config/engine-config';
import type { GenerationJob } from '../generated/prisma/client';
import { providerErrorKind } from './provider-error-kind';

/** Every series name starts with it (docs/ARCHITECTURE.md §9). */
export const METRIC_PREFIX = 'creative_engine_';

/** The label of a model the catalogue does not know (text models, operators' own names), so labels stay bounded. */
export const OTHER_MODEL = 'other';

/** What a request was refused for by the engine's limits (docs/ARCHITECTURE.md §3). */
export type LimitRejection = 'requests' | 'generation_requests' | 'active_jobs' | 'daily_budget';

/** How GET /assets/stats (or getStats) got its answer: see RememberedStats. */
export type StatsAnswerSource = 'remembered' | 'added_up' | 'shared';

/** The capability a provider call served: the label of its duration. */
export type ProviderOperation =
  'image' | 'image_edit' | 'image_upscale' | 'audio' | 'video_create' | 'video_poll' | 'text';

const SECONDS_BUCKETS = {
  http: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  provider: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120],
  job: [0.1, 0.5, 1, 2.5, 5, 10, 20, 40, 60, 120, 300, 600, 1800],
};

/**
 * The engine's Prometheus series, in a Registry of this app's own: several apps in one process (tests, a
 * host with its own prom-client default registry) never share or clash over a series. Labels are bounded:
 * job kinds, provider names from the configuration, catalogue model ids (else "other"), route templates and
 * status codes; never a user id or a raw path.
 */
@Injectable()
export class EngineMetrics implements OnModuleInit {
  readonly registry = new Registry();
  private readonly catalogueModels: ReadonlySet<string>;

  private readonly httpDuration = new Histogram({
    name: `${METRIC_PREFIX}http_request_duration_seconds`,
    help: 'HTTP requests by method, route template and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: SECONDS_BUCKETS.http,
    registers: [this.registry],
  });
  private readonly jobsCreated = this.jobCounter('created', 'Jobs queued');
  private readonly jobsCompleted = this.jobCounter('completed', 'Jobs completed');
  private readonly jobsFailed = this.jobCounter('failed', 'Jobs failed for good (after their last attempt)');
  private readonly jobsCancelled = this.jobCounter('cancelled', 'Jobs cancelled by their user');
  private readonly jobDuration = new Histogram({
    name: `${METRIC_PREFIX}job_duration_seconds`,
    help: 'Time from the first claim of a job to its completion, by kind, provider and model',
    labelNames: ['kind', 'provider', 'model'],
    buckets: SECONDS_BUCKETS.job,
    registers: [this.registry],
  });
  private readonly providerDuration = new Histogram({
    name: `${METRIC_PREFIX}provider_request_duration_seconds`,
    help: 'Calls to AI providers, failed ones included, by provider and operation',
    labelNames: ['provider', 'operation'],
    buckets: SECONDS_BUCKETS.provider,
    registers: [this.registry],
  });
  private readonly providerErrors = new Counter({
    name: `${METRIC_PREFIX}provider_errors_total`,
    help: 'Failed calls to AI providers by provider and error kind',
    labelNames: ['provider', 'error_kind'],
    registers: [this.registry],
  });
  private readonly cost = new Counter({
    name: `${METRIC_PREFIX}cost_usd_total`,
    help: 'Spend in USD of completed jobs and text generations, by provider and model',
    labelNames: ['provider', 'model'],
    registers: [this.registry],
  });
  private readonly rejections = new Counter({
    name: `${METRIC_PREFIX}limit_rejections_total`,
    help: 'Requests refused by a rate limit (429) or a budget (402), by limit',
    labelNames: ['limit'],
    registers: [this.registry],
  });

  private readonly statsAnswers = new Counter({
    name: `${METRIC_PREFIX}stats_answers_total`,
    help: 'Stats answers by source: remembered at the current revision, added up from the rollups, or shared with a request adding up the same',
    labelNames: ['source'],
    registers: [this.registry],
  });
  private readonly webhookAttempts = new Counter({
    name: `${METRIC_PREFIX}webhook_attempts_total`,
    help: 'Webhook delivery attempts by event and outcome (delivered, retry, failed for good, refused target)',
    labelNames: ['event', 'outcome'],
    registers: [this.registry],
  });

  constructor(config: EngineConfig) {
    this.catalogueModels = new Set(config.modelCatalogue.map((entry) => entry.id));
  }

  /** Node's own series (memory, CPU, event loop, GC), read at each scrape. */
  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** The model as a label: a catalogue id, else "other". */
  modelLabel(model: string | null | undefined): string {
    return model && this.catalogueModels.has(model) ? model : OTHER_MODEL;
  }

  observeHttpRequest(method: string, route: string, statusCode: number, seconds: number): void {
    this.httpDuration.observe({ method, route, status_code: String(statusCode) }, seconds);
  }

  jobCreated(kind: string): void {
    this.jobsCreated.inc({ kind });
  }

  jobCancelled(kind: string): void {
    this.jobsCancelled.inc({ kind });
  }

  jobFailed(kind: string): void {
    this.jobsFailed.inc({ kind });
  }

  /** A completed job: its count, its time from start to completion and its cost. */
  jobCompleted(job: Pick<GenerationJob, 'type' | 'provider' | 'model' | 'actualTime' | 'cost'>): void {
    const provider = job.provider ?? 'unknown';
    this.jobsCompleted.inc({ kind: job.type });
    if (job.actualTime !== null) {
      this.jobDuration.observe({ kind: job.type, provider, model: this.modelLabel(job.model) }, job.actualTime / 1000);
    }
    this.addCost(provider, job.model, job.cost === null ? null : Number(job.cost));
  }

  addCost(provider: string, model: string | null | undefined, usd: number | null): void {
    if (usd !== null && usd > 0) this.cost.inc({ provider, model: this.modelLabel(model) }, usd);
  }

  recordWebhookAttempt(event: string, outcome: 'delivered' | 'retry' | 'failed' | 'refused'): void {
    this.webhookAttempts.inc({ event, outcome });
  }

  statsAnswered(source: StatsAnswerSource): void {
    this.statsAnswers.inc({ source });
  }

  limitRejected(limit: LimitRejection): void {
    this.rejections.inc({ limit });
  }

  /** Times one provider call and counts its failure by kind; the call's result or error passes through. */
  async timeProviderCall<T>(provider: string, operation: ProviderOperation, call: () => Promise<T>): Promise<T> {
    const stop = this.providerDuration.startTimer({ provider, operation });
    try {
      return await call();
    } catch (error) {
      this.providerErrors.inc({ provider, error_kind: providerErrorKind(error) });
      throw error;
    } finally {
      stop();
    }
  }

  private jobCounter(event: string, help: string): Counter<'kind'> {
    return new Counter({
      name: `${METRIC_PREFIX}jobs_${event}_total`,
      help: `${help}, by kind`,
      labelNames: ['kind'],
      registers: [this.registry],
    });
  }
}
