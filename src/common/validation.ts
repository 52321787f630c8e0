import { createParamDecorator, type ExecutionContext, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader, ApiParam } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ValidateBy } from 'class-validator';
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
    exceptionFactory: () =>
      new ValidationError(`${name} must be a UUID`, [{ field: name, problems: [`${name} must be a UUID`] }]),
  });
  return (target, method, index) => {
    Param(name, pipe)(target, method, index);
    documentOperation(ApiParam({ name, type: String, format: 'uuid' }), target, method);
  };
}

/** A path parameter that must be one of `values`: a 400 naming them otherwise. */
export function EnumParam(name: string, values: readonly string[]): ParameterDecorator {
  const pipe = {
    transform: (value: string) => {
      if (values.includes(value)) return value;
      const problem = `${name} must be one of ${values.join(', ')}`;
      throw new ValidationError(problem, [{ field: name, problems: [problem] }]);
    },
  };
  return (target, method, index) => {
    Param(name, pipe)(target, method, index);
    documentOperation(ApiParam({ name, enum: [...values] }), target, method);
  };
}

/** A UUID of any version as text, unanchored, lowercase hex: for patterns that embed one (storage keys). */
export const UUID_SOURCE = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** A whole string that is a UUID, in either case. */
export const UUID_PATTERN = new RegExp(`^${UUID_SOURCE}$`, 'i');

/** 1–255 visible ASCII characters (the characters of a token or a UUID). */
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

const readIdempotencyKey = createParamDecorator((_data: unknown, context: ExecutionContext): string | undefined =>
  context.switchToHttp().getRequest<Request>().header('idempotency-key'),
);

/** The optional `Idempotency-Key` request header, read and documented once for every generation route. */
export function IdempotencyKey(): ParameterDecorator {
  const header = ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Repeating a request with the same key and body returns the job of the first one; the same key with another body is a 422',
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

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2})))?$/i;

/**
 * Whether `value` is an ISO 8601 calendar date or date-time (RFC 3339) that exists: every year from 0000 on,
 * which validator.js's check refuses below year 100 (its Date arithmetic maps 0–99 to 1900–1999).
 */
export function isIsoDateTime(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_DATE_TIME.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map((part) => Number(part ?? 0));
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours < 24 &&
    offsetMinutes < 60
  );
}

/** An ISO 8601 date or date-time (see isIsoDateTime); documented as `format: date-time`. */
export function IsIsoDateTime(message: string): PropertyDecorator {
  return ValidateBy({ name: 'isIsoDateTime', validator: { validate: isIsoDateTime, defaultMessage: () => message } });
}
