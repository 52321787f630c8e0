import { Body, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { AuthUser } from '../auth/current-user.decorator';
import { CurrentUser } from '../auth/current-user.decorator';
import { DeletedResponseDto } from '../common/deleted-response.dto';
import { ApiErrorResponse } from '../common/error-response.dto';
import { PageQueryDto } from '../common/pagination';
import { UuidParam } from '../common/validation';
import { CreativeController } from '../http/creative-controller.decorator';
import {
  CreateWebhookDto,
  WebhookDeliveriesQueryDto,
  WebhookDeliveryPageResponseDto,
  WebhookPageResponseDto,
  WebhookResponseDto,
  WebhookWithSecretResponseDto,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

const NOT_FOUND = 'No such webhook of yours';

@CreativeController('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post('webhooks')
  @ApiOperation({
    summary: 'Register a webhook',
    description:
      'Each event is POSTed to `url` following Standard Webhooks: headers `webhook-id`, `webhook-timestamp` and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of `id.timestamp.body` keyed by the secret), body `{ type, timestamp, data }`. Retried with exponential backoff for about a day until a 2xx answer; the endpoint is disabled when a delivery runs out of attempts.',
  })
  @ApiCreatedResponse({ type: WebhookWithSecretResponseDto, description: 'The webhook, with its secret (shown once)' })
  @ApiErrorResponse(409, 'You have registered the most webhooks allowed (WEBHOOK_MAX_ENDPOINTS_PER_USER)')
  register(@CurrentUser() user: AuthUser, @Body() body: CreateWebhookDto): Promise<WebhookWithSecretResponseDto> {
    return this.webhooks.register(user.id, body);
  }

  @Get('webhooks')
  @ApiOperation({ summary: 'Your webhooks, newest first (secrets are never listed)' })
  @ApiOkResponse({ type: WebhookPageResponseDto })
  list(@CurrentUser() user: AuthUser, @Query() query: PageQueryDto): Promise<WebhookPageResponseDto> {
    return this.webhooks.list(user.id, query);
  }

  @Get('webhook/:id')
  @ApiOperation({ summary: 'One of your webhooks' })
  @ApiOkResponse({ type: WebhookResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  get(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<WebhookResponseDto> {
    return this.webhooks.get(user.id, id);
  }

  @Delete('webhook/:id')
  @ApiOperation({ summary: 'Delete a webhook with its deliveries (pending ones are not sent)' })
  @ApiOkResponse({ type: DeletedResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  remove(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<DeletedResponseDto> {
    return this.webhooks.remove(user.id, id);
  }

  @Post('webhook/:id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Replace the signing secret (the new one is shown once)',
    description:
      'Until `previousSecretExpiresAt` (WEBHOOK_SECRET_ROTATION_GRACE_MS) every delivery carries two signatures, by the new and by the previous secret, so the receiver can switch without rejecting anything.',
  })
  @ApiOkResponse({ type: WebhookWithSecretResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  rotateSecret(@CurrentUser() user: AuthUser, @UuidParam() id: string): Promise<WebhookWithSecretResponseDto> {
    return this.webhooks.rotateSecret(user.id, id);
  }

  @Get('webhook/:id/deliveries')
  @ApiOperation({ summary: "The webhook's deliveries, newest first, each with every attempt and its outcome" })
  @ApiOkResponse({ type: WebhookDeliveryPageResponseDto })
  @ApiErrorResponse(404, NOT_FOUND)
  deliveries(
    @CurrentUser() user: AuthUser,
    @UuidParam() id: string,
    @Query() query: WebhookDeliveriesQueryDto,
  ): Promise<WebhookDeliveryPageResponseDto> {
    return this.webhooks.listDeliveries(user.id, id, query);
  }
}
