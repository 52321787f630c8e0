import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from './errors';

/** One field of a refused request and everything wrong with it. */
export class FieldProblemDto {
  @ApiProperty({ example: 'priority', description: 'Dotted path of the field, or the parameter or header name' })
  field: string;

  @ApiProperty({ type: [String], example: ['priority must not be greater than 10'] })
  problems: string[];
}

/** The one error shape every route answers with (docs/ARCHITECTURE.md §8). */
export class ErrorResponseDto {
  @ApiProperty({ enum: [false] })
  success: false;

  @ApiProperty({ type: 'integer', minimum: 400, maximum: 599 })
  statusCode: number;

  @ApiProperty({ description: 'Machine-readable error code', enum: Object.keys(ERROR_STATUS) })
  error: string;

  @ApiProperty({ description: 'A sentence for humans' })
  message: string;

  @ApiPropertyOptional({
    type: [FieldProblemDto],
    description: 'Validation errors: every problem of the request, per field',
  })
  details?: FieldProblemDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'Present on 500s: quote it when reporting the problem' })
  errorId?: string;
}

/** A documented error answer whose example is an answer of that very status. */
export function ApiErrorResponse(
  status: number,
  description: string,
  code?: ErrorCode,
  message = description,
  details?: FieldProblemDto[],
): MethodDecorator & ClassDecorator {
  const error =
    code ?? (Object.keys(ERROR_STATUS) as ErrorCode[]).find((candidate) => ERROR_STATUS[candidate] === status);
  return ApiResponse({
    status,
    description,
    type: ErrorResponseDto,
    example: { success: false, statusCode: status, error, message, ...(details && { details }) },
  });
}
