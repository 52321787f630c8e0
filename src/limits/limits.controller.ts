import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { CurrentUser } from '../auth/current-user.decorator';
import type { AuthUser } from '../auth/current-user.decorator';
import { CreativeController } from '../http/creative-controller.decorator';
import { LimitsResponseDto } from './dto/limits-response.dto';
import { UserLimitsService } from './user-limits.service';

@CreativeController('limits')
export class LimitsController {
  constructor(private readonly limits: UserLimitsService) {}

  @Get('limits')
  @ApiOperation({ summary: "The caller's caps: daily budget (with today's spend) and active jobs" })
  @ApiOkResponse({ type: LimitsResponseDto })
  limitsOf(@CurrentUser() user: AuthUser): Promise<LimitsResponseDto> {
    return this.limits.limitsOf(user.id);
  }
}
