import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** The one error shape every route answers with (DESIGN.md §5). */
export class ErrorResponseDto {
  @ApiProperty({ example: false, enum: [false] })
  success: false;

  @ApiProperty({ example: 404 })
  statusCode: number;

  @ApiProperty({ example: 'NOT_FOUND', description: 'Machine-readable error code' })
  error: string;

  @ApiProperty({ example: 'Asset 6f1c… not found' })
  message: string;

  @ApiPropertyOptional({ description: 'Per-field problems for validation errors', type: Object })
  details?: unknown;

  @ApiPropertyOptional({ description: 'Present on 500s: quote it when reporting the problem' })
  errorId?: string;
}
