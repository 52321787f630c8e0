import { AssetStatsService } from '../assets/asset-stats.service';
import { Injectable } from '@nestjs/common';
import { PaymentRequiredError, RateLimitedError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { GenerationJobsRepository, JobsTransaction } from '../jobs/generation-jobs.repository';
import { EngineMetrics } from '../metrics/engine-metrics';
import { LimitsResponseDto } from './dto/limits-response.dto';

/** Retry-After bounds of the active-job cap (seconds): the default applies when no active job has an estimate. */
export const ACTIVE_JOBS_RETRY_AFTER = { defaultSeconds: 5, minSeconds: 1, maxSeconds: 60 } as const;

/**
 * When a slot is expected to free up: the soonest expected end among the active jobs (started, or
 * created while queued, plus estimatedTime), in whole seconds within ACTIVE_JOBS_RETRY_AFTER.
 */
export function activeJobsRetryAfterSeconds(
  jobs: readonly { createdAt: Date; startedAt: Date | null; estimatedTime: number | null }[],
  now = new Date(),
): number {
  const ends = jobs
    .filter((job) => job.estimatedTime !== null)
    .map((job) => (job.startedAt ?? job.createdAt).getTime() + (job.estimatedTime as number));
  if (ends.length === 0) return ACTIVE_JOBS_RETRY_AFTER.defaultSeconds;
  const seconds = Math.ceil((Math.min(...ends) - now.getTime()) / 1000);
  return Math.min(ACTIVE_JOBS_RETRY_AFTER.maxSeconds, Math.max(ACTIVE_JOBS_RETRY_AFTER.minSeconds, seconds));
}

/** Midnight UTC of `now`'s day: budgets are per UTC day. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/**
 * Per-user caps on work that costs money: active jobs (USER_MAX_ACTIVE_JOBS) and spend per UTC day
 * (USER_DAILY_BUDGET_USD). Enforced by the services, so host apps calling them directly get the same caps.
 */
@Injectable()
export class UserLimitsService {
  constructor(
    private readonly assetStats: AssetStatsService,
    private readonly jobs: GenerationJobsRepository,
    private readonly config: EngineConfig,
    private readonly metrics: EngineMetrics,
  ) {}

  /**
   * What must run inside the transaction that creates the user's job: the check that refuses it when the
   * user already has the maximum queued or processing (the per-user advisory lock makes concurrent requests
   * count one by one). None when there is no cap, so the job is a single INSERT.
   */
  activeJobGuard(userId: string): ((tx: JobsTransaction) => Promise<void>) | undefined {
    const max = this.config.limits.maxActiveJobs;
    if (max <= 0) return undefined;
    return async (tx) => {
      const active = await this.jobs.lockAndListActive(userId, tx);
      if (active.length >= max) {
        this.metrics.limitRejected('active_jobs');
        throw new RateLimitedError(
          `You have ${active.length} jobs queued or processing, the most allowed at once (USER_MAX_ACTIVE_JOBS=${max}); wait for one to finish or cancel one`,
          activeJobsRetryAfterSeconds(active),
        );
      }
    };
  }

  /** Refuses new paid work (402) once today's spend has reached the daily budget. */
  async assertWithinDailyBudget(userId: string, now = new Date()): Promise<void> {
    const budget = this.config.limits.dailyBudgetUsd;
    if (budget === undefined) return;
    const spent = await this.spentToday(userId, now);
    if (spent >= budget) {
      this.metrics.limitRejected('daily_budget');
      throw new PaymentRequiredError(
        `Daily budget reached: $${spent.toFixed(4)} spent today of $${budget} (USER_DAILY_BUDGET_USD); new generations are refused until 00:00 UTC`,
      );
    }
  }

  /** The caps that apply to the user, with today's spend against the budget (GET /limits). */
  async limitsOf(userId: string, now = new Date()): Promise<LimitsResponseDto> {
    return {
      dailyBudgetUsd: this.config.limits.dailyBudgetUsd ?? null,
      spentTodayUsd: await this.spentToday(userId, now),
      maxActiveJobs: this.config.limits.maxActiveJobs,
    };
  }

  /** Cost (USD) of the user's jobs and of assets made outside jobs (text content, saveAsset) since midnight UTC. */
  async spentToday(userId: string, now = new Date()): Promise<number> {
    const since = startOfUtcDay(now);
    const [jobs, assets] = await Promise.all([
      this.jobs.costSince(userId, since),
      this.assetStats.costOutsideJobsSince(userId, since),
    ]);
    return jobs + assets;
  }
}
