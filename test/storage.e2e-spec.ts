import { mkdir, readFile, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { StoredFilesService } from '../src/assets/stored-files';
import { StorageService } from '../src/storage/storage.service';
import { createTestApp, TestApp } from './support/app';

describe('StorageService (local disk)', () => {
  let t: TestApp;
  let storage: StorageService;
  beforeAll(async () => {
    t = await createTestApp({ STORAGE_MAX_FILE_BYTES: '2048' });
    storage = t.app.get(StorageService);
  });
  afterAll(() => t.close());

  const diskPath = (key: string) => path.join(t.config.storageDir, key);

  it('puts bytes under a server-generated <yyyy>/<mm>/<uuid>.<ext> key, reads and streams them back', async () => {
    const { key } = await storage.put(Buffer.from('hello'), { extension: '.TXT' });
    const now = new Date();
    expect(key).toMatch(
      new RegExp(`^${now.getUTCFullYear()}/${String(now.getUTCMonth() + 1).padStart(2, '0')}/[0-9a-f-]{36}\\.txt$`),
    );
    expect(await readFile(diskPath(key), 'utf8')).toBe('hello');
    expect((await storage.read(key)).toString()).toBe('hello');
    expect(await text(await storage.createReadStream(key))).toBe('hello');
    const second = await storage.put(Buffer.from('hello'), { extension: 'txt' });
    expect(second.key).not.toBe(key);
  });

  it('refuses files over STORAGE_MAX_FILE_BYTES with a 413 error and bad extensions with a 400', async () => {
    await expect(storage.put(Buffer.alloc(2049), { extension: 'bin' })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
    });
    await expect(storage.put(Buffer.from('x'), { extension: '../../x' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it.each(['../secret.txt', '/etc/passwd', '2026/01/../../../etc/passwd', '2026/01/x.png', '2026\\01\\a.png', ''])(
    'no read, stream or delete can use the key %j',
    async (key) => {
      await expect(storage.read(key)).rejects.toThrow('Not a storage key');
      await expect(storage.createReadStream(key)).rejects.toThrow('Not a storage key');
      await expect(storage.delete(key)).rejects.toThrow('Not a storage key');
    },
  );

  it('a missing file is a NotFoundError; deleting it again succeeds', async () => {
    const { key } = await storage.put(Buffer.from('bye'), { extension: 'txt' });
    await storage.delete(key);
    await expect(stat(diskPath(key))).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(storage.read(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(storage.createReadStream(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(storage.delete(key)).resolves.toBeUndefined();
    expect(await t.prisma.pendingFileDeletion.findUnique({ where: { key } })).toBeNull();
  });

  it('a failed delete is recorded (attempts counted) and the sweep finishes it once possible', async () => {
    const { key } = await storage.put(Buffer.from('stuck'), { extension: 'txt' });
    await unlink(diskPath(key));
    await mkdir(diskPath(key));
    await writeFile(path.join(diskPath(key), 'blocker'), 'x');
    const deletions = t.app.get(StoredFilesService);
    await deletions.deleteUnheld([key]);
    await deletions.deleteUnheld([key]);
    expect(await t.prisma.pendingFileDeletion.findUniqueOrThrow({ where: { key } })).toMatchObject({ attempts: 2 });

    expect(await deletions.retryPendingDeletions({ keys: [key] })).toEqual({ deleted: 0, failed: 1 });
    expect(await t.prisma.pendingFileDeletion.findUniqueOrThrow({ where: { key } })).toMatchObject({ attempts: 3 });

    await unlink(path.join(diskPath(key), 'blocker'));
    await rmdir(diskPath(key));
    expect(await deletions.retryPendingDeletions({ keys: [key] })).toEqual({ deleted: 1, failed: 0 });
    expect(await t.prisma.pendingFileDeletion.findUnique({ where: { key } })).toBeNull();
  });
});
