import { Module } from '@nestjs/common';
import { PrismaModule } from '../prisma/prisma.module';
import { GenerationJobsRepository } from './generation-jobs.repository';

/** The generation_jobs table: every module that reads or moves a job goes through this repository. */
@Module({
  imports: [PrismaModule],
  providers: [GenerationJobsRepository],
  exports: [GenerationJobsRepository],
})
export class JobsModule {}
