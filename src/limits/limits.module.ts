import { Module } from '@nestjs/common';
import { JobsModule } from '../jobs/jobs.module';
import { PrismaModule } from '../prisma/prisma.module';
import { UserLimitsService } from './user-limits.service';

/** Per-user caps on jobs and spend. (Request rate limits: RateLimitStore, provided by CreativeEngineModule's core.) */
@Module({
  imports: [PrismaModule, JobsModule],
  providers: [UserLimitsService],
  exports: [UserLimitsService],
})
export class LimitsModule {}
