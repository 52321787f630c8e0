import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CreativeTemplate, TemplateType } from '../../generated/prisma/client';
import { parseStoredVariables } from '../template-variables';
import { TemplateVariableResponseDto } from './template-variable.dto';

export class TemplateResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true, description: 'Owner; null for built-in defaults' })
  userId: string | null;

  @ApiProperty()
  name: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ enum: TemplateType })
  type: TemplateType;

  @ApiProperty({ type: String, nullable: true })
  category: string | null;

  @ApiProperty()
  prompt: string;

  @ApiProperty({ type: String, nullable: true })
  negativePrompt: string | null;

  @ApiProperty({ type: String, nullable: true })
  model: string | null;

  @ApiPropertyOptional({ type: Object, nullable: true })
  parameters: Record<string, unknown> | null;

  @ApiProperty({ type: [TemplateVariableResponseDto] })
  variables: TemplateVariableResponseDto[];

  @ApiProperty({ type: String, nullable: true })
  thumbnailUrl: string | null;

  @ApiProperty()
  isPublic: boolean;

  @ApiProperty({ description: 'Built-in template shipped with the service (read-only)' })
  isDefault: boolean;

  @ApiProperty()
  usageCount: number;

  @ApiProperty({ type: [String] })
  tags: string[];

  @ApiProperty()
  createdAt: Date;

  @ApiProperty()
  updatedAt: Date;
}

export function toTemplateResponse(row: CreativeTemplate): TemplateResponseDto {
  return {
    id: row.id,
    userId: row.userId,
    name: row.name,
    description: row.description,
    type: row.type,
    category: row.category,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    model: row.model,
    parameters: (row.parameters as Record<string, unknown> | null) ?? null,
    variables: parseStoredVariables(row.variables),
    thumbnailUrl: row.thumbnailUrl,
    isPublic: row.isPublic,
    isDefault: row.isDefault,
    usageCount: row.usageCount,
    tags: row.tags,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export class TemplatePageResponseDto {
  @ApiProperty({ type: [TemplateResponseDto] })
  items: TemplateResponseDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor to get the next page' })
  nextCursor: string | null;
}

export class DeleteTemplateResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ format: 'uuid' })
  id: string;
}
