import { ApiProperty } from '@nestjs/swagger';
import { AssetResponseDto } from './asset-response.dto';

/** GET /asset/:id/lineage: the assets an asset derives from and those derived from it, nearest first. */
export class LineageResponseDto {
  @ApiProperty({
    type: [AssetResponseDto],
    description:
      'Parent, grandparent … (through parentAssetId), only those you may see; the walk stops at one you may not',
  })
  ancestors: AssetResponseDto[];

  @ApiProperty({
    type: [AssetResponseDto],
    description: 'Children, then grandchildren …, only those you may see; oldest first within a generation',
  })
  descendants: AssetResponseDto[];
}
