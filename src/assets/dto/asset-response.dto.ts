import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AssetStatus, AssetType } from '../../generated/prisma/client';
import type { CreativeAsset } from '../../generated/prisma/client';

/** The links of an asset answer that work without a bearer token (AssetLinks signs them). */
export interface AssetLinkFields {
  signedUrl: string;
  signedThumbnailUrl: string | null;
  signedUrlExpiresAt: Date;
}

/** An asset as clients see it: the row minus server-only columns (storage keys, search vector). */
export class AssetResponseDto implements AssetLinkFields {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() userId: string;
  @ApiProperty({ enum: AssetType }) type: AssetType;
  @ApiPropertyOptional({ type: String, nullable: true }) category: string | null;
  @ApiProperty() title: string;
  @ApiPropertyOptional({ type: String, nullable: true }) description: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) prompt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) negativePrompt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) model: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) generationId: string | null;
  @ApiProperty({ example: '/api/creative/asset/6f1c…/file' }) url: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: '/api/creative/asset/6f1c…/thumbnail' }) thumbnailUrl:
    string | null;
  @ApiProperty({
    description:
      'The file with no Authorization header (for <img src>, <audio>, downloads) until signedUrlExpiresAt; whoever holds the link may use it until then',
    example: '/api/creative/signed/asset/6f1c…/file?expires=1767225600&signature=…',
  })
  signedUrl: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'The thumbnail, like signedUrl; null when the asset has no thumbnail',
  })
  signedThumbnailUrl: string | null;
  @ApiProperty({ type: String, format: 'date-time', description: 'When signedUrl and signedThumbnailUrl stop working' })
  signedUrlExpiresAt: Date;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Bytes' }) fileSize: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Seconds' }) duration: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) width: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) height: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) format: string | null;
  @ApiPropertyOptional({ type: Object, nullable: true }) parameters: unknown;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Decimal string: diffusion seeds exceed 2^53' })
  seed: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) steps: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) guidance: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) sampler: string | null;
  @ApiProperty({ enum: AssetStatus }) status: AssetStatus;
  @ApiProperty() isPublic: boolean;
  @ApiProperty() isFavorite: boolean;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) provider: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'USD' }) cost: number | null;
  @ApiProperty() sourceModule: string;
  @ApiPropertyOptional({ type: String, nullable: true }) mimeType: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    pattern: '^[0-9a-f]{64}$',
    description:
      "sha256 of the file's bytes, hex; null for text assets and for files stored before checksums were kept",
  })
  checksum: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'Body of a text asset' }) content: string | null;
  @ApiPropertyOptional({ type: Object, nullable: true }) metadata: unknown;
  @ApiPropertyOptional({ type: Number, nullable: true }) generationTimeMs: number | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) parentAssetId: string | null;
  @ApiProperty() viewCount: number;
  @ApiProperty() downloadCount: number;
  @ApiProperty() shareCount: number;
  @ApiProperty() useCount: number;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) lastUsedAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

/**
 * The asset row a response is made from: a Prisma model row, or a `$queryRaw` row selecting
 * ASSET_ROW_COLUMNS of asset-sql.ts (Prisma deserializes raw numeric/int8/json/timestamptz as Decimal/BigInt/objects/Date,
 * the same types as its model rows). The storage keys are for presigned links and never reach the answer.
 */
export type AssetRow = CreativeAsset;

export function toAssetResponse(row: AssetRow, links: AssetLinkFields): AssetResponseDto {
  return {
    id: row.id,
    userId: row.userId,
    type: row.type,
    category: row.category,
    title: row.title,
    description: row.description,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    model: row.model,
    generationId: row.generationId,
    url: row.url,
    thumbnailUrl: row.thumbnailUrl,
    ...links,
    fileSize: row.fileSize,
    duration: row.duration,
    width: row.width,
    height: row.height,
    format: row.format,
    parameters: row.parameters,
    seed: row.seed === null ? null : row.seed.toString(),
    steps: row.steps,
    guidance: row.guidance,
    sampler: row.sampler,
    status: row.status,
    isPublic: row.isPublic,
    isFavorite: row.isFavorite,
    tags: row.tags,
    provider: row.provider,
    cost: row.cost === null ? null : row.cost.toNumber(),
    sourceModule: row.sourceModule,
    mimeType: row.mimeType,
    checksum: row.checksum,
    content: row.content,
    metadata: row.metadata,
    generationTimeMs: row.generationTimeMs,
    parentAssetId: row.parentAssetId,
    viewCount: row.viewCount,
    downloadCount: row.downloadCount,
    shareCount: row.shareCount,
    useCount: row.useCount,
    lastUsedAt: row.lastUsedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
