import { Module } from '@nestjs/common';
import { ImageProviderRegistry } from './image-provider.registry';

@Module({
  providers: [ImageProviderRegistry],
  exports: [ImageProviderRegistry],
})
export class ImageProvidersModule {}
