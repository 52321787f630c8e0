import type { JobOptions } from 'bull';
import type { EngineConfig } from '../config/engine-config';

/** Bull names used across the engine, in one place. */
export const ENGINE_BULL_CONFIG_KEY = 'creative-engine';
export const IMAGE_GENERATION_QUEUE = 'image-generation';
/** Webhook deliveries (src/webhooks): one Bull job per outbox row, its id the row's id. */
export const WEBHOOK_DELIVERY_QUEUE = 'webhook-delivery';

/**
 * The kinds of queued job, each with its Bull job name and its payload. Payloads carry ids only: the DB
 * row is the state. A new kind (audio, video, edit, upscale) is a name here, a payload type and a handler.
 */
export interface JobPayloads {
  image_generation: { jobId: string };
  image_regeneration: { jobId: string };
  image_edit: { jobId: string };
  image_upscale: { jobId: string };
  video_generation: { jobId: string };
  audio_generation: { jobId: string };
}
export type JobKind = keyof JobPayloads;

export const JOB_NAMES: Readonly<Record<JobKind, string>> = {
  image_generation: 'generate-image',
  image_regeneration: 'regenerate-image',
  image_edit: 'edit-image',
  image_upscale: 'upscale-image',
  video_generation: 'generate-video',
  audio_generation: 'generate-audio',
};
export const JOB_KINDS = Object.keys(JOB_NAMES) as JobKind[];

/** The kind a Bull job name stands for; undefined for a name this engine does not know. */
export function jobKindOf(name: string): JobKind | undefined {
  return JOB_KINDS.find((kind) => JOB_NAMES[kind] === name);
}

export const isJobKind = (type: string): type is JobKind => (JOB_KINDS as string[]).includes(type);

/** The custom backoff below, registered under this name in the queue settings. */
export const RETRY_AFTER_BACKOFF = 'exponential-or-retry-after';

/** Engine priority 0 (default) … 10 (most urgent); Bull counts the other way, 1 being the most urgent. */
export const MAX_JOB_PRIORITY = 10;

export interface RetryAfterBackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff (base, 2×base, 4×base …), but never sooner than a provider's Retry-After asked,
 * and never longer than `maxMs`.
 */
export function retryDelayMs(attemptsMade: number, error: unknown, options: RetryAfterBackoffOptions): number {
  const exponential = options.baseMs * 2 ** Math.max(0, attemptsMade - 1);
  const retryAfter = (error as { retryAfterMs?: unknown } | undefined)?.retryAfterMs;
  const requested = typeof retryAfter === 'number' && Number.isFinite(retryAfter) ? retryAfter : 0;
  return Math.min(options.maxMs, Math.max(exponential, requested));
}

/** The longest pause between two attempts to reach a lost Redis. */
export const MAX_REDIS_RECONNECT_DELAY_MS = 2_000;

/**
 * Delay before reconnection attempt `attempt` (1, 2 …) to Redis. Bull's default grows as e^attempt up to
 * 20 s, so after a few seconds of outage the queue noticed Redis was back only up to 20 s late.
 */
export function redisReconnectDelayMs(attempt: number): number {
  return Math.min(attempt * 100, MAX_REDIS_RECONNECT_DELAY_MS);
}

/** The options of the backoff strategy that every queued job names. */
export function backoffOptions(config: EngineConfig): RetryAfterBackoffOptions {
  return { baseMs: config.imageGeneration.backoffMs, maxMs: config.imageGeneration.maxBackoffMs };
}

/** Settings of every engine queue: stalled-job recovery timing and the backoff strategy. */
export function queueSettings(config: EngineConfig) {
  return {
    lockDuration: config.queue.lockDurationMs,
    lockRenewTime: Math.floor(config.queue.lockDurationMs / 2),
    stalledInterval: config.queue.stalledIntervalMs,
    maxStalledCount: config.queue.maxStalledCount,
    backoffStrategies: {
      [RETRY_AFTER_BACKOFF]: (attemptsMade: number, error: unknown, options: RetryAfterBackoffOptions) =>
        retryDelayMs(attemptsMade, error, options),
    },
  };
}

/** Options of every queued job (through JobQueue.add): attempts, backoff, priority and trimming. */
export function jobOptions(config: EngineConfig, jobId: string, priority: number): JobOptions {
  return {
    // The GenerationJob id doubles as the Bull job id, so enqueueing the same job twice is a no-op.
    jobId,
    priority: MAX_JOB_PRIORITY + 1 - priority,
    attempts: config.imageGeneration.attempts,
    backoff: { type: RETRY_AFTER_BACKOFF, options: backoffOptions(config) },
    removeOnComplete: config.queue.keepCompleted,
    removeOnFail: config.queue.keepFailed,
  };
}
