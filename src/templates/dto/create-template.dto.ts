import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsEnum,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { Trim } from '../../common/validation';
import { TemplateType } from '../../generated/prisma/client';
import { TEMPLATE_LIMITS } from '../template-variables';
import { TemplateVariableDto } from './template-variable.dto';

/** Bounds of a template's own fields (variables have theirs in TEMPLATE_LIMITS). */
export const TEMPLATE_FIELD_LIMITS = {
  nameLength: 120,
  descriptionLength: 1_000,
  categoryLength: 60,
  promptLength: 10_000,
  negativePromptLength: 5_000,
  modelLength: 200,
  urlLength: 2_048,
  tagLength: 64,
  tags: 50,
} as const;

export class CreateTemplateDto {
  @ApiProperty({ example: 'Launch tweet', maxLength: TEMPLATE_FIELD_LIMITS.nameLength })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_FIELD_LIMITS.nameLength)
  name: string;

  @ApiPropertyOptional({ maxLength: TEMPLATE_FIELD_LIMITS.descriptionLength })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.descriptionLength)
  description?: string | null;

  @ApiProperty({ enum: TemplateType, example: TemplateType.text })
  @IsEnum(TemplateType)
  type: TemplateType;

  @ApiPropertyOptional({ example: 'social', maxLength: TEMPLATE_FIELD_LIMITS.categoryLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.categoryLength)
  category?: string | null;

  @ApiProperty({ example: 'Write a tweet announcing {{product}} to {{audience}}', maxLength: TEMPLATE_FIELD_LIMITS.promptLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_FIELD_LIMITS.promptLength)
  prompt: string;

  @ApiPropertyOptional({ description: 'Image templates: what to avoid; may use {{variables}} too', maxLength: TEMPLATE_FIELD_LIMITS.negativePromptLength })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.negativePromptLength)
  negativePrompt?: string | null;

  @ApiPropertyOptional({ description: 'Model to generate with unless the request names one', maxLength: TEMPLATE_FIELD_LIMITS.modelLength })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.modelLength)
  model?: string | null;

  @ApiPropertyOptional({ type: Object, description: 'Generation options used as defaults, e.g. { "tone": "playful" } or { "size": "1024x1024" }' })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: [TemplateVariableDto], maxItems: TEMPLATE_LIMITS.maxVariables, description: 'Must match the {{placeholders}} of prompt and negativePrompt exactly' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TEMPLATE_LIMITS.maxVariables)
  @ValidateNested({ each: true })
  @Type(() => TemplateVariableDto)
  variables?: TemplateVariableDto[];

  @ApiPropertyOptional({ example: 'https://cdn.example.com/thumbs/launch.png' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(TEMPLATE_FIELD_LIMITS.urlLength)
  thumbnailUrl?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Visible (read-only) to every user' })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({ type: [String], example: ['launch', 'twitter'], description: 'Trimmed, lowercased and deduplicated' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TEMPLATE_FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(TEMPLATE_FIELD_LIMITS.tagLength, { each: true })
  tags?: string[];
}
