import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { Trim } from '../../common/validation';
import type { AssetCollection } from '../../generated/prisma/client';

export const COLLECTION_NAME_LENGTH = 200;
export const COLLECTION_DESCRIPTION_LENGTH = 2_000;
export const MAX_ASSET_IDS_PER_REQUEST = 100;

export class CreateCollectionDto {
  @ApiProperty({ maxLength: COLLECTION_NAME_LENGTH })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(COLLECTION_NAME_LENGTH)
  name: string;

  @ApiPropertyOptional({ maxLength: COLLECTION_DESCRIPTION_LENGTH })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(COLLECTION_DESCRIPTION_LENGTH)
  description?: string;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;
}

export class UpdateCollectionDto extends PartialType(CreateCollectionDto) {
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'An asset already in the collection, or null for the default cover: the most recently added member',
  })
  @IsOptional()
  @ValidateIf((_dto, value) => value !== null)
  @IsUUID()
  coverAssetId?: string | null;
}

export class CollectionAssetsDto {
  @ApiProperty({ type: [String], format: 'uuid', maxItems: MAX_ASSET_IDS_PER_REQUEST })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ASSET_IDS_PER_REQUEST)
  @IsUUID('all', { each: true })
  assetIds: string[];
}

export class CollectionResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() userId: string;
  @ApiProperty() name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description: string | null;
  @ApiProperty() isPublic: boolean;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) coverAssetId: string | null;
  @ApiProperty({ description: 'Assets in the collection' }) assetCount: number;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class CollectionPageResponseDto {
  @ApiProperty({ type: [CollectionResponseDto] }) items: CollectionResponseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CollectionMembershipResponseDto {
  @ApiProperty({ enum: [true] }) success: true;
  @ApiProperty({
    description: 'Links created (POST) or removed (DELETE); assets already in / not in the collection are not counted',
  })
  changed: number;
  @ApiProperty({ description: 'Assets in the collection afterwards' }) assetCount: number;
}

export type CollectionRow = AssetCollection & { _count: { items: number } };

/** `defaultCover`: the cover when none is chosen (the newest member, see CollectionsService), or null. */
export function toCollectionResponse(row: CollectionRow, defaultCover: string | null): CollectionResponseDto {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    description: row.description,
    isPublic: row.isPublic,
    coverAssetId: row.coverAssetId ?? defaultCover,
    assetCount: row._count.items,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
