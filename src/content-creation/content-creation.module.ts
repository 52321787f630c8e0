import { Module } from '@nestjs/common';
import { AssetsModule } from '../assets/assets.module';
import { ImageGenerationModule } from '../image-generation/image-generation.module';
import { LimitsModule } from '../limits/limits.module';
import { PrismaModule } from '../prisma/prisma.module';
import { TextProvidersModule } from '../providers/text/text-providers.module';
import { TemplatesModule } from '../templates/templates.module';
import { ContentCreationController } from './content-creation.controller';
import { ContentCreationService } from './content-creation.service';

@Module({
  imports: [PrismaModule, TextProvidersModule, TemplatesModule, AssetsModule, ImageGenerationModule, LimitsModule],
  controllers: [ContentCreationController],
  providers: [ContentCreationService],
  exports: [ContentCreationService, TextProvidersModule],
})
export class ContentCreationModule {}
