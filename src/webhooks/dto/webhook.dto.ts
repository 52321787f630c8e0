import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { Trim } from '../../common/validation';
import type {
  WebhookDelivery,
  WebhookDeliveryAttempt,
  WebhookDeliveryStatus,
  WebhookEndpoint,
} from '../../generated/prisma/client';
import { MAX_WEBHOOK_URL_LENGTH } from '../webhook-targets';

/** The events a webhook can ask for (each one is written to the outbox by a trigger of the webhooks migration). */
export const WEBHOOK_EVENTS = ['job.completed', 'job.failed', 'asset.created', 'asset.deleted'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'failed'];

export class CreateWebhookDto {
  @ApiProperty({
    maxLength: MAX_WEBHOOK_URL_LENGTH,
    example: 'https://hooks.example.com/creative-engine',
    description:
      'https on a public address (checked now and at every delivery); http or a private address only for hosts in WEBHOOK_ALLOWED_HOSTS. Redirects are not followed.',
  })
  @Trim()
  @IsString()
  @MaxLength(MAX_WEBHOOK_URL_LENGTH)
  url: string;

  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true, minItems: 1, uniqueItems: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(WEBHOOK_EVENTS.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENTS, { each: true })
  events: WebhookEvent[];
}

export class WebhookResponseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS, isArray: true }) events: WebhookEvent[];
  @ApiProperty({ description: 'false once disabled: no more events are recorded for it' }) enabled: boolean;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) disabledAt: Date | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Why it was disabled: a delivery ran out of attempts, or the target was refused',
  })
  disabledReason: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'After a rotation: deliveries are also signed with the previous secret until then',
  })
  previousSecretExpiresAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class WebhookWithSecretResponseDto extends WebhookResponseDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret (Standard Webhooks: `whsec_` + base64 key). Shown only in this answer: store it now.',
  })
  secret: string;
}

export class WebhookPageResponseDto {
  @ApiProperty({ type: [WebhookResponseDto] }) items: WebhookResponseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WebhookAttemptResponseDto {
  @ApiProperty({ minimum: 1 }) attempt: number;
  @ApiProperty({ type: String, format: 'date-time' }) startedAt: Date;
  @ApiProperty() durationMs: number;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'null: no answer came' })
  statusCode: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) error: string | null;
}

export class WebhookEventBodyDto {
  @ApiProperty({ enum: WEBHOOK_EVENTS }) type: WebhookEvent;
  @ApiProperty({ type: String, format: 'date-time' }) timestamp: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'job.completed: jobId, userId, type, provider, model, cost, actualTimeMs, assetIds; job.failed: jobId, userId, type, errorMessage; asset.created: assetId, userId, type, sourceModule, generationId; asset.deleted: assetId, userId',
  })
  data: Record<string, unknown>;
}

export class WebhookDeliveryResponseDto {
  @ApiProperty({ format: 'uuid', description: 'Also the `webhook-id` header of every attempt' }) id: string;
  @ApiProperty({ enum: WEBHOOK_EVENTS }) eventType: WebhookEvent;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: WebhookDeliveryStatus;
  @ApiProperty({ description: 'The body POSTed', type: WebhookEventBodyDto }) payload: WebhookEventBodyDto;
  @ApiProperty({ description: 'Attempts made so far' }) attempts: number;
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Pending: when the next attempt is due',
  })
  nextAttemptAt: Date | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lastError: string | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true }) deliveredAt: Date | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt: Date;
  @ApiProperty({ type: [WebhookAttemptResponseDto] }) attemptLog: WebhookAttemptResponseDto[];
}

export class WebhookDeliveryPageResponseDto {
  @ApiProperty({ type: [WebhookDeliveryResponseDto] }) items: WebhookDeliveryResponseDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class WebhookDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, description: 'Only deliveries in this state' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: WebhookDeliveryStatus;
}

export function toWebhookResponse(row: WebhookEndpoint): WebhookResponseDto {
  return {
    id: row.id,
    url: row.url,
    events: row.events as WebhookEvent[],
    enabled: row.disabledAt === null,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    previousSecretExpiresAt: row.previousSecret ? row.previousSecretExpiresAt : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function toDeliveryResponse(
  row: WebhookDelivery & { attemptLog: WebhookDeliveryAttempt[] },
): WebhookDeliveryResponseDto {
  return {
    id: row.id,
    eventType: row.eventType as WebhookEvent,
    status: row.status,
    payload: row.payload as unknown as WebhookEventBodyDto,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt : null,
    lastError: row.lastError,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    attemptLog: row.attemptLog.map((attempt) => ({
      attempt: attempt.attempt,
      startedAt: attempt.startedAt,
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      error: attempt.error,
    })),
  };
}
