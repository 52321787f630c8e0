import { Module } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { PrismaModule } from '../prisma/prisma.module';
import { FILE_STORE, LocalDiskFileStore } from './file-store';
import { StorageService } from './storage.service';

@Module({
  imports: [PrismaModule],
  providers: [
    StorageService,
    { provide: FILE_STORE, inject: [EngineConfig], useFactory: (config: EngineConfig) => new LocalDiskFileStore(config.storageDir) },
  ],
  exports: [StorageService],
})
export class StorageModule {}
