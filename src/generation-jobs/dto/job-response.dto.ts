import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AssetResponseDto } from '../../assets/dto/asset-response.dto';
import { JobStatus, JobType } from '../../generated/prisma/client';
import type { GenerationJob } from '../../generated/prisma/client';

/** A generation job as clients see it (GET /jobs items, cancel answers, SSE event data). */
export class JobResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: JobType }) type: JobType;
  @ApiProperty({ enum: JobStatus }) status: JobStatus;
  @ApiProperty({ description: '0 (default) … 10 (most urgent)' }) priority: number;
  @ApiProperty() prompt: string;
  @ApiPropertyOptional({ type: String, nullable: true }) negativePrompt: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) model: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) provider: string | null;
  @ApiPropertyOptional({ type: Object, nullable: true }) parameters: unknown;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) templateId: string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) parentAssetId: string | null;
  @ApiProperty({ minimum: 0, maximum: 100 }) progress: number;
  @ApiPropertyOptional({ type: Number, nullable: true }) currentStep: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) totalSteps: number | null;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'File URL of the first result' }) resultUrl:
    string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) thumbnailUrl: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) errorMessage: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'USD' }) cost: number | null;
  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    description: 'Milliseconds, from recent jobs of the same model',
  })
  estimatedTime: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'Milliseconds from first start to completion' })
  actualTime: number | null;
  @ApiProperty({ description: 'Processing attempts so far' }) attempts: number;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'A queued job waiting to retry after a failed attempt (errorMessage says why): when it is tried next, at the earliest. Null otherwise',
  })
  nextAttemptAt: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true }) idempotencyKey: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) startedAt: Date | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) completedAt: Date | null;
}

export function toJobResponse(row: GenerationJob): JobResponseDto {
  return {
    id: row.id,
    type: row.type,
    status: row.status,
    priority: row.priority,
    prompt: row.prompt,
    negativePrompt: row.negativePrompt,
    model: row.model,
    provider: row.provider,
    parameters: row.parameters,
    templateId: row.templateId,
    parentAssetId: row.parentAssetId,
    progress: row.progress,
    currentStep: row.currentStep,
    totalSteps: row.totalSteps,
    resultUrl: row.resultUrl,
    thumbnailUrl: row.thumbnailUrl,
    errorMessage: row.errorMessage,
    cost: row.cost === null ? null : row.cost.toNumber(),
    estimatedTime: row.estimatedTime,
    actualTime: row.actualTime,
    attempts: row.attempts,
    nextAttemptAt: row.nextAttemptAt,
    idempotencyKey: row.idempotencyKey,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

/** GET /jobs/:jobId (and /image/:jobId/status): the job, plus the assets it produced once completed. */
export class JobStatusResponseDto extends JobResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ format: 'uuid' }) jobId: string;
  @ApiProperty({ type: [AssetResponseDto] }) assets: AssetResponseDto[];
}

export function toJobStatusResponse(row: GenerationJob, assets: AssetResponseDto[]): JobStatusResponseDto {
  return { success: true, jobId: row.id, ...toJobResponse(row), assets };
}

export class JobPageResponseDto {
  @ApiProperty({ type: [JobResponseDto] }) items: JobResponseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class CancelJobResponseDto {
  @ApiProperty({ example: true }) success: true;
  @ApiProperty({ type: JobResponseDto }) job: JobResponseDto;
}
