import { createParamDecorator, type ExecutionContext, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader, ApiParam } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import type { Request } from 'express';
import { ValidationError } from './errors';

/** Applies a Swagger method decorator from a parameter decorator, so a parameter documents itself. */
function documentOperation(decorator: MethodDecorator, target: object, method: string | symbol | undefined): void {
  if (method === undefined) return;
  decorator(target, method, Object.getOwnPropertyDescriptor(target, method)!);
}

/** A UUID path parameter; anything else is a 400 naming the parameter. */
export function UuidParam(name = 'id'): ParameterDecorator {
  const pipe = new ParseUUIDPipe({
    exceptionFactory: () => new ValidationError(`${name} must be a UUID`, [{ field: name, problems: [`${name} must be a UUID`] }]),
  });
  return (target, method, index) => {
    Param(name, pipe)(target, method, index);
    documentOperation(ApiParam({ name, type: String, format: 'uuid' }), target, method);
  };
}

/** 1–255 visible ASCII characters (the characters of a token or a UUID). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const readIdempotencyKey = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined => context.switchToHttp().getRequest<Request>().header('idempotency-key'),
);

/** The optional `Idempotency-Key` request header, read and documented once for every generation route. */
export function IdempotencyKey(): ParameterDecorator {
  const header = ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeating a request with the same key and body returns the job of the first one; the same key with another body is a 422',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY_PATTERN.source },
  });
  return (target, method, index) => {
    readIdempotencyKey()(target, method, index);
    documentOperation(header, target, method);
  };
}

/** Query-string booleans: "true"/"false"/"1"/"0"; anything else is left for @IsBoolean to refuse. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }) => {
    if (typeof value !== 'string') return value;
    const normalized = value.trim().toLowerCase();
    if (normalized === 'true' || normalized === '1') return true;
    if (normalized === 'false' || normalized === '0') return false;
    return value;
  });
}

/** "a, b,c" (or a repeated query param) → ["a", "b", "c"], empty items dropped. */
export function ToStringList(): PropertyDecorator {
  return Transform(({ value }) => {
    const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : value;
    return Array.isArray(items)
      ? items.map((item) => (typeof item === 'string' ? item.trim() : item)).filter((item) => item !== '')
      : items;
  });
}

/** Trims string input so "  " counts as empty for @IsNotEmpty / @Length. */
export function Trim(): PropertyDecorator {
  return Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
}
