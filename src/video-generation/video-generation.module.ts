import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module';
import { AssetsModule } from '../assets/assets.module';
import { GenerationJobsModule } from '../generation-jobs/generation-jobs.module';
import { JobsModule } from '../jobs/jobs.module';
import { VideoProvidersModule } from '../providers/video/video-providers.module';
import { VideoGenerationController } from './video-generation.controller';
import { VideoGenerationService } from './video-generation.service';
import { VideoJobDrafts } from './video-job-drafts';
import { VideoJobHandler } from './video-job.handler';

@Module({
  imports: [JobsModule, GenerationJobsModule, AssetsModule, TemplatesModule, VideoProvidersModule],
  controllers: [VideoGenerationController],
  providers: [VideoGenerationService, VideoJobDrafts, VideoJobHandler],
  exports: [VideoGenerationService, VideoJobHandler, VideoProvidersModule],
})
export class VideoGenerationModule {}
