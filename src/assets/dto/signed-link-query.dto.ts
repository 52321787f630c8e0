import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { SIGNATURE_PATTERN } from '../signed-links';

/** The proof a signed link carries, as AssetLinks wrote it into signedUrl / signedThumbnailUrl. */
export class SignedLinkQueryDto {
  @ApiProperty({ description: 'Unix seconds after which the link answers 403', example: 1780000000 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(99_999_999_999)
  expires: number;

  @ApiProperty({ description: 'The link’s signature', pattern: SIGNATURE_PATTERN.source })
  @IsString()
  @Matches(SIGNATURE_PATTERN)
  signature: string;
}
