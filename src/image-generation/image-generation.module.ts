import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { GenerationJobProcessor } from '../jobs/generation-job.processor';
import { JOB_HANDLERS, JobHandlers } from '../jobs/job-handler';
import { JobsModule } from '../jobs/jobs.module';
import { LimitsModule } from '../limits/limits.module';
import { ImageProvidersModule } from '../providers/image/image-providers.module';
import { QueueModule } from '../queue/queue.module';
import { TemplatesModule } from '../templates/templates.module';
import { GenerationJobsService } from './generation-jobs.service';
import { ImageGenerationController } from './image-generation.controller';
import { ImageGenerationService } from './image-generation.service';
import { ImageJobDrafts } from './image-job-drafts';
import { ImageJobHandler } from './image-job.handler';
import { JobsController } from './jobs.controller';

@Module({
  imports: [JobsModule, QueueModule, AssetsModule, TemplatesModule, ImageProvidersModule, LimitsModule],
  controllers: [ImageGenerationController, JobsController],
  providers: [
    ImageGenerationService,
    GenerationJobsService,
    ImageJobDrafts,
    ImageJobHandler,
    // The handler of each queued job kind; the processor dispatches to these.
    {
      provide: JOB_HANDLERS,
      inject: [ImageJobHandler],
      useFactory: (images: ImageJobHandler): JobHandlers => ({ image_generation: images, image_regeneration: images }),
    },
    GenerationJobProcessor,
  ],
  exports: [ImageGenerationService, GenerationJobsService, ImageProvidersModule],
})
export class ImageGenerationModule {}
