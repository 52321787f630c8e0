import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { JobsModule } from '../jobs/jobs.module';
import { LimitsController } from './limits.controller';
import { UserLimitsService } from './user-limits.service';

/** Per-user caps on jobs and spend. (Request rate limits: RateLimitStore, provided by CreativeEngineModule's core.) */
@Module({
  imports: [AssetsModule, JobsModule],
  controllers: [LimitsController],
  providers: [UserLimitsService],
  exports: [UserLimitsService],
})
export class LimitsModule {}
