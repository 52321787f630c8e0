import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  MODEL_KINDS,
  MODEL_STATUSES,
  type ModelKind,
  type ModelStatus,
} from '../../providers/catalogue/model-catalogue';
import {
  EDIT_OPERATIONS,
  type EditOperation,
  UPSCALE_MODES,
  type UpscaleMode,
} from '../../providers/image/image-provider';
import { IMAGE_PROVIDER_NAMES, type ImageProviderName } from '../../providers/provider-names';

export class ModelResponseDto {
  @ApiProperty({ example: 'gpt-image-2', description: 'The name sent to the provider' })
  id: string;

  @ApiProperty({ enum: IMAGE_PROVIDER_NAMES })
  provider: ImageProviderName;

  @ApiProperty({ enum: MODEL_KINDS, isArray: true })
  kinds: ModelKind[];

  @ApiProperty({
    enum: MODEL_STATUSES,
    description: 'deprecated: works, with Deprecation/Sunset headers; retired: refused (MODEL_RETIRED)',
  })
  status: ModelStatus;

  @ApiPropertyOptional({ format: 'date', description: 'When its provider shuts it down (or did)' })
  shutdownDate?: string;

  @ApiPropertyOptional({ example: 'gpt-image-2', description: 'The model to use instead' })
  successor?: string;

  @ApiProperty({ description: 'Its provider has credentials on this server' })
  configured: boolean;

  @ApiProperty({ description: 'The default model of its provider here' })
  isDefault: boolean;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'What requests are checked against. Image models: maxPromptLength, maxImages, sizes or freeSize, aspectRatios, qualities, styles, backgrounds, outputFormats, negativePrompt, seed, steps, guidance. Audio: maxInputLength, voices, defaultVoice, formats, speed, instructions. Video: maxPromptLength, sizes, defaultSize, seconds, defaultSeconds, referenceImage',
  })
  capabilities: Record<string, unknown>;

  @ApiPropertyOptional({
    enum: EDIT_OPERATIONS,
    isArray: true,
    description:
      "Image models: the operations of POST /image/:assetId/edit that this model's provider can do (empty: none)",
  })
  editOperations?: EditOperation[];

  @ApiPropertyOptional({
    enum: UPSCALE_MODES,
    isArray: true,
    description:
      "Image models: the modes of POST /image/:assetId/upscale that this model's provider can do (empty: none); the upscale names the provider",
  })
  upscaleModes?: UpscaleMode[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'Its entry of the pricing table here (PROVIDER_PRICING applied), USD: image `tokens`/`perImage`, audio `perMillionCharacters`/`perMinute`, video `perSecond` by size; null when unpriced (its assets then record no cost)',
    example: { perSecond: { '1280x720': 0.1, '720x1280': 0.1 } },
  })
  pricing: Record<string, unknown> | null;
}

export class ModelListResponseDto {
  @ApiProperty({ type: [ModelResponseDto] })
  items: ModelResponseDto[];
}
