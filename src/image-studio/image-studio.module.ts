import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { GenerationJobsModule } from '../generation-jobs/generation-jobs.module';
import { JobsModule } from '../jobs/jobs.module';
import { ImageProvidersModule } from '../providers/image/image-providers.module';
import { ImageStudioController } from './image-studio.controller';
import { ImageStudioDrafts } from './image-studio-drafts';
import { ImageStudioJobHandler } from './image-studio-job.handler';
import { ImageStudioService } from './image-studio.service';

/** Edits and upscales of stored images (POST /image/:assetId/edit, /upscale) and their job handler. */
@Module({
  imports: [JobsModule, GenerationJobsModule, AssetsModule, ImageProvidersModule],
  controllers: [ImageStudioController],
  providers: [ImageStudioService, ImageStudioDrafts, ImageStudioJobHandler],
  exports: [ImageStudioService, ImageStudioJobHandler],
})
export class ImageStudioModule {}
