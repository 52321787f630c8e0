import { Module, OnModuleInit } from '@nestjs/common';
import { EngineConfig } from '../config/engine-config';
import { CREATIVE_ENGINE_OPTIONS } from '../creative-engine.module-definition';
import type { CreativeEngineModuleOptions } from '../creative-engine.module-definition';
import { FILE_STORE, type FileStore, LocalDiskFileStore } from './file-store';
import { configureImageProcessing } from './image-processing';
import { S3FileStore } from './s3-file-store';
import { StorageService } from './storage.service';

@Module({
  providers: [
    StorageService,
    // A host's own store from the module options, else the one STORAGE_DRIVER names.
    {
      provide: FILE_STORE,
      inject: [CREATIVE_ENGINE_OPTIONS, EngineConfig],
      useFactory: (options: CreativeEngineModuleOptions, config: EngineConfig) =>
        options.fileStore ?? configuredFileStore(config),
    },
  ],
  exports: [StorageService],
})
export class StorageModule implements OnModuleInit {
  constructor(private readonly config: EngineConfig) {}

  onModuleInit(): void {
    configureImageProcessing(this.config.storage.imageThreads);
  }
}

/** The store STORAGE_DRIVER names: the local disk under STORAGE_DIR, or the S3_* bucket. */
export function configuredFileStore(config: EngineConfig): FileStore {
  if (config.storage.driver === 'local') return new LocalDiskFileStore(config.storageDir);
  const { s3 } = config.storage;
  return new S3FileStore({
    bucket: s3.bucket as string,
    region: s3.region,
    endpoint: s3.endpoint,
    publicEndpoint: s3.publicEndpoint,
    forcePathStyle: s3.forcePathStyle,
    credentials:
      s3.accessKeyId === undefined
        ? undefined
        : { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey as string },
    keyPrefix: s3.keyPrefix,
    requestTimeoutMs: s3.requestTimeoutMs,
    maxAttempts: s3.maxAttempts,
  });
}
