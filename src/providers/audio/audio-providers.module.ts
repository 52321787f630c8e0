import { Module } from '@nestjs/common';
import { ModelCatalogueModule } from '../catalogue/model-catalogue.module';
import { AudioProviderRegistry } from './audio-provider.registry';

@Module({
  imports: [ModelCatalogueModule],
  providers: [AudioProviderRegistry],
  exports: [AudioProviderRegistry],
})
export class AudioProvidersModule {}
