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
  @ApiProperty({ example: 'Launch tweet' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_FIELD_LIMITS.nameLength)
  name: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.descriptionLength)
  description?: string | null;

  @ApiProperty({ enum: TemplateType, example: TemplateType.text })
  @IsEnum(TemplateType)
  type: TemplateType;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'social' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.categoryLength)
  category?: string | null;

  @ApiProperty({ example: 'Write a tweet announcing {{product}} to {{audience}}' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(TEMPLATE_FIELD_LIMITS.promptLength)
  prompt: string;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Image templates: what to avoid; may use {{variables}} too',
  })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.negativePromptLength)
  negativePrompt?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Model to generate with unless the request names one',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_FIELD_LIMITS.modelLength)
  model?: string | null;

  @ApiPropertyOptional({
    type: Object,
    nullable: true,
    description: 'Generation options used as defaults, e.g. { "tone": "playful" } or { "size": "1024x1024" }',
  })
  @IsOptional()
  @IsObject()
  parameters?: Record<string, unknown> | null;

  @ApiPropertyOptional({
    type: [TemplateVariableDto],
    description: 'Must match the {{placeholders}} of prompt and negativePrompt exactly',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TEMPLATE_LIMITS.maxVariables)
  @ValidateNested({ each: true })
  @Type(() => TemplateVariableDto)
  variables?: TemplateVariableDto[];

  @ApiPropertyOptional({ type: String, nullable: true, example: 'https://cdn.example.com/thumbs/launch.png' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(TEMPLATE_FIELD_LIMITS.urlLength)
  thumbnailUrl?: string | null;

  @ApiPropertyOptional({ default: false, description: 'Visible (read-only) to every user' })
  @IsOptional()
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({
    type: [String],
    example: ['launch', 'twitter'],
    description: 'Trimmed, lowercased and deduplicated',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(TEMPLATE_FIELD_LIMITS.tags)
  @IsString({ each: true })
  @MaxLength(TEMPLATE_FIELD_LIMITS.tagLength, { each: true })
  tags?: string[];
}
