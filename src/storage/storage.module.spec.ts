import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { EngineConfig } from '../config/engine-config';
import { CREATIVE_ENGINE_OPTIONS } from '../creative-engine.module-definition';
import type { CreativeEngineModuleOptions } from '../creative-engine.module-definition';
import { FILE_STORE, LocalDiskFileStore } from './file-store';
import type { FileStore } from './file-store';
import { StorageModule } from './storage.module';
import { StorageService } from './storage.service';

const config = {
  storageDir: '/srv/storage',
  storage: { driver: 'local', maxFileBytes: 1024, deletionRetryIntervalMs: 0 },
} as EngineConfig;

/** What CreativeEngineModule's global core module provides to StorageModule. */
function coreWith(options: Partial<CreativeEngineModuleOptions>) {
  @Global()
  @Module({
    providers: [
      { provide: CREATIVE_ENGINE_OPTIONS, useValue: { config, ...options } },
      { provide: EngineConfig, useValue: config },
    ],
    exports: [CREATIVE_ENGINE_OPTIONS, EngineConfig],
  })
  class FakeCoreModule {}
  return FakeCoreModule;
}

const memoryStore = (): FileStore & { written: string[] } => {
  const written: string[] = [];
  return {
    written,
    write: async (key) => void written.push(key),
    read: async () => Buffer.from(''),
    openReadStream: async () => {
      throw new Error('not used');
    },
    remove: async () => undefined,
  };
};

describe('StorageModule FILE_STORE', () => {
  it('is the local disk under config.storageDir by default', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [coreWith({}), StorageModule] }).compile();
    const store = moduleRef.get<FileStore>(FILE_STORE);
    expect(store).toBeInstanceOf(LocalDiskFileStore);
    expect((store as LocalDiskFileStore).pathOf('2026/01/00000000-0000-4000-8000-000000000000.png')).toBe(
      '/srv/storage/2026/01/00000000-0000-4000-8000-000000000000.png',
    );
  });

  it('is the fileStore of the module options when a host gives one', async () => {
    const store = memoryStore();
    const moduleRef = await Test.createTestingModule({
      imports: [coreWith({ fileStore: store }), StorageModule],
    }).compile();
    const { key } = await moduleRef.get(StorageService).put(Buffer.from('x'), { extension: 'txt' });
    expect(store.written).toEqual([key]);
  });

  it('can be overridden as a provider', async () => {
    const store = memoryStore();
    const moduleRef = await Test.createTestingModule({ imports: [coreWith({}), StorageModule] })
      .overrideProvider(FILE_STORE)
      .useValue(store)
      .compile();
    const { key } = await moduleRef.get(StorageService).put(Buffer.from('x'), { extension: 'txt' });
    expect(store.written).toEqual([key]);
  });
});
