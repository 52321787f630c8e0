import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { ASSET_LIMITS } from '../../assets/asset-rules';
import { Trim } from '../../common/validation';
import { IMAGE_REQUEST_LIMITS } from '../../image-generation/dto/generate-image.dto';
import { builtInActiveModels } from '../../providers/catalogue/model-catalogue';
import { VIDEO_PROVIDER_NAMES, type VideoProviderName } from '../../providers/provider-names';
import { MAX_JOB_PRIORITY } from '../../queue/queue.constants';

/** The longest clip any model is asked for; each model's own lengths are checked by the service. */
export const MAX_VIDEO_SECONDS = 60;

const ACTIVE_MODEL_IDS = builtInActiveModels('video');

/** POST /video/generate. */
export class GenerateVideoDto {
  @ApiProperty({ maxLength: ASSET_LIMITS.promptLength, example: 'A paper boat drifting down a rainy street, slow pan' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(ASSET_LIMITS.promptLength)
  prompt: string;

  @ApiPropertyOptional({
    example: 'sora-2',
    description: `The built-in active models: ${ACTIVE_MODEL_IDS.join(', ')} (GET /models?kind=video lists this server's catalogue, with each model's sizes and lengths)`,
  })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
    message: 'model must be a model name (letters, digits, . _ : / -; at most 100)',
  })
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

  @ApiPropertyOptional({ minimum: 0, maximum: MAX_JOB_PRIORITY, default: 0, description: 'Higher runs sooner' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_JOB_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({
    maxLength: IMAGE_REQUEST_LIMITS.maxTitleLength,
    description: 'Title of the created asset; defaults to the prompt',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxTitleLength)
  title?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ type: [String], maxItems: IMAGE_REQUEST_LIMITS.maxTags })
  @IsOptional()
  @ArrayMaxSize(IMAGE_REQUEST_LIMITS.maxTags)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}
