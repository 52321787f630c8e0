import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

export interface AuthUser {
  id: string;
}

export interface AuthenticatedRequest extends Request {
  creativeEngineUser?: AuthUser;
}

/** The user EngineAuthGuard resolved for this request. */
export const CurrentUser = createParamDecorator((_data: unknown, context: ExecutionContext): AuthUser => {
  const user = context.switchToHttp().getRequest<AuthenticatedRequest>().creativeEngineUser;
  if (!user) throw new Error('CurrentUser used on a route without EngineAuthGuard');
  return user;
});
