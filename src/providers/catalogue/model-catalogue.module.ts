import { Module } from '@nestjs/common';
import { ModelCatalogue } from './model-catalogue.service';

@Module({
  providers: [ModelCatalogue],
  exports: [ModelCatalogue],
})
export class ModelCatalogueModule {}
