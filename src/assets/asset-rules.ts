import { ValidationError } from '../common/errors';

/** Bounds shared by saveAsset and the request DTOs, so both refuse the same input. */
export const ASSET_LIMITS = {
  titleLength: 300,
  descriptionLength: 5_000,
  promptLength: 10_000,
  labelLength: 100,
  modelLength: 200,
  contentLength: 200_000,
  jsonBytes: 64 * 1024,
  tagLength: 64,
  tagsPerAsset: 50,
  maxCost: 999_999,
} as const;

/**
 * The tag rule: trimmed, lowercased, deduplicated (first occurrence kept), each 1–64 characters, at most
 * 50 per asset. Throws a ValidationError naming every offending tag.
 */
export function normalizeTags(tags: readonly string[], field = 'tags'): string[] {
  const problems: string[] = [];
  const normalized: string[] = [];
  for (const raw of tags) {
    const tag = String(raw).trim().toLowerCase();
    if (tag.length === 0 || tag.length > ASSET_LIMITS.tagLength) {
      problems.push(
        `tag ${JSON.stringify(String(raw).slice(0, 80))} must be 1-${ASSET_LIMITS.tagLength} characters after trimming`,
      );
    } else if (!normalized.includes(tag)) {
      normalized.push(tag);
    }
  }
  if (normalized.length > ASSET_LIMITS.tagsPerAsset) {
    problems.push(`an asset has at most ${ASSET_LIMITS.tagsPerAsset} tags (got ${normalized.length} distinct)`);
  }
  if (problems.length > 0) throw new ValidationError(`Invalid ${field}: ${problems.join('; ')}`, [{ field, problems }]);
  return normalized;
}

/** Merges added tags into existing ones under the same rule (the 50-tag cap applies to the result). */
export function mergeTags(existing: readonly string[], added: readonly string[]): string[] {
  return normalizeTags([...existing, ...normalizeTags(added)]);
}

/** JSON objects (metadata, parameters) must be plain objects of bounded size. */
export function assertJsonObject(value: unknown, field: string): void {
  const isPlainObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isPlainObject)
    throw new ValidationError(`${field} must be a JSON object`, [{ field, problems: ['must be a JSON object'] }]);
  let size: number;
  try {
    size = Buffer.byteLength(JSON.stringify(value));
  } catch {
    throw new ValidationError(`${field} must be serializable as JSON`, [
      { field, problems: ['must be serializable as JSON'] },
    ]);
  }
  if (size > ASSET_LIMITS.jsonBytes) {
    throw new ValidationError(`${field} is ${size} bytes as JSON; the limit is ${ASSET_LIMITS.jsonBytes}`, [
      { field, problems: [`at most ${ASSET_LIMITS.jsonBytes} bytes as JSON`] },
    ]);
  }
}
