import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { GenerationJobsModule } from '../generation-jobs/generation-jobs.module';
import { JobsModule } from '../jobs/jobs.module';
import { ImageProvidersModule } from '../providers/image/image-providers.module';
import { TemplatesModule } from '../templates/templates.module';
import { ImageGenerationController } from './image-generation.controller';
import { ImageGenerationService } from './image-generation.service';
import { ImageJobDrafts } from './image-job-drafts';
import { ImageJobHandler } from './image-job.handler';

@Module({
  imports: [JobsModule, GenerationJobsModule, AssetsModule, TemplatesModule, ImageProvidersModule],
  controllers: [ImageGenerationController],
  providers: [ImageGenerationService, ImageJobDrafts, ImageJobHandler],
  exports: [ImageGenerationService, ImageJobHandler, ImageProvidersModule],
})
export class ImageGenerationModule {}
