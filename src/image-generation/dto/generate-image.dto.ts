import { ApiPropertyOptional, IntersectionType, OmitType, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ASSET_LIMITS } from '../../assets/asset-rules';
import { ApiSchemaRule } from '../../common/openapi-rules';
import { Trim } from '../../common/validation';
import { IMAGE_PROVIDER_NAMES, type ImageProviderName } from '../../config/engine-config';
import { GenerationLabelsDto, LABEL_LIMITS, ModelNameProperty } from '../../generation-jobs/dto/generation-labels.dto';
import { IMAGE_OUTPUT_FORMATS, type ImageOutputFormat } from '../../providers/image/image-provider';

/** Upper bounds of the HTTP shape; each model's own (tighter) rules are checked by the service. */
export const IMAGE_REQUEST_LIMITS = {
  maxPromptLength: ASSET_LIMITS.promptLength,
  maxNegativePromptLength: ASSET_LIMITS.promptLength,
  maxImages: 10,
  ...LABEL_LIMITS,
} as const;

/** The image fields of POST /image/generate (GenerateImageDto adds the job's priority and the assets' labels). */
class ImageRequestFields {
  @ApiPropertyOptional({
    description: 'Required unless templateId is given; not together with templateId',
    maxLength: IMAGE_REQUEST_LIMITS.maxPromptLength,
    example: 'A lighthouse at dawn, watercolour',
  })
  @ValidateIf((dto: ImageRequestFields) => dto.templateId === undefined || dto.prompt !== undefined)
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxPromptLength)
  prompt?: string;

  @ApiPropertyOptional({ maxLength: IMAGE_REQUEST_LIMITS.maxNegativePromptLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxNegativePromptLength)
  negativePrompt?: string;

  @ApiPropertyOptional({ description: 'Image template whose prompt is rendered with `variables`' })
  @IsOptional()
  @IsUUID()
  templateId?: string;

  @ApiPropertyOptional({ description: 'Values of the template variables', type: Object, example: { subject: 'a fox' } })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: IMAGE_PROVIDER_NAMES,
    description: 'Defaults to the provider serving `model`, else the configured default',
  })
  @IsOptional()
  @IsIn(IMAGE_PROVIDER_NAMES)
  provider?: ImageProviderName;

  @ModelNameProperty('image', 'gpt-image-2')
  model?: string;

  // The bound is each model's (checked with the model's other rules, so all are reported together).
  @ApiPropertyOptional({
    maximum: IMAGE_REQUEST_LIMITS.maxImages,
    default: 1,
    description: 'Number of images: at most 10, and at most what the model allows',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  n?: number;

  @ApiPropertyOptional({ example: '1024x1024', description: 'WIDTHxHEIGHT or auto (OpenAI, placeholder)' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  size?: string;

  @ApiPropertyOptional({ example: '16:9', description: 'Stability models' })
  @IsOptional()
  @IsString()
  @MaxLength(10)
  aspectRatio?: string;

  @ApiPropertyOptional({ example: 'high', description: 'GPT image: auto|low|medium|high; DALL-E 3: standard|hd' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  quality?: string;

  @ApiPropertyOptional({ example: 'vivid', description: 'DALL-E 3: vivid|natural' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  style?: string;

  @ApiPropertyOptional({ example: 'transparent', description: 'GPT image: auto|opaque|transparent' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  background?: string;

  @ApiPropertyOptional({ enum: IMAGE_OUTPUT_FORMATS })
  @IsOptional()
  @IsIn(IMAGE_OUTPUT_FORMATS)
  outputFormat?: ImageOutputFormat;

  @ApiPropertyOptional({ minimum: 0, description: 'Stability and placeholder' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  seed?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 150, description: 'Placeholder only; hosted APIs choose their own' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(150)
  steps?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 50, description: 'CFG scale (Stability sd3, placeholder)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(50)
  guidance?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 3,
    description:
      'Stream this many partial images while rendering (openai GPT image models): each is announced on GET /jobs/:jobId/events as `event: partial` { index, url }',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3)
  partialImages?: number;
}

/** POST /image/generate. Either `prompt`, or `templateId` (an image template) with its `variables`. */
@ApiSchemaRule({ oneOf: [{ required: ['prompt'] }, { required: ['templateId'] }] })
export class GenerateImageDto extends IntersectionType(ImageRequestFields, GenerationLabelsDto) {}

/**
 * POST /image/:assetId/regenerate: every field optional; what is given replaces the asset's own
 * prompt and parameters, the rest is kept.
 */
export class RegenerateImageDto extends PartialType(
  OmitType(GenerateImageDto, ['templateId', 'variables', 'prompt'] as const),
) {
  @ApiPropertyOptional({
    maxLength: IMAGE_REQUEST_LIMITS.maxPromptLength,
    description: "Defaults to the asset's prompt",
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxPromptLength)
  prompt?: string;
}
