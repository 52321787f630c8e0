import { Param, ParseUUIDPipe } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { ValidationError } from './errors';

/** A UUID path parameter; anything else is a 400 naming the parameter. */
export function UuidParam(name = 'id'): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({ exceptionFactory: () => new ValidationError(`${name} must be a UUID`, [{ field: name, problems: [`${name} must be a UUID`] }]) }),
  );
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
