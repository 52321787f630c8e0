import { ValidationError } from '../common/errors';
import { UUID_PATTERN } from '../common/validation';
import { fieldsWithNulCharacter } from '../common/validation.pipe';
import type { FieldProblem } from '../common/errors';
import { AssetType, Prisma } from '../generated/prisma/client';
import type { FileOnDisk } from '../storage/file-source';
import { RAW_PCM_MIME_TYPE } from '../storage/media-probe';
import { ASSET_LIMITS, assertJsonObject, normalizeTags } from './asset-rules';

/** What a module of the engine or of a host app hands to AssetsService.saveAsset (docs/ARCHITECTURE.md §6). */
export interface SaveAssetInput {
  type: AssetType;
  /** Which module produced it: image_generation, content_creation or a host module's name. */
  sourceModule: string;
  title: string;
  /**
   * The file for image, video and audio assets. Images' format, size and dimensions, and audio's duration,
   * are read from it.
   */
  bytes?: Buffer;
  /**
   * Instead of `bytes`: a file on this machine's disk with the size and sha256 measured as it was written
   * (uploads). It is read by sharp and the probes from the disk and streamed to storage, never held whole;
   * the caller removes it afterwards.
   */
  file?: FileOnDisk;
  /** The body of a text asset. */
  content?: string;
  /** Required with audio bytes (images and videos are identified from their bytes). */
  mimeType?: string;
  /** A frame of a video, as an image: its thumbnail (a video without one has none). */
  poster?: Buffer;
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
  /** Seconds, for video (audio's is read from its bytes). */
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
  // Raw 24 kHz 16-bit mono little-endian samples (OpenAI's `pcm`): no container, no registered type of its own.
  [RAW_PCM_MIME_TYPE]: { type: 'audio', extension: 'pcm' },
};

/** Row columns saveAsset derives from the input alone (files, ids and the owner are added later). */
export type AssetFieldsFromInput = Omit<
  Prisma.CreativeAssetUncheckedCreateInput,
  'id' | 'userId' | 'url' | 'thumbnailUrl' | 'storageKey' | 'thumbnailKey' | 'width' | 'height' | 'format' | 'fileSize'
>;

const SOURCE_MODULE_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

type TextField = 'title' | 'description' | 'prompt' | 'negativePrompt' | 'category' | 'provider' | 'model' | 'sampler';
type NumberField = 'cost' | 'generationTimeMs' | 'duration' | 'steps' | 'guidance';
interface NumberRule {
  min: number;
  max: number;
  integer: boolean;
}

const NUMBER_RULES: Record<NumberField, NumberRule> = {
  cost: { min: 0, max: ASSET_LIMITS.maxCost, integer: false },
  generationTimeMs: { min: 0, max: 2_147_483_647, integer: true },
  duration: { min: 0, max: 1e7, integer: false },
  steps: { min: 1, max: 10_000, integer: true },
  guidance: { min: 0, max: 100, integer: false },
};

/** Every problem of one input, so that a single ValidationError reports them all. */
class Problems {
  readonly found: FieldProblem[] = [];

  add(field: string, message: string): undefined {
    this.found.push({ field, problems: [message] });
    return undefined;
  }

  /** Runs a rule that throws a ValidationError, keeping its details as problems instead. */
  collect<T>(rule: () => T): T | undefined {
    try {
      return rule();
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      this.found.push(...(error.details as FieldProblem[]));
      return undefined;
    }
  }
}

const isAbsent = (value: unknown): value is null | undefined => value === undefined || value === null;

/** Trimmed text of at most `max` characters; empty after trimming counts as absent (or as a problem when required). */
function readText(
  input: SaveAssetInput,
  field: TextField,
  max: number,
  problems: Problems,
  required = false,
): string | undefined {
  const value = input[field];
  if (isAbsent(value)) return required ? problems.add(field, `${field} is required`) : undefined;
  if (typeof value !== 'string') return problems.add(field, `${field} must be a string`);
  const trimmed = value.trim();
  if (required && trimmed.length === 0) problems.add(field, `${field} must not be empty`);
  if (trimmed.length > max) problems.add(field, `${field} must be at most ${max} characters`);
  return trimmed.length === 0 ? undefined : trimmed;
}

function readNumber(input: SaveAssetInput, field: NumberField, problems: Problems): number | undefined {
  const value = input[field];
  if (isAbsent(value)) return undefined;
  const { min, max, integer } = NUMBER_RULES[field];
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    (integer && !Number.isInteger(value)) ||
    value < min ||
    value > max
  ) {
    return problems.add(field, `${field} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}`);
  }
  return value;
}

function readUuid(
  input: SaveAssetInput,
  field: 'generationId' | 'parentAssetId',
  problems: Problems,
): string | undefined {
  const value = input[field];
  if (isAbsent(value)) return undefined;
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) return problems.add(field, `${field} must be a UUID`);
  return value.toLowerCase();
}

function readJsonObject(
  input: SaveAssetInput,
  field: 'metadata' | 'parameters',
  problems: Problems,
): Prisma.InputJsonObject | undefined {
  const value = input[field];
  if (isAbsent(value)) return undefined;
  return problems.collect(() => {
    assertJsonObject(value, field);
    return value as Prisma.InputJsonObject;
  });
}

/** A signed 64-bit integer given as a bigint, a safe integer or a decimal string. */
function readSeed(input: SaveAssetInput, problems: Problems): bigint | undefined {
  const raw = input.seed;
  if (isAbsent(raw)) return undefined;
  const valid =
    typeof raw === 'bigint' ||
    (typeof raw === 'number' && Number.isSafeInteger(raw)) ||
    (typeof raw === 'string' && /^-?\d{1,20}$/.test(raw));
  const seed = valid ? BigInt(raw) : undefined;
  if (seed === undefined || seed < INT64_MIN || seed > INT64_MAX) {
    return problems.add(
      'seed',
      'seed must be an integer within the signed 64-bit range (pass a bigint or a string beyond 2^53)',
    );
  }
  return seed;
}

function readTags(input: SaveAssetInput, problems: Problems): string[] {
  if (input.tags === undefined) return [];
  if (!Array.isArray(input.tags) || !input.tags.every((tag) => typeof tag === 'string')) {
    problems.add('tags', 'tags must be an array of strings');
    return [];
  }
  const tags = input.tags;
  return problems.collect(() => normalizeTags(tags)) ?? [];
}

/** The type and source, and the payload the type calls for: content for text, bytes (and a MIME type for video/audio) otherwise. */
function checkKindAndPayload(input: SaveAssetInput, problems: Problems): void {
  const type = input.type;
  if (!Object.values(AssetType).includes(type))
    problems.add('type', `type must be one of ${Object.values(AssetType).join(', ')}`);
  if (typeof input.sourceModule !== 'string' || !SOURCE_MODULE_PATTERN.test(input.sourceModule)) {
    problems.add('sourceModule', 'sourceModule must be 1-64 letters, digits, "_", ".", ":" or "-"');
  }
  if (type === 'text') {
    if (typeof input.content !== 'string' || input.content.length === 0)
      problems.add('content', 'a text asset needs content');
    else if (input.content.length > ASSET_LIMITS.contentLength)
      problems.add('content', `content must be at most ${ASSET_LIMITS.contentLength} characters`);
    if (input.bytes !== undefined || input.file !== undefined)
      problems.add('bytes', 'a text asset carries content, not bytes');
  } else {
    if (!hasOneFile(input)) problems.add('bytes', `a ${String(type)} asset needs its file, as bytes or a file`);
    if (input.content !== undefined) problems.add('content', 'only text assets carry content');
  }
  // A video's own type is read from its bytes; one given by the caller must at least be a video type.
  if (type === 'audio' || (type === 'video' && input.mimeType !== undefined))
    checkMediaMimeType(type, input.mimeType, problems);
}

/** Exactly one of bytes and file, and not empty. */
function hasOneFile({ bytes, file }: SaveAssetInput): boolean {
  if (bytes !== undefined) return file === undefined && Buffer.isBuffer(bytes) && bytes.length > 0;
  return typeof file?.path === 'string' && Number.isInteger(file.size) && file.size > 0;
}

function checkMediaMimeType(type: 'video' | 'audio', mimeType: string | undefined, problems: Problems): void {
  const media = mimeType === undefined ? undefined : MEDIA_MIME_TYPES[mimeType];
  if (media?.type === type) return;
  const allowed = Object.entries(MEDIA_MIME_TYPES)
    .filter(([, entry]) => entry.type === type)
    .map(([mime]) => mime);
  problems.add('mimeType', `a ${type} asset needs mimeType, one of ${allowed.join(', ')}`);
}

function readTextFields(input: SaveAssetInput, problems: Problems) {
  return {
    title: readText(input, 'title', ASSET_LIMITS.titleLength, problems, true) ?? '',
    description: readText(input, 'description', ASSET_LIMITS.descriptionLength, problems),
    prompt: readText(input, 'prompt', ASSET_LIMITS.promptLength, problems),
    negativePrompt: readText(input, 'negativePrompt', ASSET_LIMITS.promptLength, problems),
    category: readText(input, 'category', ASSET_LIMITS.labelLength, problems),
    provider: readText(input, 'provider', ASSET_LIMITS.labelLength, problems),
    model: readText(input, 'model', ASSET_LIMITS.modelLength, problems),
    sampler: readText(input, 'sampler', ASSET_LIMITS.labelLength, problems),
  };
}

function readNumberFields(input: SaveAssetInput, problems: Problems) {
  return {
    cost: readNumber(input, 'cost', problems),
    generationTimeMs: readNumber(input, 'generationTimeMs', problems),
    duration: readNumber(input, 'duration', problems),
    steps: readNumber(input, 'steps', problems),
    guidance: readNumber(input, 'guidance', problems),
  };
}

/**
 * Checks a SaveAssetInput (host apps call saveAsset directly, without the HTTP ValidationPipe) and turns it
 * into row columns. Every problem is reported at once in the ValidationError's details.
 */
export function normalizeSaveAssetInput(input: SaveAssetInput): AssetFieldsFromInput {
  const problems = new Problems();
  checkKindAndPayload(input, problems);
  const seed = readSeed(input, problems);
  const tags = readTags(input, problems);
  if (input.isPublic !== undefined && typeof input.isPublic !== 'boolean')
    problems.add('isPublic', 'isPublic must be a boolean');
  for (const field of fieldsWithNulCharacter({ ...input, bytes: undefined, file: undefined, poster: undefined }))
    problems.add(field, `${field} must not contain the NUL character (\\u0000)`);
  const type = input.type;
  const fields: AssetFieldsFromInput = {
    type,
    sourceModule: input.sourceModule,
    ...readTextFields(input, problems),
    content: type === 'text' ? input.content : undefined,
    mimeType: type === 'text' ? 'text/plain' : type === 'image' ? undefined : input.mimeType,
    ...readNumberFields(input, problems),
    seed,
    metadata: readJsonObject(input, 'metadata', problems),
    parameters: readJsonObject(input, 'parameters', problems),
    generationId: readUuid(input, 'generationId', problems),
    parentAssetId: readUuid(input, 'parentAssetId', problems),
    tags,
    isPublic: input.isPublic ?? false,
  };
  if (problems.found.length > 0) {
    const summary = problems.found.flatMap((entry) => entry.problems).join('; ');
    throw new ValidationError(`Invalid asset: ${summary}`.slice(0, 1000), problems.found);
  }
  return fields;
}
