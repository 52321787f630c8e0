import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsInt, IsNotEmpty, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
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
