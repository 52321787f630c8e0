import { ValidationError } from '../common/errors';
import { UUID_PATTERN } from '../common/validation';
import { fieldsWithNulCharacter } from '../common/validation.pipe';
import type { FieldProblem } from '../common/errors';
import { AssetType, Prisma } from '../generated/prisma/client';
import { ASSET_LIMITS, assertJsonObject, normalizeTags } from './asset-rules';

/** What a module of the engine or of a host app hands to AssetsService.saveAsset (docs/ARCHITECTURE.md §6). */
export interface SaveAssetInput {
  type: AssetType | `${AssetType}`;
  /** Which module produced it: image_generation, content_creation or a host module's name. */
  sourceModule: string;
  title: string;
  /** The file for image, video and audio assets. Images' format, size and dimensions are read from it. */
  bytes?: Buffer;
  /** The body of a text asset. */
  content?: string;
  /** Required with video/audio bytes (images are identified from their bytes). */
  mimeType?: string;
  description?: string;
  prompt?: string;
  negativePrompt?: string;
  tags?: string[];
  category?: string;
  provider?: string;
  model?: string;
  /** USD. */
  cost?: number;
  generationTimeMs?: number;
  /** Seconds, for video and audio. */
  duration?: number;
  metadata?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  /** Diffusion seeds exceed 2^53: pass a bigint or a decimal string for large ones. */
  seed?: number | bigint | string;
  steps?: number;
  guidance?: number;
  sampler?: string;
  generationId?: string;
  parentAssetId?: string;
  isPublic?: boolean;
}

/** Video and audio types the library stores and serves, with the extension they are stored under. */
export const MEDIA_MIME_TYPES: Record<string, { type: 'video' | 'audio'; extension: string }> = {
  'video/mp4': { type: 'video', extension: 'mp4' },
  'video/webm': { type: 'video', extension: 'webm' },
  'video/quicktime': { type: 'video', extension: 'mov' },
  'audio/mpeg': { type: 'audio', extension: 'mp3' },
  'audio/wav': { type: 'audio', extension: 'wav' },
  'audio/ogg': { type: 'audio', extension: 'ogg' },
  'audio/webm': { type: 'audio', extension: 'weba' },
  'audio/aac': { type: 'audio', extension: 'aac' },
  'audio/flac': { type: 'audio', extension: 'flac' },
};

/** Row columns saveAsset derives from the input alone (files, ids and the owner are added later). */
export type AssetFieldsFromInput = Omit<
  Prisma.CreativeAssetUncheckedCreateInput,
  'id' | 'userId' | 'url' | 'thumbnailUrl' | 'storageKey' | 'thumbnailKey' | 'width' | 'height' | 'format' | 'fileSize'
>;

const SOURCE_MODULE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Checks a SaveAssetInput (host apps call saveAsset directly, without the HTTP ValidationPipe) and turns it
 * into row columns. Every problem is reported at once in the ValidationError's details.
 */
export function normalizeSaveAssetInput(input: SaveAssetInput): AssetFieldsFromInput {
  const problems: FieldProblem[] = [];
  const problem = (field: string, message: string) => problems.push({ field, problems: [message] });
  const text = (field: keyof SaveAssetInput, max: number, required = false): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null) {
      if (required) problem(field, `${field} is required`);
      return undefined;
    }
    if (typeof value !== 'string') return void problem(field, `${field} must be a string`);
    const trimmed = value.trim();
    if (required && trimmed.length === 0) problem(field, `${field} must not be empty`);
    if (trimmed.length > max) problem(field, `${field} must be at most ${max} characters`);
    return trimmed.length === 0 ? undefined : trimmed;
  };
  const number = (field: keyof SaveAssetInput, min: number, max: number, integer: boolean): number | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      return void problem(field, `${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
    }
    return value;
  };
  const uuid = (field: 'generationId' | 'parentAssetId'): string | undefined => {
    const value = input[field];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string' || !UUID_PATTERN.test(value)) return void problem(field, `${field} must be a UUID`);
    return value.toLowerCase();
  };
  const json = (field: 'metadata' | 'parameters'): Prisma.InputJsonObject | undefined => {
    if (input[field] === undefined || input[field] === null) return undefined;
    try {
      assertJsonObject(input[field], field);
      return input[field] as Prisma.InputJsonObject;
    } catch (error) {
      return void problems.push(...((error as ValidationError).details as FieldProblem[]));
    }
  };

  const type = input.type;
  if (!Object.values(AssetType).includes(type as AssetType)) {
    problem('type', `type must be one of ${Object.values(AssetType).join(', ')}`);
  }
  if (typeof input.sourceModule !== 'string' || !SOURCE_MODULE_PATTERN.test(input.sourceModule)) {
    problem('sourceModule', 'sourceModule must be 1-64 letters, digits, "_", ".", ":" or "-"');
  }
  if (type === 'text') {
    if (typeof input.content !== 'string' || input.content.length === 0) problem('content', 'a text asset needs content');
    else if (input.content.length > ASSET_LIMITS.contentLength) problem('content', `content must be at most ${ASSET_LIMITS.contentLength} characters`);
    if (input.bytes !== undefined) problem('bytes', 'a text asset carries content, not bytes');
  } else {
    if (!Buffer.isBuffer(input.bytes) || input.bytes.length === 0) problem('bytes', `a ${String(type)} asset needs its file as bytes`);
    if (input.content !== undefined) problem('content', 'only text assets carry content');
  }
  if (type === 'video' || type === 'audio') {
    const media = input.mimeType === undefined ? undefined : MEDIA_MIME_TYPES[input.mimeType];
    if (media?.type !== type) {
      const allowed = Object.entries(MEDIA_MIME_TYPES).filter(([, entry]) => entry.type === type).map(([mime]) => mime);
      problem('mimeType', `a ${type} asset needs mimeType, one of ${allowed.join(', ')}`);
    }
  }

  let seed: bigint | undefined;
  if (input.seed !== undefined && input.seed !== null) {
    const raw = input.seed;
    const valid = typeof raw === 'bigint' || (typeof raw === 'number' && Number.isSafeInteger(raw)) || (typeof raw === 'string' && /^-?\d{1,20}$/.test(raw));
    seed = valid ? BigInt(raw) : undefined;
    if (seed === undefined || seed < INT64_MIN || seed > INT64_MAX) {
      seed = undefined;
      problem('seed', 'seed must be an integer within the signed 64-bit range (pass a bigint or a string beyond 2^53)');
    }
  }
  let tags: string[] = [];
  if (input.tags !== undefined) {
    if (!Array.isArray(input.tags) || !input.tags.every((tag) => typeof tag === 'string')) problem('tags', 'tags must be an array of strings');
    else {
      try {
        tags = normalizeTags(input.tags);
      } catch (error) {
        problems.push(...((error as ValidationError).details as FieldProblem[]));
      }
    }
  }
  if (input.isPublic !== undefined && typeof input.isPublic !== 'boolean') problem('isPublic', 'isPublic must be a boolean');
  for (const field of fieldsWithNulCharacter({ ...input, bytes: undefined })) problem(field, `${field} must not contain the NUL character (\\u0000)`);

  const fields: AssetFieldsFromInput = {
    type: type as AssetType,
    sourceModule: input.sourceModule,
    title: text('title', ASSET_LIMITS.titleLength, true) ?? '',
    description: text('description', ASSET_LIMITS.descriptionLength),
    prompt: text('prompt', ASSET_LIMITS.promptLength),
    negativePrompt: text('negativePrompt', ASSET_LIMITS.promptLength),
    category: text('category', ASSET_LIMITS.labelLength),
    provider: text('provider', ASSET_LIMITS.labelLength),
    model: text('model', ASSET_LIMITS.modelLength),
    sampler: text('sampler', ASSET_LIMITS.labelLength),
    content: type === 'text' ? input.content : undefined,
    mimeType: type === 'text' ? 'text/plain' : type === 'image' ? undefined : input.mimeType,
    cost: number('cost', 0, ASSET_LIMITS.maxCost, false),
    generationTimeMs: number('generationTimeMs', 0, 2_147_483_647, true),
    duration: number('duration', 0, 1e7, false),
    steps: number('steps', 1, 10_000, true),
    guidance: number('guidance', 0, 100, false),
    seed,
    metadata: json('metadata'),
    parameters: json('parameters'),
    generationId: uuid('generationId'),
    parentAssetId: uuid('parentAssetId'),
    tags,
    isPublic: input.isPublic ?? false,
  };
  if (problems.length > 0) {
    const summary = problems.flatMap((entry) => entry.problems).join('; ');
    throw new ValidationError(`Invalid asset: ${summary}`.slice(0, 1000), problems);
  }
  return fields;
}
