import { Module } from '@nestjs/common';
import { PrismaModule } from '../prisma/prisma.module';
import { StorageModule } from '../storage/storage.module';
import { AssetStatsService } from './asset-stats.service';
import { AssetsController } from './assets.controller';
import { AssetsService } from './assets.service';
import { CollectionsController } from './collections.controller';
import { CollectionsService } from './collections.service';

@Module({
  imports: [PrismaModule, StorageModule],
  controllers: [AssetsController, CollectionsController],
  providers: [AssetsService, AssetStatsService, CollectionsService],
  exports: [AssetsService, AssetStatsService, CollectionsService],
})
export class AssetsModule {}
