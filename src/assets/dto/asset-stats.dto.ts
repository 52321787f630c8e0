import { ApiProperty } from '@nestjs/swagger';
import { AssetType } from '../../generated/prisma/client';

export class StatsGroupDto {
  @ApiProperty({ description: 'Assets in the group' }) count: number;
  @ApiProperty({ description: 'Sum of cost in USD (assets without a cost count as 0)' }) cost: number;
}

export class TypeStatsDto extends StatsGroupDto {
  @ApiProperty({ enum: AssetType }) type: AssetType;
}

export class SourceModuleStatsDto extends StatsGroupDto {
  @ApiProperty() sourceModule: string;
}

export class ProviderStatsDto extends StatsGroupDto {
  @ApiProperty({ type: String, nullable: true }) provider: string | null;
}

export class ModelStatsDto extends StatsGroupDto {
  @ApiProperty({ type: String, nullable: true }) provider: string | null;
  @ApiProperty({ type: String, nullable: true }) model: string | null;
}

export class DayStatsDto extends StatsGroupDto {
  @ApiProperty({ example: '2026-11-23', description: 'UTC day of createdAt' }) day: string;
}

export class UsageTotalsDto {
  @ApiProperty() views: number;
  @ApiProperty() downloads: number;
  @ApiProperty() shares: number;
  @ApiProperty() uses: number;
}

/** GET /assets/stats: every figure covers the caller's assets created in [createdFrom, createdTo). */
export class AssetStatsResponseDto {
  @ApiProperty() totalAssets: number;
  @ApiProperty({ description: 'USD' }) totalCost: number;
  @ApiProperty({ type: UsageTotalsDto }) usage: UsageTotalsDto;
  @ApiProperty({ type: [TypeStatsDto] }) byType: TypeStatsDto[];
  @ApiProperty({ type: [SourceModuleStatsDto] }) bySourceModule: SourceModuleStatsDto[];
  @ApiProperty({ type: [ProviderStatsDto] }) costByProvider: ProviderStatsDto[];
  @ApiProperty({ type: [ModelStatsDto] }) costByModel: ModelStatsDto[];
  @ApiProperty({ type: [DayStatsDto] }) costByDay: DayStatsDto[];
}

declare const statsJsonText: unique symbol;

/** The JSON text of an AssetStatsResponseDto as PostgreSQL writes it: GET /assets/stats sends it as it is. */
export type AssetStatsJson = string & { readonly [statsJsonText]: true };
