import { CanActivate, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AuthenticatedRequest } from '../auth/current-user.decorator';
import { RateLimitedError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { RateLimitStore } from './rate-limit.store';
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
    await this.enforce(`all:${user.id}`, requestsPerMinute, 'requests', 'requests');
    if (this.reflector.get<boolean>(GENERATION_ROUTE, context.getHandler())) {
      await this.enforce(
        `generate:${user.id}`,
        generateRequestsPerMinute,
        'generation requests',
        'generation_requests',
      );
    }
    return true;
  }

  private async enforce(key: string, limit: number, what: string, rejection: LimitRejection): Promise<void> {
    if (limit <= 0) return;
    const hit = await this.store.hit(key, WINDOW_MS);
    if (hit && hit.hits > limit) {
      this.metrics.limitRejected(rejection);
      const retryAfterSeconds = Math.max(1, Math.ceil(hit.resetInMs / 1000));
      throw new RateLimitedError(
        `Rate limit reached: at most ${limit} ${what} per minute per user; retry in ${retryAfterSeconds} s`,
        retryAfterSeconds,
      );
    }
  }
}
