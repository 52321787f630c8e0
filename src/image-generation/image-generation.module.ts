import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { LimitsModule } from '../limits/limits.module';
import { PrismaModule } from '../prisma/prisma.module';
import { ImageProvidersModule } from '../providers/image/image-providers.module';
import { QueueModule } from '../queue/queue.module';
import { TemplatesModule } from '../templates/templates.module';
import { GenerationJobsService } from './generation-jobs.service';
import { ImageGenerationController } from './image-generation.controller';
import { ImageGenerationProcessor } from './image-generation.processor';
import { ImageGenerationRunner } from './image-generation.runner';
import { ImageGenerationService } from './image-generation.service';
import { JobsController } from './jobs.controller';

@Module({
  imports: [PrismaModule, QueueModule, AssetsModule, TemplatesModule, ImageProvidersModule, LimitsModule],
  controllers: [ImageGenerationController, JobsController],
  providers: [ImageGenerationService, GenerationJobsService, ImageGenerationRunner, ImageGenerationProcessor],
  exports: [ImageGenerationService, GenerationJobsService, ImageProvidersModule],
})
export class ImageGenerationModule {}
