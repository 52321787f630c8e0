import { Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty } from '@nestjs/swagger';
import { CreativeController } from '../http/creative-controller.decorator';
import { CurrentUser } from './current-user.decorator';
import type { AuthUser } from './current-user.decorator';

export class MeResponseDto {
  @ApiProperty({ description: 'The caller as the engine sees it (JWT sub, X-User-Id or the host resolver)' })
  userId: string;
}

@CreativeController('auth')
export class AuthController {
  @Get('me')
  @ApiOperation({ summary: 'Who the engine thinks is calling' })
  @ApiOkResponse({ type: MeResponseDto })
  me(@CurrentUser() user: AuthUser): MeResponseDto {
    return { userId: user.id };
  }
}
