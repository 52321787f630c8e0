import { Inject, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { CREATIVE_ENGINE_OPTIONS } from '../creative-engine.module-definition';
import type { CreativeEngineModuleOptions } from '../creative-engine.module-definition';
import { AdminAccess } from './admin-access';
import { AuthController } from './auth.controller';
import { EngineAuthGuard } from './engine-auth.guard';

@Module({
  controllers: [AuthController],
  providers: [EngineAuthGuard, AdminAccess],
  exports: [EngineAuthGuard, AdminAccess],
})
export class AuthModule implements OnApplicationBootstrap {
  private readonly logger = new Logger('CreativeEngineAuth');

  constructor(
    private readonly config: EngineConfig,
    @Inject(CREATIVE_ENGINE_OPTIONS) private readonly options: CreativeEngineModuleOptions,
  ) {}

  /** Said once per app here: every controller's module holds a guard instance of its own (@UseGuards). */
  onApplicationBootstrap(): void {
    if (!this.options.resolveUser && this.config.auth.mode === 'header') {
      this.logger.warn(
        'AUTH_MODE=header: X-User-Id is trusted as the caller. Run this only behind a gateway that authenticates users and sets the header.',
      );
    }
  }
}
