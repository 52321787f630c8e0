import { Module } from '@nestjs/common';
import { TemplatesModule } from '../templates/templates.module';
import { AssetsModule } from '../assets/assets.module';
import { GenerationJobsModule } from '../generation-jobs/generation-jobs.module';
import { JobsModule } from '../jobs/jobs.module';
import { AudioProvidersModule } from '../providers/audio/audio-providers.module';
import { AudioGenerationController } from './audio-generation.controller';
import { AudioGenerationService } from './audio-generation.service';
import { AudioJobHandler } from './audio-job.handler';

@Module({
  imports: [JobsModule, GenerationJobsModule, AssetsModule, TemplatesModule, AudioProvidersModule],
  controllers: [AudioGenerationController],
  providers: [AudioGenerationService, AudioJobHandler],
  exports: [AudioGenerationService, AudioJobHandler, AudioProvidersModule],
})
export class AudioGenerationModule {}
