import { Module } from '@nestjs/common';
import { PrismaModule } from '../prisma/prisma.module';
import { StorageModule } from '../storage/storage.module';
import { GenerationJobsRepository } from './generation-jobs.repository';
import { JobPreviews } from './job-previews';

/** The generation_jobs table: every module that reads or moves a job goes through this repository. */
@Module({
  imports: [PrismaModule, StorageModule],
  providers: [GenerationJobsRepository, JobPreviews],
  exports: [GenerationJobsRepository, JobPreviews],
})
export class JobsModule {}
