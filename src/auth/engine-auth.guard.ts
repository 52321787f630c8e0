import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { UnauthorizedError } from '../common/errors';
import { CREATIVE_ENGINE_OPTIONS } from '../creative-engine.module-definition';
import type { CreativeEngineModuleOptions } from '../creative-engine.module-definition';
import type { AuthenticatedRequest } from './current-user.decorator';
import { bearerTokenOf, verifyJwt } from './jwt-claims';

const USER_ID_PATTERN = /^[A-Za-z0-9._:@|+-]{1,255}$/;

/**
 * Resolves the calling user for every /api/creative route (docs/ARCHITECTURE.md §3): a host app's resolver when one
 * was given, else an HS256 JWT (the algorithm is pinned, so `alg: none` and RS/ES tokens are refused),
 * else — only with AUTH_MODE=header behind an authenticating gateway — the X-User-Id header.
 */
@Injectable()
export class EngineAuthGuard implements CanActivate {
  constructor(
    private readonly config: EngineConfig,
    @Inject(CREATIVE_ENGINE_OPTIONS) private readonly options: CreativeEngineModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const userId = await this.resolveUserId(request);
    if (typeof userId !== 'string' || !USER_ID_PATTERN.test(userId)) {
      throw new UnauthorizedError();
    }
    request.creativeEngineUser = { id: userId };
    return true;
  }

  private async resolveUserId(request: AuthenticatedRequest): Promise<string | null | undefined> {
    if (this.options.resolveUser) return this.options.resolveUser(request);
    if (this.config.auth.mode === 'header') return request.header('x-user-id');
    return this.verifyBearerToken(request.header('authorization'));
  }

  private verifyBearerToken(header: string | undefined): string {
    const token = bearerTokenOf(header);
    if (!token) throw new UnauthorizedError('Authentication required: send Authorization: Bearer <token>');
    return verifyJwt(token, this.config.auth).sub;
  }
}
