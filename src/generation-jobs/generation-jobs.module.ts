import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { JobsModule } from '../jobs/jobs.module';
import { LimitsModule } from '../limits/limits.module';
import { ModelCatalogueModule } from '../providers/catalogue/model-catalogue.module';
import { QueueModule } from '../queue/queue.module';
import { GenerationJobsService } from './generation-jobs.service';
import { JobSubmissionService } from './job-submission.service';
import { JobsController } from './jobs.controller';
import { SignedPreviewsController } from './signed-previews.controller';

/** Jobs of every kind as their owners see them, and the one way every generator queues its work. */
@Module({
  imports: [AssetsModule, JobsModule, QueueModule, LimitsModule, ModelCatalogueModule],
  controllers: [JobsController, SignedPreviewsController],
  providers: [GenerationJobsService, JobSubmissionService],
  exports: [GenerationJobsService, JobSubmissionService],
})
export class GenerationJobsModule {}
