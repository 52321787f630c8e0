import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { builtInActiveModels, type ModelKind } from '../../providers/catalogue/model-catalogue';
import { Trim } from '../../common/validation';
import { MAX_JOB_PRIORITY } from '../../queue/queue.constants';

export const LABEL_LIMITS = { maxTags: 20, maxTitleLength: 200 } as const;

/** The fields every generate request shares: the job's priority and the labels of the assets it creates. */
export class GenerationLabelsDto {
  @ApiPropertyOptional({ minimum: 0, maximum: MAX_JOB_PRIORITY, default: 0, description: 'Higher runs sooner' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_JOB_PRIORITY)
  priority?: number;

  @ApiPropertyOptional({
    maxLength: LABEL_LIMITS.maxTitleLength,
    description: 'Title of the created asset(s); defaults to the prompt (the text, for audio)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(LABEL_LIMITS.maxTitleLength)
  title?: string;

  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(100)
  category?: string;

  @ApiPropertyOptional({ type: [String], maxItems: LABEL_LIMITS.maxTags })
  @IsOptional()
  @ArrayMaxSize(LABEL_LIMITS.maxTags)
  @IsString({ each: true })
  @MaxLength(50, { each: true })
  tags?: string[];
}

/**
 * The optional `model` of a generate request: any model name (an OpenAI-compatible endpoint names its models
 * freely); which ones exist is the catalogue's to say, checked by the service.
 */
export function ModelNameProperty(kind: ModelKind, example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      example,
      description: `The built-in active models: ${builtInActiveModels(kind).join(', ')} (GET /models?kind=${kind} lists the catalogue of this server, with each model's capabilities, retired models and their successors)`,
    }),
    IsOptional(),
    IsString(),
    Matches(/^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$/, {
      message: 'model must be a model name (letters, digits, . _ : / -; at most 100)',
    }),
  );
}
