import { ApiProperty } from '@nestjs/swagger';
import { CONTENT_TYPES } from '../content-prompts';
import type { ContentType } from '../content-prompts';

export class TokenUsageDto {
  @ApiProperty({ description: 'Prompt tokens, summed over attempts' })
  inputTokens: number;

  @ApiProperty({ description: 'Completion tokens, summed over attempts' })
  outputTokens: number;

  @ApiProperty()
  totalTokens: number;
}

/** How a result was produced and what it cost; every content response carries it. */
export class GenerationInfoDto {
  @ApiProperty({ example: 'openai', description: 'The text endpoint that answered' })
  provider: string;

  @ApiProperty({ example: 'gpt-4.1-mini' })
  model: string;

  @ApiProperty({ type: TokenUsageDto, nullable: true, description: 'Null when the provider reported no usage' })
  usage: TokenUsageDto | null;

  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'USD from the pricing table; null when the model has no price or no usage was reported',
  })
  cost: number | null;

  @ApiProperty({ description: 'Wall time of the provider calls, including retries' })
  generationTimeMs: number;

  @ApiProperty({
    type: String,
    nullable: true,
    format: 'uuid',
    description: 'The saved text asset; null with save: false',
  })
  assetId: string | null;
}

export class GenerateContentResponseDto extends GenerationInfoDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty()
  content: string;

  @ApiProperty({ enum: CONTENT_TYPES })
  contentType: ContentType;
}

export class ImproveContentResponseDto extends GenerationInfoDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty()
  improved: string;

  @ApiProperty({ type: [String] })
  suggestions: string[];
}

export class IdeasResponseDto extends GenerationInfoDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ type: [String], description: 'Exactly `count` ideas' })
  ideas: string[];
}

export class TemplateContentResponseDto extends GenerateContentResponseDto {
  @ApiProperty({ format: 'uuid' })
  templateId: string;

  @ApiProperty({ description: 'The rendered prompt that was sent' })
  prompt: string;
}
