import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsBoolean, IsObject, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { Trim } from '../../common/validation';
import { ASSET_LIMITS } from '../asset-rules';

/**
 * The user-editable fields of an asset. Anything else (userId, url, storageKey, cost, provider, counters…)
 * is refused with a 400 by the ValidationPipe's forbidNonWhitelisted.
 */
export class UpdateAssetDto {
  @ApiPropertyOptional({ maxLength: ASSET_LIMITS.titleLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.titleLength)
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ASSET_LIMITS.descriptionLength })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @Trim()
  @IsString()
  @MaxLength(ASSET_LIMITS.descriptionLength)
  description?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: ASSET_LIMITS.labelLength })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @Trim()
  @IsString()
  @MaxLength(ASSET_LIMITS.labelLength)
  category?: string | null;

  @ApiPropertyOptional({
    type: [String],
    description: 'Replaces the tags: trimmed, lowercased, deduplicated, 1-64 chars each, at most 50',
  })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  isFavorite?: boolean;

  @ApiPropertyOptional({ type: Object, nullable: true, description: 'Free-form JSON object, at most 64 KiB' })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @IsObject()
  metadata?: Record<string, unknown> | null;
}
