import { Controller, Get, Header, Headers, UseFilters } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../common/error-response.dto';
import { EngineExceptionFilter } from '../common/exception.filter';
import { MetricsService } from './metrics.service';

/** The content type of Prometheus' text exposition format, as prom-client writes it. */
const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

/** An operational route beside /health, outside /api/creative: scraped by Prometheus, not called by users. */
@ApiTags('operations')
@Controller('metrics')
@UseFilters(EngineExceptionFilter)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @Header('Content-Type', PROMETHEUS_TEXT)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Prometheus metrics (series named creative_engine_*)' })
  @ApiBearerAuth('metrics-token')
  @ApiOkResponse({
    description: 'Prometheus text exposition format',
    content: { [PROMETHEUS_TEXT]: { schema: { type: 'string' } } },
  })
  @ApiErrorResponse(401, 'UNAUTHORIZED: METRICS_TOKEN is set and the bearer token is not it', 'UNAUTHORIZED')
  async scrape(@Headers('authorization') authorization: string | undefined): Promise<string> {
    return (await this.metrics.scrape(authorization)).body;
  }
}
