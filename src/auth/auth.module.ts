import { Module } from '@nestjs/common';
import { AuthController } from './auth.controller';
import { EngineAuthGuard } from './engine-auth.guard';

@Module({
  controllers: [AuthController],
  providers: [EngineAuthGuard],
  exports: [EngineAuthGuard],
})
export class AuthModule {}
