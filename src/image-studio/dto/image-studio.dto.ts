import { ApiProperty, ApiPropertyOptional, IntersectionType, PickType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsIn, IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { Trim } from '../../common/validation';
import { IMAGE_PROVIDER_NAMES, type ImageProviderName } from '../../config/engine-config';
import { GenerationLabelsDto } from '../../generation-jobs/dto/generation-labels.dto';
import { GenerateImageDto, IMAGE_REQUEST_LIMITS } from '../../image-generation/dto/generate-image.dto';
import {
  EDIT_OPERATIONS,
  type EditOperation,
  IMAGE_OUTPUT_FORMATS,
  type ImageOutputFormat,
  UPSCALE_MODES,
  type UpscaleMode,
} from '../../providers/image/image-provider';

/** At most this many reference images beside the source (OpenAI's images.edit takes 16 images in all). */
export const MAX_REFERENCE_IMAGES = 15;
export const INPUT_FIDELITIES = ['low', 'high'] as const;

/** The image request fields an edit shares with POST /image/generate (each model's rules are checked by the service). */
class EditRequestFields extends PickType(GenerateImageDto, [
  'provider',
  'model',
  'n',
  'size',
  'quality',
  'background',
  'outputFormat',
  'partialImages',
] as const) {}

/** POST /image/:assetId/edit: a new image from one of yours or a public one (which stays as it is). */
export class EditImageDto extends IntersectionType(EditRequestFields, GenerationLabelsDto) {
  @ApiProperty({
    maxLength: IMAGE_REQUEST_LIMITS.maxPromptLength,
    example: 'Put a red scarf on the dog',
    description: 'What to change (search_and_replace: what replaces searchPrompt)',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxPromptLength)
  prompt: string;

  @ApiPropertyOptional({
    enum: EDIT_OPERATIONS,
    default: 'edit',
    description:
      'openai: edit, inpaint; stability: inpaint, outpaint, erase, search_and_replace, remove_background; placeholder: all',
  })
  @IsOptional()
  @IsIn(EDIT_OPERATIONS)
  operation?: EditOperation;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'An image asset with an alpha channel, the size of the source: its transparent pixels mark where to edit (inpaint needs one)',
  })
  @IsOptional()
  @IsUUID()
  maskAssetId?: string;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_REFERENCE_IMAGES,
    description: 'Image assets the edit draws on besides the source (openai, placeholder)',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REFERENCE_IMAGES)
  @IsUUID('all', { each: true })
  referenceAssetIds?: string[];

  @ApiPropertyOptional({ enum: INPUT_FIDELITIES, description: 'openai: how closely the result keeps the input images' })
  @IsOptional()
  @IsIn(INPUT_FIDELITIES)
  inputFidelity?: (typeof INPUT_FIDELITIES)[number];

  @ApiPropertyOptional({ maxLength: 1000, description: 'search_and_replace: what to find in the image' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1000)
  searchPrompt?: string;
}

/** POST /image/:assetId/upscale: a larger copy of one of your images or a public one. */
export class UpscaleImageDto extends PickType(GenerationLabelsDto, ['priority', 'title', 'category', 'tags'] as const) {
  @ApiPropertyOptional({
    enum: UPSCALE_MODES,
    default: 'fast',
    description: 'stability: all three (creative renders remotely and is polled); placeholder: all (a Lanczos resize)',
  })
  @IsOptional()
  @IsIn(UPSCALE_MODES)
  mode?: UpscaleMode;

  @ApiPropertyOptional({
    maxLength: IMAGE_REQUEST_LIMITS.maxPromptLength,
    description: 'conservative and creative: what the image shows',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(IMAGE_REQUEST_LIMITS.maxPromptLength)
  prompt?: string;

  @ApiPropertyOptional({ enum: IMAGE_PROVIDER_NAMES, description: 'Default: the first configured that can upscale' })
  @IsOptional()
  @IsIn(IMAGE_PROVIDER_NAMES)
  provider?: ImageProviderName;

  @ApiPropertyOptional({ enum: IMAGE_OUTPUT_FORMATS })
  @IsOptional()
  @IsIn(IMAGE_OUTPUT_FORMATS)
  outputFormat?: ImageOutputFormat;
}
