import { Module } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { CREATIVE_ENGINE_OPTIONS } from '../creative-engine.module-definition';
import type { CreativeEngineModuleOptions } from '../creative-engine.module-definition';
import { FILE_STORE, LocalDiskFileStore } from './file-store';
import { StorageService } from './storage.service';

@Module({
  providers: [
    StorageService,
    // A host's own store (an S3 driver, say) from the module options, else the local disk under STORAGE_DIR.
    {
      provide: FILE_STORE,
      inject: [CREATIVE_ENGINE_OPTIONS, EngineConfig],
      useFactory: (options: CreativeEngineModuleOptions, config: EngineConfig) =>
        options.fileStore ?? new LocalDiskFileStore(config.storageDir),
    },
  ],
  exports: [StorageService],
})
export class StorageModule {}
