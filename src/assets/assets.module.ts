import { Module } from '@nestjs/common';
import { PrismaModule } from '../prisma/prisma.module';
import { StorageModule } from '../storage/storage.module';
import { AssetStatsService } from './asset-stats.service';
import { AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { CollectionsController } from './collections.controller';
import { CollectionsRepository } from './collections.repository';
import { CollectionsService } from './collections.service';
import { FileDeletionsService } from './file-deletions';

@Module({
  imports: [PrismaModule, StorageModule],
  controllers: [AssetsController, CollectionsController],
  providers: [
    AssetsRepository,
    CollectionsRepository,
    AssetsService,
    AssetStatsService,
    CollectionsService,
    FileDeletionsService,
  ],
  exports: [AssetsService, AssetStatsService, CollectionsService, FileDeletionsService],
})
export class AssetsModule {}
