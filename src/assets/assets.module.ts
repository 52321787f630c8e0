import { Module } from '@nestjs/common';
import { PrismaModule } from '../prisma/prisma.module';
import { StorageModule } from '../storage/storage.module';
import { AssetLinks } from './asset-links';
import { AssetStatsService } from './asset-stats.service';
import { AssetsController } from './assets.controller';
import { AssetsRepository } from './assets.repository';
import { AssetsService } from './assets.service';
import { CollectionsController } from './collections.controller';
import { CollectionsRepository } from './collections.repository';
import { CollectionsService } from './collections.service';
import { StoredFilesService } from './stored-files';
import { StoredFilesRepository } from './stored-files.repository';
import { SignedFilesController } from './signed-files.controller';

@Module({
  imports: [PrismaModule, StorageModule],
  controllers: [AssetsController, CollectionsController, SignedFilesController],
  providers: [
    AssetsRepository,
    AssetLinks,
    CollectionsRepository,
    AssetsService,
    AssetStatsService,
    CollectionsService,
    StoredFilesRepository,
    StoredFilesService,
  ],
  exports: [AssetsService, AssetLinks, AssetStatsService, CollectionsService, StoredFilesService],
})
export class AssetsModule {}
