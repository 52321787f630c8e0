import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { AudioGenerationModule } from '../audio-generation/audio-generation.module';
import { ImageGenerationModule } from '../image-generation/image-generation.module';
import { VideoGenerationModule } from '../video-generation/video-generation.module';
import { LimitsModule } from '../limits/limits.module';
import { TextProvidersModule } from '../providers/text/text-providers.module';
import { TemplatesModule } from '../templates/templates.module';
import { ContentCreationController } from './content-creation.controller';
import { ContentCreationService } from './content-creation.service';
import { ContentResultSaver } from './content-result.saver';
import { TextGenerationRunner } from './text-generation.runner';

@Module({
  imports: [
    TextProvidersModule,
    TemplatesModule,
    AssetsModule,
    ImageGenerationModule,
    AudioGenerationModule,
    VideoGenerationModule,
    LimitsModule,
  ],
  controllers: [ContentCreationController],
  providers: [ContentCreationService, TextGenerationRunner, ContentResultSaver],
  exports: [ContentCreationService, TextProvidersModule],
})
export class ContentCreationModule {}
