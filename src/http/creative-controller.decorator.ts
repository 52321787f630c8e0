import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EngineAuthGuard } from '../auth/engine-auth.guard';
import { EngineRateLimitGuard } from '../limits/rate-limit.guard';
import { API_BASE_PATH } from '../common/api-path';
import { ApiErrorResponse } from '../common/error-response.dto';
import { EngineExceptionFilter } from '../common/exception.filter';
import { createValidationPipe } from '../common/validation.pipe';

/** The contract's base path, validation and error shape, scoped to the engine's own routes. */
function EngineRoutes(tag: string): ClassDecorator {
  return applyDecorators(
    Controller(API_BASE_PATH),
    ApiTags(tag),
    UsePipes(createValidationPipe()),
    UseFilters(EngineExceptionFilter),
    ApiErrorResponse(
      400,
      'VALIDATION_FAILED: every problem of the request, per field, in `details`',
      'VALIDATION_FAILED',
      'Invalid request: priority must not be greater than 10',
      [{ field: 'priority', problems: ['priority must not be greater than 10'] }],
    ),
    ApiErrorResponse(
      500,
      'INTERNAL_ERROR: an unexpected failure, logged with the errorId of the body',
      'INTERNAL_ERROR',
    ),
    ApiErrorResponse(
      503,
      'SERVICE_UNAVAILABLE: the database or the queue is unreachable; retry shortly',
      'SERVICE_UNAVAILABLE',
    ),
  );
}

/**
 * Every engine controller: the contract's base path, auth, per-user rate limits, validation and error shape
 * scoped to the engine's own routes, so a host app's global pipes, guards and filters are left alone.
 */
export function CreativeController(tag: string): ClassDecorator {
  return applyDecorators(
    EngineRoutes(tag),
    ApiBearerAuth(),
    // In this order: the rate limit counts per authenticated user.
    UseGuards(EngineAuthGuard, EngineRateLimitGuard),
    ApiErrorResponse(
      401,
      'UNAUTHORIZED: missing or invalid credentials',
      'UNAUTHORIZED',
      'Authentication required: send a valid bearer token',
    ),
    ApiErrorResponse(
      429,
      'RATE_LIMITED: too many requests or too many active jobs; retry after Retry-After seconds',
      'RATE_LIMITED',
    ),
  );
}

/** Routes whose request carries its own proof (a signed link) instead of a user: no bearer token, no user. */
export function SignedLinkController(tag: string): ClassDecorator {
  return EngineRoutes(tag);
}
