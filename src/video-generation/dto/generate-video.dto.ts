import { ApiPropertyOptional, ApiProperty, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { ASSET_LIMITS } from '../../assets/asset-rules';
import { Trim } from '../../common/validation';
import { GenerationLabelsDto, ModelNameProperty } from '../../generation-jobs/dto/generation-labels.dto';
import { VIDEO_PROVIDER_NAMES, type VideoProviderName } from '../../providers/provider-names';

/** The longest clip any model is asked for; each model's own lengths are checked by the service. */
export const MAX_VIDEO_SECONDS = 60;

/** The video fields of POST /video/generate (GenerateVideoDto adds the job's priority and the asset's labels). */
class VideoRequestFields {
  @ApiProperty({ maxLength: ASSET_LIMITS.promptLength, example: 'A paper boat drifting down a rainy street, slow pan' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(ASSET_LIMITS.promptLength)
  prompt: string;

  @ModelNameProperty('video', 'sora-2')
  model?: string;

  @ApiPropertyOptional({
    enum: VIDEO_PROVIDER_NAMES,
    description: 'Defaults to the provider serving `model`, else the configured default',
  })
  @IsOptional()
  @IsIn(VIDEO_PROVIDER_NAMES)
  provider?: VideoProviderName;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_VIDEO_SECONDS,
    example: 4,
    description:
      "Length of the clip in seconds: one of the model's lengths (sora-2: 4, 8, 12); defaults to the model's",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_VIDEO_SECONDS)
  seconds?: number;

  @ApiPropertyOptional({
    example: '1280x720',
    description: "WIDTHxHEIGHT, one of the model's sizes (sora-2: 1280x720, 720x1280); defaults to the model's",
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{2,5}x\d{2,5}$/, { message: 'size must be WIDTHxHEIGHT, e.g. 1280x720' })
  size?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'An image asset you can see, used as the first frame (models that take a reference image)',
  })
  @IsOptional()
  @IsUUID()
  referenceAssetId?: string;
}

/** POST /video/generate. */
export class GenerateVideoDto extends IntersectionType(VideoRequestFields, GenerationLabelsDto) {}
