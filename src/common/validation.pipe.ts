import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { ValidationError } from './errors';

export interface FieldProblem {
  field: string;
  problems: string[];
}

function flatten(errors: ClassValidatorError[], parent = ''): FieldProblem[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const MAX_SCAN_DEPTH = 20;

/**
 * Paths of the strings (values or keys) holding U+0000 anywhere in `value`. PostgreSQL can store that
 * character neither in text nor in jsonb, so such input would fail only at the INSERT, as a 500.
 */
export function fieldsWithNulCharacter(value: unknown, path = '', depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path || '(value)'] : [];
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value) || depth > MAX_SCAN_DEPTH) return [];
  return Object.entries(value).flatMap(([key, entry]) => {
    const field = path ? `${path}.${key}` : key;
    return [...(key.includes('\u0000') ? [field] : []), ...fieldsWithNulCharacter(entry, field, depth + 1)];
  });
}

/** Refuses NUL characters in bodies, query strings and path parameters before the DTO checks. */
class EngineValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const fields = fieldsWithNulCharacter(value);
      if (fields.length > 0) {
        throw new ValidationError(
          `Invalid request: ${fields.slice(0, 10).join(', ')} must not contain the NUL character (\\u0000)`,
          fields.map((field) => ({ field, problems: ['must not contain the NUL character (\\u0000)'] })),
        );
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * The engine's request validation: unknown fields and NUL characters are refused, every problem is reported
 * in `details`.
 */
export function createValidationPipe(): ValidationPipe {
  return new EngineValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const summary = details.flatMap((detail) => detail.problems).join('; ');
      return new ValidationError(`Invalid request: ${summary}`.slice(0, 1000), details);
    },
  });
}
