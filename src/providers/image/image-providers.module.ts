import { Module } from '@nestjs/common';
import { ModelCatalogueModule } from '../catalogue/model-catalogue.module';
import { ImageProviderRegistry } from './image-provider.registry';

@Module({
  imports: [ModelCatalogueModule],
  providers: [ImageProviderRegistry],
  exports: [ImageProviderRegistry],
})
export class ImageProvidersModule {}
