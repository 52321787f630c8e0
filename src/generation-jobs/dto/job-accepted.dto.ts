import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { Response } from 'express';

/** 202 of every generation route: the queued job and where to follow it. */
export class JobAcceptedResponseDto {
  @ApiProperty({ example: true })
  success: true;

  @ApiProperty({ format: 'uuid' })
  jobId: string;

  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed', 'cancelled'] })
  status: string;

  @ApiProperty({
    example: '/api/creative/image/6f1c…/status',
    description: 'Where to poll the job: /image/:jobId/status for image jobs, /jobs/:jobId for the others',
  })
  statusUrl: string;

  @ApiProperty({
    description: 'Expected milliseconds until completion, from recent jobs of the same model',
    nullable: true,
    type: Number,
  })
  estimatedTime: number | null;

  @ApiPropertyOptional({
    type: [String],
    description:
      'Set when the model is deprecated (also the Deprecation and Sunset headers) or was replaced by its successor',
    example: ['model gpt-image-1 is deprecated; shut down on 2027-06-01; use gpt-image-2'],
  })
  warnings?: string[];

  @ApiPropertyOptional({
    format: 'date',
    description: 'The shutdown date of a deprecated model',
    example: '2027-06-01',
  })
  modelShutdownDate?: string;
}

/** The 202 of every generation route; a deprecated model adds its shutdown headers. */
export const JOB_ACCEPTED = {
  type: JobAcceptedResponseDto,
  headers: {
    Deprecation: {
      description: 'The model is deprecated: `@<unix seconds>` of its shutdown',
      schema: { type: 'string' },
    },
    Sunset: { description: 'The model is deprecated: the HTTP-date it shuts down', schema: { type: 'string' } },
  },
};

/** A deprecated model's answer says so the standard way (RFC 9745 Deprecation, RFC 8594 Sunset). */
export function announceShutdown(response: Response, answer: JobAcceptedResponseDto): JobAcceptedResponseDto {
  if (answer.modelShutdownDate === undefined) return answer;
  const shutdown = new Date(`${answer.modelShutdownDate}T00:00:00Z`);
  response.setHeader('Deprecation', `@${Math.floor(shutdown.getTime() / 1000)}`);
  response.setHeader('Sunset', shutdown.toUTCString());
  return answer;
}
