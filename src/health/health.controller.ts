import { Controller, Get, HttpCode, UseFilters } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ApiErrorResponse } from '../common/error-response.dto';
import { EngineExceptionFilter } from '../common/exception.filter';
import { HealthResponseDto, HealthService } from './health.service';

@ApiTags('health')
@Controller('health')
@UseFilters(EngineExceptionFilter)
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @HttpCode(200)
  @ApiOkResponse({ type: HealthResponseDto, description: 'PostgreSQL and Redis both answer' })
  @ApiErrorResponse(503, 'A dependency is down; the message names it')
  check(): Promise<HealthResponseDto> {
    return this.health.check();
  }
}
