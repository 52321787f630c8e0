import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ToBoolean, ToStringList, Trim } from '../../common/validation';
import { ASSET_LIMITS } from '../asset-rules';

/**
 * The form fields beside `file` in POST /assets/upload (multipart/form-data, so every value arrives as text:
 * tags comma-separated or repeated, isPublic "true"/"false").
 */
export class UploadAssetDto {
  @ApiPropertyOptional({ maxLength: ASSET_LIMITS.titleLength, description: "Default: the file's name" })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.titleLength)
  title?: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'Comma-separated or repeated; trimmed, lowercased, deduplicated, 1-64 chars each, at most 50',
  })
  @IsOptional()
  @ToStringList()
  @IsArray()
  @ArrayMaxSize(ASSET_LIMITS.tagsPerAsset)
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional({ maxLength: ASSET_LIMITS.labelLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.labelLength)
  category?: string;

  @ApiPropertyOptional({ description: '"true" or "false" (default false)' })
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  isPublic?: boolean;
}

/** The multipart field that carries the file. */
export const UPLOAD_FILE_FIELD = 'file';

/** multer's limits on the form around the file: room for every field above, and no more. */
export const UPLOAD_FORM_LIMITS = { files: 1, fields: 64, fieldSize: 16 * 1024, parts: 65 } as const;

/** The most a form within UPLOAD_FORM_LIMITS adds to its file: the fields, and every part's headers. */
export const UPLOAD_FORM_OVERHEAD_BYTES =
  UPLOAD_FORM_LIMITS.fields * UPLOAD_FORM_LIMITS.fieldSize + UPLOAD_FORM_LIMITS.parts * 1024;

/** The form as OpenAPI states it (a multipart body is described by hand: the DTO has no file property). */
export const UPLOAD_FORM_SCHEMA = {
  type: 'object',
  required: [UPLOAD_FILE_FIELD],
  additionalProperties: false,
  properties: {
    [UPLOAD_FILE_FIELD]: {
      type: 'string',
      format: 'binary',
      description:
        'The bytes: JPEG, PNG, WebP, GIF, AVIF, TIFF, MP4, WebM, QuickTime, MP3, WAV, Ogg, AAC, FLAC or UTF-8 text',
    },
    title: {
      type: 'string',
      minLength: 1,
      maxLength: ASSET_LIMITS.titleLength,
      description: "Default: the file's name",
    },
    tags: {
      type: 'array',
      maxItems: ASSET_LIMITS.tagsPerAsset,
      items: { type: 'string' },
      description: 'Repeated fields or one comma-separated field',
    },
    category: { type: 'string', minLength: 1, maxLength: ASSET_LIMITS.labelLength },
    isPublic: { type: 'boolean', description: '"true" or "false" (default false)' },
  },
};
