import { Module } from '@nestjs/common';
import { TextProviderRegistry } from './text-provider.registry';

@Module({
  providers: [TextProviderRegistry],
  exports: [TextProviderRegistry],
})
export class TextProvidersModule {}
