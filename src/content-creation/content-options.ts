import { ValidationError } from '../common/errors';
import { definedOnly } from '../common/objects';
import { CONTENT_LENGTH_NAMES, CONTENT_TYPES, ContentLength, ContentType } from './content-prompts';
import { CONTENT_LIMITS } from './dto/content-request.dto';
import type { WritingOptionsDto } from './dto/content-request.dto';
import { truncate } from '../common/text';

const TITLE_LENGTH = 80;

/**
 * The content type a request asks for: `type`, or `contentType` (its older name, still accepted); both
 * with different values is a 400, as is a type that does not exist (host apps skip the DTO's checks).
 */
export function requestedContentType(input: {
  type?: ContentType;
  contentType?: ContentType;
}): ContentType | undefined {
  const { type, contentType } = input;
  if (type !== undefined && contentType !== undefined && type !== contentType) {
    throw new ValidationError(
      `type (${type}) and contentType (${contentType}) disagree: send only type (contentType is its older name)`,
      [{ field: 'type', problems: ['type and contentType must be equal when both are sent'] }],
    );
  }
  const requested = type ?? contentType;
  if (requested !== undefined && !CONTENT_TYPES.includes(requested)) {
    throw new ValidationError(`type must be one of: ${CONTENT_TYPES.join(', ')}`, [
      { field: 'type', problems: [`type must be one of: ${CONTENT_TYPES.join(', ')}`] },
    ]);
  }
  return requested;
}

/** The first line-ish of a text, shortened with an ellipsis to fit an asset title. */
export function titleFrom(text: string): string {
  return truncate(text, TITLE_LENGTH);
}

/**
 * Writing options a text template stores in `parameters` (e.g. the defaults' contentType and length).
 * Only known keys with valid values are used, so a hand-edited template never breaks a request.
 */
export function templateWritingDefaults(parameters: unknown): Partial<WritingOptionsDto> {
  if (typeof parameters !== 'object' || parameters === null) return {};
  const { contentType, length, tone, audience, language, temperature } = parameters as Record<string, unknown>;
  const text = (value: unknown, max: number) =>
    typeof value === 'string' && value.trim() && value.length <= max ? value.trim() : undefined;
  return definedOnly({
    contentType: CONTENT_TYPES.includes(contentType as ContentType) ? (contentType as ContentType) : undefined,
    length: CONTENT_LENGTH_NAMES.includes(length as ContentLength) ? (length as ContentLength) : undefined,
    tone: text(tone, CONTENT_LIMITS.toneLength),
    audience: text(audience, CONTENT_LIMITS.audienceLength),
    language: text(language, CONTENT_LIMITS.languageLength),
    temperature: typeof temperature === 'number' && temperature >= 0 && temperature <= 2 ? temperature : undefined,
  });
}
