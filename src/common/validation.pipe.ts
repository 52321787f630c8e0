import { ArgumentMetadata, ValidationError as ClassValidatorError, ValidationPipe } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger';
import { type FieldProblem, ValidationError } from './errors';

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

/**
 * Fields holding null where the DTO does not declare them `nullable`. class-validator's @IsOptional lets null
 * through like undefined; the document promises null only where it says so, and this keeps the promise.
 */
export function unexpectedNulls(metatype: unknown, value: unknown, path = ''): string[] {
  if (typeof metatype !== 'function' || typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, entry]) => {
    const property = Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES, metatype.prototype as object, key) as
      { nullable?: boolean; type?: unknown } | undefined;
    const field = path ? `${path}.${key}` : key;
    if (!property) return [];
    if (entry === null) return property.nullable ? [] : [field];
    const nested = Array.isArray(entry) ? entry : [entry];
    return nested.flatMap((item, index) =>
      unexpectedNulls(property.type, item, Array.isArray(entry) ? `${field}.${index}` : field),
    );
  });
}

function problemsOf(error: unknown): FieldProblem[] {
  if (error instanceof ValidationError) return [...(error.details ?? [])];
  throw error;
}

/**
 * Refuses NUL characters in bodies, query strings and path parameters, and nulls where none is declared,
 * reported together with the DTO's own problems.
 */
class EngineValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'custom') return super.transform(value, metadata);
    const nulCharacters = fieldsWithNulCharacter(value);
    if (nulCharacters.length > 0) {
      throw new ValidationError(
        `Invalid request: ${nulCharacters.slice(0, 10).join(', ')} must not contain the NUL character (\\u0000)`,
        nulCharacters.map((field) => ({ field, problems: ['must not contain the NUL character (\\u0000)'] })),
      );
    }
    // Only a JSON body can hold null; query strings and path parameters are text.
    const nullFields = metadata.type === 'body' ? unexpectedNulls(metadata.metatype, value) : [];
    if (nullFields.length === 0) return super.transform(value, metadata);
    const nulls = nullFields.map((field) => ({ field, problems: [`${field} cannot be null`] }));
    const others = await super.transform(value, metadata).then(() => [], problemsOf);
    const message = others.length
      ? `Invalid request: ${[...nulls, ...others].flatMap((problem) => problem.problems).join('; ')}`
      : `These fields cannot be null: ${nullFields.join(', ')}`;
    throw new ValidationError(message.slice(0, 1000), [...nulls, ...others]);
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
