import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth, ApiResponse, ApiTags } from '@nestjs/swagger';
import { EngineAuthGuard } from '../auth/engine-auth.guard';
import { EngineRateLimitGuard } from '../limits/rate-limit.guard';
import { ErrorResponseDto } from './error-response.dto';
import { EngineExceptionFilter } from './exception.filter';
import { createValidationPipe } from './validation.pipe';

export const API_BASE_PATH = 'api/creative';

/**
 * Every engine controller: the contract's base path, auth, per-user rate limits, validation and error shape
 * scoped to the engine's own routes, so a host app's global pipes, guards and filters are left alone.
 */
export function CreativeController(tag: string): ClassDecorator {
  return applyDecorators(
    Controller(API_BASE_PATH),
    ApiTags(tag),
    ApiBearerAuth(),
    // In this order: the rate limit counts per authenticated user.
    UseGuards(EngineAuthGuard, EngineRateLimitGuard),
    UsePipes(createValidationPipe()),
    UseFilters(EngineExceptionFilter),
    ApiResponse({ status: 400, description: 'Invalid input', type: ErrorResponseDto }),
    ApiResponse({ status: 401, description: 'Missing or invalid credentials', type: ErrorResponseDto }),
    ApiResponse({ status: 429, description: 'RATE_LIMITED: too many requests (Retry-After) or too many active jobs', type: ErrorResponseDto }),
  );
}
