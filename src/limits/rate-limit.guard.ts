import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '../auth/current-user.decorator';
import { RateLimitedError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { type RateLimitCounter, RateLimitStore } from './rate-limit.store';
import { EngineMetrics, type LimitRejection } from '../metrics/engine-metrics';

const WINDOW_MS = 60_000;
const GENERATION_ROUTE = 'creativeEngine:generationRoute';

/**
 * Marks a route that starts paid work (a provider call or an image job): besides the per-user limit of
 * every route it counts against RATE_LIMIT_GENERATE_PER_MINUTE.
 */
export const GenerationRoute = (): MethodDecorator => SetMetadata(GENERATION_ROUTE, true);

/**
 * Per-user request limits of the engine's routes (applied by @CreativeController after authentication,
 * so it never touches a host app's routes). Over the limit: 429 RATE_LIMITED with Retry-After.
 */
@Injectable()
export class EngineRateLimitGuard implements CanActivate {
  constructor(
    private readonly store: RateLimitStore,
    private readonly config: EngineConfig,
    private readonly reflector: Reflector,
    private readonly metrics: EngineMetrics,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const user = context.switchToHttp().getRequest<AuthenticatedRequest>().creativeEngineUser;
    if (!user) return true; // the auth guard runs first and refuses anonymous calls
    const { requestsPerMinute, generateRequestsPerMinute } = this.config.limits;
    const limits: CountedLimit[] = [
      { key: `all:${user.id}`, limit: requestsPerMinute, batched: true, what: 'requests', rejection: 'requests' },
    ];
    if (this.reflector.get<boolean>(GENERATION_ROUTE, context.getHandler())) {
      limits.push({
        key: `generate:${user.id}`,
        limit: generateRequestsPerMinute,
        what: 'generation requests',
        rejection: 'generation_requests',
      });
    }
    await this.enforce(limits.filter((counted) => counted.limit > 0));
    return true;
  }

  /**
   * Every limit of the request counted together, in one round trip or, for a route whose only limit is the per-user
   * one while the user is far below it, in this process's next batch; the first one past its limit refuses it.
   */
  private async enforce(limits: readonly CountedLimit[]): Promise<void> {
    const hits = await this.store.hit(limits, WINDOW_MS);
    const refusedAt = hits?.findIndex((hit, index) => hit.hits > limits[index].limit) ?? -1;
    if (!hits || refusedAt < 0) return;
    const { limit, what, rejection } = limits[refusedAt];
    this.metrics.limitRejected(rejection);
    const retryAfterSeconds = Math.max(1, Math.ceil(hits[refusedAt].resetInMs / 1000));
    throw new RateLimitedError(
      `Rate limit reached: at most ${limit} ${what} per minute per user; retry in ${retryAfterSeconds} s`,
      retryAfterSeconds,
    );
  }
}

/** A limit a request counts against: its counter, and what its 429 names and counts. */
interface CountedLimit extends RateLimitCounter {
  what: string;
  rejection: LimitRejection;
}
