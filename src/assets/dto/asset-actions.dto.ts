import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString } from 'class-validator';
import { ASSET_LIMITS } from '../asset-rules';

export class AddTagsDto {
  @ApiProperty({
    type: [String],
    example: ['Logo', ' blue '],
    description: 'Trimmed, lowercased and merged with the existing tags (at most 50 in all)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ASSET_LIMITS.tagsPerAsset)
  @IsString({ each: true })
  tags: string[];
}

export const USAGE_ACTIONS = ['view', 'download', 'share', 'use'] as const;
export type UsageAction = (typeof USAGE_ACTIONS)[number];

export class RecordUsageDto {
  @ApiProperty({
    enum: USAGE_ACTIONS,
    description: 'view, download and share may be recorded on public assets of others; use only by the owner',
  })
  @IsIn(USAGE_ACTIONS)
  action: UsageAction;
}

export class UsageResponseDto {
  @ApiProperty({ enum: [true] }) success: true;
  @ApiProperty({ enum: USAGE_ACTIONS }) action: UsageAction;
  @ApiProperty() viewCount: number;
  @ApiProperty() downloadCount: number;
  @ApiProperty() shareCount: number;
  @ApiProperty() useCount: number;
  @ApiProperty({ type: String, format: 'date-time' }) lastUsedAt: Date;
}

/** POST /asset/:id/favorite: `{ favorite }` sets that value (idempotent); no body, or no `favorite`, toggles. */
export class SetFavoriteDto {
  @ApiPropertyOptional({
    description: 'true or false sets isFavorite to it (repeating it changes nothing); leave out to toggle',
  })
  @IsOptional()
  @IsBoolean()
  favorite?: boolean;
}

export class FavoriteResponseDto {
  @ApiProperty({ enum: [true] }) success: true;
  @ApiProperty() isFavorite: boolean;
}
