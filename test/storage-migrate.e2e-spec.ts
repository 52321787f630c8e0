import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AssetsRepository } from '../src/assets/assets.repository';
import { AssetsService } from '../src/assets/assets.service';
import { StoredFilesRepository } from '../src/assets/stored-files.repository';
import { loadConfig } from '../src/config/engine-config';
import { LocalDiskFileStore } from '../src/storage/file-store';
import type { S3FileStore } from '../src/storage/s3-file-store';
import { configuredFileStore } from '../src/storage/storage.module';
import { StorageMigration } from '../src/storage-migration/storage-migration';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, pngBytes, sha256 } from './support/factories';
import { startS3Server, TestS3Server } from './support/s3-server';
import { dropDatabase } from './support/global-teardown';
import { databaseUrlFor, newRunId, testEnvironment } from './support/test-env';
import { runMigrations } from '../src/prisma/migrate';

const ROOT = path.resolve(__dirname, '..');
const localDir = path.join(os.tmpdir(), `ce-test-${process.env.QUEUE_PREFIX}-migrate-local`);

describe('npm run storage:migrate -- --to s3', () => {
  let s3: TestS3Server;
  let t: TestApp;
  const bucket = 'creative-migrate';
  const owner = newUserId();
  const assetIds: string[] = [];
  // A library of its own: the migration walks every stored file of the database.
  const databaseName = `ce_migrate_${newRunId()}`;
  const DATABASE_URL = databaseUrlFor(databaseName);

  beforeAll(async () => {
    await runMigrations({ databaseUrl: DATABASE_URL });
    s3 = await startS3Server();
    await s3.createBucket(bucket);
    t = await createTestApp({ DATABASE_URL, STORAGE_DIR: localDir });
    const assets = t.app.get(AssetsService);
    const colours = [
      { r: 10, g: 20, b: 30 },
      { r: 40, g: 50, b: 60 },
      { r: 10, g: 20, b: 30 },
      { r: 70, g: 80, b: 90 },
    ];
    for (const colour of colours) {
      const bytes = await pngBytes(64, 64, colour);
      assetIds.push((await assets.saveAsset(owner, { type: 'image', sourceModule: 'uploads', title: 'm', bytes })).id);
    }
    // The last one was stored before checksums were kept.
    const legacy = await t.prisma.creativeAsset.update({ where: { id: assetIds[3] }, data: { checksum: null } });
    await t.prisma.storedObject.updateMany({ where: { key: legacy.storageKey! }, data: { checksum: null } });
  });
  afterAll(async () => {
    await t.close();
    await s3.close();
    await dropDatabase(databaseName);
  });

  const s3Environment = () => testEnvironment({ ...s3.environment(bucket), DATABASE_URL, STORAGE_DIR: localDir });
  const bucketStore = () => configuredFileStore(loadConfig(s3Environment())) as S3FileStore;
  const migration = (target: S3FileStore) =>
    new StorageMigration(
      new StoredFilesRepository(t.prisma),
      new AssetsRepository(t.prisma),
      new LocalDiskFileStore(localDir),
      target,
    );
  /** The CLI as an operator runs it; asynchronously, as the S3 server answers from this process. */
  const runCli = async () => {
    const cli = path.join(ROOT, 'dist', 'storage-migration', 'cli.js');
    if (!existsSync(cli)) throw new Error('dist/storage-migration/cli.js is missing: `npm test` builds it first');
    const child = spawn(path.join(ROOT, 'node_modules', '.bin', 'node'), [cli, '--to', 's3'], {
      env: { PATH: process.env.PATH, ...s3Environment() },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const [status] = (await once(child, 'exit')) as [number | null];
    const last = stdout.trim().split('\n').pop() ?? '';
    return { status, report: last.startsWith('{') ? JSON.parse(last) : last, stderr };
  };
  const objectsInBucket = async () =>
    (await s3.client.send(new ListObjectsV2Command({ Bucket: bucket }))).Contents?.map((object) => object.Key) ?? [];

  it('an interrupted run copies what it could; the next run resumes, verifies and records missing checksums', async () => {
    // 3 distinct images (one is saved twice) and their thumbnails.
    expect(await t.prisma.storedObject.count({ where: { userId: owner } })).toBe(6);
    const flaky = bucketStore();
    const write = flaky.write.bind(flaky);
    let writes = 0;
    jest.spyOn(flaky, 'write').mockImplementation(async (key, bytes, options) => {
      writes += 1;
      if (writes > 2) throw new Error('connection reset');
      return write(key, bytes, options);
    });
    const interrupted = await migration(flaky).run();
    expect(interrupted).toMatchObject({ copied: 2, alreadyThere: 0, checksumsRecorded: 1 });
    expect(interrupted.failed).toHaveLength(4);
    expect(interrupted.failed[0].reason).toBe('connection reset');

    const resumed = await runCli();
    expect(resumed.stderr).toContain('set STORAGE_DRIVER=s3');
    expect(resumed).toMatchObject({
      status: 0,
      report: { copied: 4, alreadyThere: 2, checksumsRecorded: 0, failed: 0 },
    });
    expect(await objectsInBucket()).toHaveLength(6);

    const legacy = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: assetIds[3] } });
    const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: legacy.storageKey! }));
    expect(legacy.checksum).toBe(sha256(Buffer.from(await Body!.transformToByteArray())));
  });

  it('is idempotent: run again, it copies nothing', async () => {
    expect(await runCli()).toMatchObject({ status: 0, report: { copied: 0, alreadyThere: 6, failed: 0 } });
  });

  it('after the switch to STORAGE_DRIVER=s3 every asset is served from the bucket, with no local disk', async () => {
    const switched = await createTestApp({
      ...s3.environment(bucket),
      DATABASE_URL,
      STORAGE_DIR: path.join(os.tmpdir(), `ce-test-${process.env.QUEUE_PREFIX}-migrate-empty`),
    });
    try {
      for (const id of assetIds) {
        const asset = await switched.http.get(`${BASE}/asset/${id}`).set(bearer(owner)).expect(200);
        const file = await switched.http.get(`${BASE}/asset/${id}/file`).set(bearer(owner)).expect(200);
        expect(sha256(file.body as Buffer)).toBe(asset.body.checksum);
        await switched.http.get(`${BASE}/asset/${id}/thumbnail`).set(bearer(owner)).expect(200);
      }
    } finally {
      await switched.close();
    }
  });

  it('refuses to copy a local file whose bytes are not the ones recorded, and says which', async () => {
    const assets = t.app.get(AssetsService);
    const bytes = await pngBytes(32, 32, { r: 1, g: 1, b: 1 });
    const saved = await assets.saveAsset(owner, { type: 'image', sourceModule: 'uploads', title: 'bad', bytes });
    const { storageKey } = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: saved.id } });
    await writeFile(path.join(localDir, storageKey!), 'not the bytes that were stored');
    const report = await migration(bucketStore()).run();
    expect(report.failed).toEqual([
      { key: storageKey, reason: expect.stringContaining(`is not the recorded ${sha256(bytes)}: not copied`) },
    ]);
    expect(await objectsInBucket()).not.toContain(storageKey);
  });
});
