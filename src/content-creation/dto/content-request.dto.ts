import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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
} from 'class-validator';
import { ASSET_LIMITS } from '../../assets/asset-rules';
import { Trim } from '../../common/validation';
import { CONTENT_LENGTH_NAMES, CONTENT_TYPES, IDEAS_COUNT_RANGE } from '../content-prompts';
import type { ContentLength, ContentType } from '../content-prompts';

export const CONTENT_LIMITS = {
  promptLength: 8_000,
  originalLength: 20_000,
  goalLength: 500,
  topicLength: 2_000,
  toneLength: 60,
  audienceLength: 200,
  languageLength: 40,
  providerLength: 40,
  maxOutputTokens: 32_000,
} as const;

/** `contentType`, the older name of `type`: still accepted, documented as deprecated. */
function ContentTypeAlias(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      enum: CONTENT_TYPES,
      deprecated: true,
      description: 'The older name of `type`, still accepted; both with different values is a 400',
    }),
    IsOptional(),
    IsIn(CONTENT_TYPES),
  );
}

/** Options of every content route: style, model choice and how the result is kept. */
export class ContentOptionsDto {
  @ApiPropertyOptional({ example: 'friendly', maxLength: CONTENT_LIMITS.toneLength })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.toneLength)
  tone?: string;

  @ApiPropertyOptional({ example: 'small business owners', maxLength: CONTENT_LIMITS.audienceLength })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.audienceLength)
  audience?: string;

  @ApiPropertyOptional({
    example: 'French',
    description: 'Language of the result',
    maxLength: CONTENT_LIMITS.languageLength,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.languageLength)
  language?: string;

  @ApiPropertyOptional({
    example: 'gpt-4.1-mini',
    description: 'Default: the template’s model, else TEXT_DEFAULT_MODEL',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(ASSET_LIMITS.modelLength)
  model?: string;

  @ApiPropertyOptional({ example: 'openai', description: 'A TEXT_PROVIDERS endpoint name; default: routed by model' })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.providerLength)
  provider?: string;

  @ApiPropertyOptional({
    minimum: 0,
    maximum: 2,
    description: 'Sent only when given (reasoning models accept no other value than their default)',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: CONTENT_LIMITS.maxOutputTokens,
    description: 'Upper bound of generated tokens',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(CONTENT_LIMITS.maxOutputTokens)
  maxTokens?: number;

  @ApiPropertyOptional({ default: true, description: 'Save the result as a text asset in the library' })
  @IsOptional()
  @IsBoolean()
  save?: boolean;

  @ApiPropertyOptional({
    description: 'Title of the saved asset (default: derived from the request)',
    maxLength: ASSET_LIMITS.titleLength,
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(ASSET_LIMITS.titleLength)
  title?: string;

  @ApiPropertyOptional({ type: [String], description: 'Tags of the saved asset' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(ASSET_LIMITS.tagsPerAsset)
  @IsString({ each: true })
  @MaxLength(ASSET_LIMITS.tagLength, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Category of the saved asset', maxLength: ASSET_LIMITS.labelLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(ASSET_LIMITS.labelLength)
  category?: string;
}

/** Options that only make sense for free-form generation. */
export class WritingOptionsDto extends ContentOptionsDto {
  @ApiPropertyOptional({
    enum: CONTENT_TYPES,
    default: 'general',
    description: 'Each type brings its own instructions',
  })
  @IsOptional()
  @IsIn(CONTENT_TYPES)
  type?: ContentType;

  @ContentTypeAlias()
  contentType?: ContentType;

  @ApiPropertyOptional({ enum: CONTENT_LENGTH_NAMES })
  @IsOptional()
  @IsIn(CONTENT_LENGTH_NAMES)
  length?: ContentLength;
}

export class GenerateContentDto extends WritingOptionsDto {
  @ApiProperty({ example: 'Announce our new oat-milk latte for autumn', maxLength: CONTENT_LIMITS.promptLength })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.promptLength)
  prompt: string;
}

export class ImproveContentDto extends ContentOptionsDto {
  @ApiProperty({ example: 'Our product are the best for you team.', maxLength: CONTENT_LIMITS.originalLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.originalLength)
  original: string;

  @ApiPropertyOptional({ example: 'more persuasive and grammatical', maxLength: CONTENT_LIMITS.goalLength })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.goalLength)
  goal?: string;
}

export class GenerateIdeasDto extends ContentOptionsDto {
  @ApiProperty({ example: 'Blog posts for a specialty coffee roaster', maxLength: CONTENT_LIMITS.topicLength })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(CONTENT_LIMITS.topicLength)
  topic: string;

  @ApiPropertyOptional({
    minimum: IDEAS_COUNT_RANGE.min,
    maximum: IDEAS_COUNT_RANGE.max,
    default: 5,
    description: 'Exactly this many ideas are returned',
  })
  @IsOptional()
  @IsInt()
  @Min(IDEAS_COUNT_RANGE.min)
  @Max(IDEAS_COUNT_RANGE.max)
  count?: number;

  @ApiPropertyOptional({ enum: CONTENT_TYPES, description: 'What the ideas are for' })
  @IsOptional()
  @IsIn(CONTENT_TYPES)
  type?: ContentType;

  @ContentTypeAlias()
  contentType?: ContentType;
}

export class FromTemplateDto extends WritingOptionsDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  templateId: string;

  @ApiPropertyOptional({
    type: Object,
    example: { topic: 'autumn menu' },
    description: 'Values of the template’s {{variables}}',
  })
  @IsOptional()
  @IsObject()
  variables?: Record<string, unknown>;
}
