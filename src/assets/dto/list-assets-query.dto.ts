import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { IsIsoDateTime, ToBoolean, ToStringList, Trim } from '../../common/validation';
import { AssetStatus, AssetType } from '../../generated/prisma/client';
import { ASSET_LIMITS } from '../asset-rules';

export const ASSET_SORT_FIELDS = ['createdAt', 'updatedAt', 'cost', 'title'] as const;
export type AssetSortField = (typeof ASSET_SORT_FIELDS)[number];
export const SORT_ORDERS = ['asc', 'desc'] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** Optional creation-time window shared by the list and the stats: createdFrom ≤ createdAt < createdTo. */
export class CreatedRangeQueryDto {
  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Inclusive lower bound on createdAt (ISO 8601 date or date-time)',
  })
  @IsOptional()
  @IsIsoDateTime('createdFrom must be an ISO 8601 date or date-time')
  createdFrom?: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description: 'Exclusive upper bound on createdAt (ISO 8601 date or date-time)',
  })
  @IsOptional()
  @IsIsoDateTime('createdTo must be an ISO 8601 date or date-time')
  createdTo?: string;
}

/** GET /assets (and GET /images): every filter is ANDed; `tags` must all be present on an asset. */
export class ListAssetsQueryDto extends IntersectionType(PageQueryDto, CreatedRangeQueryDto) {
  @ApiPropertyOptional({ enum: AssetType })
  @IsOptional()
  @IsEnum(AssetType)
  type?: AssetType;

  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.labelLength)
  category?: string;

  @ApiPropertyOptional({
    description: 'Comma-separated; an asset must carry all of them (case-insensitive)',
    example: 'logo,blue',
  })
  @IsOptional()
  @ToStringList()
  @IsString({ each: true })
  @ArrayMaxSize(ASSET_LIMITS.tagsPerAsset)
  @MaxLength(ASSET_LIMITS.tagLength, { each: true })
  tags?: string[];

  @ApiPropertyOptional()
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  favorite?: boolean;

  @ApiPropertyOptional({ enum: AssetStatus })
  @IsOptional()
  @IsEnum(AssetStatus)
  status?: AssetStatus;

  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.labelLength)
  provider?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(ASSET_LIMITS.modelLength)
  model?: string;

  @ApiPropertyOptional({ example: 'image_generation' })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  sourceModule?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Only assets in this collection (one of yours)' })
  @IsOptional()
  @IsUUID()
  collectionId?: string;

  @ApiPropertyOptional({
    description:
      'Full-text search over title, tags, description, prompt and text content (web search syntax: "quoted phrase", -exclude, or)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  search?: string;

  @ApiPropertyOptional({ enum: ASSET_SORT_FIELDS, default: 'createdAt' })
  @IsOptional()
  @IsIn(ASSET_SORT_FIELDS)
  sort: AssetSortField = 'createdAt';

  @ApiPropertyOptional({ enum: SORT_ORDERS, default: 'desc' })
  @IsOptional()
  @IsIn(SORT_ORDERS)
  order: SortOrder = 'desc';
}
