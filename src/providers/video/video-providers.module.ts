import { Module } from '@nestjs/common';
import { ModelCatalogueModule } from '../catalogue/model-catalogue.module';
import { VideoProviderRegistry } from './video-provider.registry';

@Module({
  imports: [ModelCatalogueModule],
  providers: [VideoProviderRegistry],
  exports: [VideoProviderRegistry],
})
export class VideoProvidersModule {}
