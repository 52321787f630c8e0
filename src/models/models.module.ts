import { Module } from '@nestjs/common';
import { ModelCatalogueModule } from '../providers/catalogue/model-catalogue.module';
import { AudioProvidersModule } from '../providers/audio/audio-providers.module';
import { ImageProvidersModule } from '../providers/image/image-providers.module';
import { VideoProvidersModule } from '../providers/video/video-providers.module';
import { ModelsController } from './models.controller';
import { ModelsService } from './models.service';

@Module({
  imports: [ModelCatalogueModule, ImageProvidersModule, AudioProvidersModule, VideoProvidersModule],
  controllers: [ModelsController],
  providers: [ModelsService],
  exports: [ModelsService],
})
export class ModelsModule {}
