import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { AssetsRepository } from '../assets/assets.repository';
import { StoredFilesRepository } from '../assets/stored-files.repository';
import { loadConfig } from '../config/engine-config';
import { PrismaService } from '../prisma/prisma.service';
import { LocalDiskFileStore } from '../storage/file-store';
import type { S3FileStore } from '../storage/s3-file-store';
import { configuredFileStore } from '../storage/storage.module';
import { StorageMigration } from './storage-migration';

const USAGE = 'Usage: npm run storage:migrate -- --to s3   (reads STORAGE_DIR and the S3_* variables)';

/** Exit codes: 0 every file is in the bucket, 1 some could not be copied (listed), 2 bad usage or configuration. */
async function main(): Promise<number> {
  const { values } = parseArgs({ options: { to: { type: 'string' }, help: { type: 'boolean' } }, strict: true });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.to !== 's3') {
    console.error(`${values.to === undefined ? 'Missing --to' : `Cannot migrate to ${values.to}`}. ${USAGE}`);
    return 2;
  }
  if (!process.env.S3_BUCKET) {
    console.error(`S3_BUCKET (and the other S3_* variables of the bucket) must be set. ${USAGE}`);
    return 2;
  }
  const config = loadConfig({ ...process.env, STORAGE_DRIVER: 's3' });
  const prisma = new PrismaService(config);
  try {
    await prisma.$connect();
    const migration = new StorageMigration(
      new StoredFilesRepository(prisma),
      new AssetsRepository(prisma),
      new LocalDiskFileStore(config.storageDir),
      configuredFileStore(config) as S3FileStore,
      (line) => console.error(line),
    );
    const report = await migration.run();
    for (const { key, reason } of report.failed) console.error(`FAILED ${key}: ${reason}`);
    console.log(JSON.stringify(report.failed.length === 0 ? { ...report, failed: 0 } : report));
    if (report.failed.length > 0) {
      console.error(`${report.failed.length} file(s) are not in the bucket: fix them and run again before switching`);
      return 1;
    }
    console.error(`Every file is in s3://${config.storage.s3.bucket}: set STORAGE_DRIVER=s3 on every instance`);
    return 0;
  } finally {
    await prisma.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  },
);
