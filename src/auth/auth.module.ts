import { Module } from '@nestjs/common';
import { AdminAccess } from './admin-access';
import { AuthController } from './auth.controller';
import { EngineAuthGuard } from './engine-auth.guard';

@Module({
  controllers: [AuthController],
  providers: [EngineAuthGuard, AdminAccess],
  exports: [EngineAuthGuard, AdminAccess],
})
export class AuthModule {}
