import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Trim } from '../../common/validation';
import { TEMPLATE_LIMITS } from '../template-variables';

/** One `{{name}}` placeholder of a template's prompt. */
export class TemplateVariableDto {
  @ApiProperty({
    example: 'topic',
    description: 'Used as {{topic}} in the prompt',
    maxLength: TEMPLATE_LIMITS.maxNameLength,
  })
  @Trim()
  @IsString()
  @MaxLength(TEMPLATE_LIMITS.maxNameLength)
  @Matches(/^[A-Za-z_][A-Za-z0-9_]*$/, {
    message: 'variable name must be a letter or _ followed by letters, digits or _',
  })
  name: string;

  @ApiPropertyOptional({ example: 'What the post is about', maxLength: TEMPLATE_LIMITS.maxDescriptionLength })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_LIMITS.maxDescriptionLength)
  description?: string;

  @ApiPropertyOptional({
    default: true,
    description: 'Rendering fails when a required variable has no value and no default',
  })
  @IsOptional()
  @IsBoolean()
  required?: boolean;

  @ApiPropertyOptional({ example: 'friendly', maxLength: TEMPLATE_LIMITS.maxValueLength })
  @IsOptional()
  @IsString()
  @MaxLength(TEMPLATE_LIMITS.maxValueLength)
  default?: string;
}

/** A declared variable as returned (required always present). */
export class TemplateVariableResponseDto {
  @ApiProperty({ example: 'topic' })
  name: string;

  @ApiPropertyOptional()
  description?: string;

  @ApiProperty()
  required: boolean;

  @ApiPropertyOptional()
  default?: string;
}
