import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { EngineConfig } from '../config/engine-config';
import { AssetUploadsService } from './asset-uploads.service';
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
import { UPLOAD_FORM_LIMITS } from './dto/upload-asset.dto';
import { UploadSpool, uploadSpoolDirectory, UploadSpoolSweeper } from './upload-spool';

@Module({
  imports: [
    PrismaModule,
    StorageModule,
    // Uploads are streamed to a spooled file (UploadSpool counts the bytes: over STORAGE_MAX_FILE_BYTES, 413).
    MulterModule.registerAsync({
      inject: [EngineConfig],
      useFactory: (config: EngineConfig) => ({
        storage: new UploadSpool(uploadSpoolDirectory(config), config.storage.maxFileBytes),
        limits: UPLOAD_FORM_LIMITS,
      }),
    }),
  ],
  controllers: [AssetsController, CollectionsController, SignedFilesController],
  providers: [
    AssetsRepository,
    AssetLinks,
    CollectionsRepository,
    AssetsService,
    AssetUploadsService,
    AssetStatsService,
    CollectionsService,
    StoredFilesRepository,
    StoredFilesService,
    UploadSpoolSweeper,
  ],
  exports: [AssetsService, AssetUploadsService, AssetLinks, AssetStatsService, CollectionsService, StoredFilesService],
})
export class AssetsModule {}
