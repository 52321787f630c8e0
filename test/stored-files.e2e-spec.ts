import { access } from 'node:fs/promises';
import path from 'node:path';
import { Client } from 'pg';
import { AssetsService } from '../src/assets/assets.service';
import { StoredFilesService } from '../src/assets/stored-files';
import { StoredFilesRepository } from '../src/assets/stored-files.repository';
import { StorageService } from '../src/storage/storage.service';
import { GenerationJobsRepository } from '../src/jobs/generation-jobs.repository';
import { RENDER_STEPS } from '../src/jobs/render-steps';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, jobRow, newUserId, pngBytes, sha256 } from './support/factories';
import { startImageJob, waitFor } from './support/image-jobs';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );

describe('stored files: checksums, one object per user and content, no orphans', () => {
  let t: TestApp;
  let assets: AssetsService;
  let files: StoredFilesService;
  let jobs: GenerationJobsRepository;
  const env = {
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-stored-files`,
    STORAGE_ORPHAN_GRACE_MS: '1000',
    STORAGE_DELETION_RETRY_INTERVAL_MS: '0',
  };

  beforeAll(async () => {
    t = await createTestApp({ ...env, WORKER_ENABLED: 'false' });
    assets = t.app.get(AssetsService);
    files = t.app.get(StoredFilesService);
    jobs = t.app.get(GenerationJobsRepository);
  });
  afterAll(() => t.close());

  const diskPath = (key: string) => path.join(t.config.storageDir, key);
  const keysOf = (id: string) =>
    t.prisma.creativeAsset.findUniqueOrThrow({ where: { id }, select: { storageKey: true, thumbnailKey: true } });
  const saveImage = (userId: string, bytes: Buffer) =>
    assets.saveAsset(userId, { type: 'image', sourceModule: 'uploads', title: 'same bytes', bytes });

  it('answers the sha256 of the bytes as checksum; text assets have none', async () => {
    const owner = newUserId();
    const bytes = await pngBytes(64, 48);
    const image = await saveImage(owner, bytes);
    const answer = await t.http.get(`${BASE}/asset/${image.id}`).set(bearer(owner)).expect(200);
    expect(answer.body.checksum).toBe(sha256(bytes));
    const note = await assets.saveAsset(owner, { type: 'text', sourceModule: 'notes', title: 'n', content: 'hello' });
    expect(note.checksum).toBeNull();
  });

  it("stores several files in one reservation, in their order, holding the user's object with the same bytes", async () => {
    const owner = newUserId();
    const [existingBytes, newBytes, thumbnail] = [
      await pngBytes(30, 20, { r: 9, g: 8, b: 7 }),
      await pngBytes(31, 20, { r: 9, g: 8, b: 7 }),
      Buffer.from('a thumbnail'),
    ];
    const existing = await saveImage(owner, existingBytes);
    const existingKey = (await keysOf(existing.id)).storageKey;
    const stored = await files.storeAll(owner, [
      { source: newBytes, extension: 'png' },
      { source: existingBytes, extension: 'png' },
      { source: thumbnail, extension: 'webp' },
    ]);
    expect(stored.map((file) => file.checksum)).toEqual([sha256(newBytes), sha256(existingBytes), sha256(thumbnail)]);
    expect(stored[1].key).toBe(existingKey);
    expect(stored[2].key).toMatch(/\.webp$/);
    expect(await t.prisma.storageIntent.count({ where: { id: { in: stored.map((file) => file.intentId) } } })).toBe(3);
    const objects = await t.prisma.storedObject.findMany({ where: { key: { in: [stored[0].key, stored[2].key] } } });
    // The new files' objects were recorded by the reservation, pending until an asset names them.
    expect(
      objects
        .map(({ key, userId, byteSize, pending }) => ({ key, userId, byteSize, pending }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual(
      [
        { key: stored[0].key, userId: owner, byteSize: newBytes.length, pending: true },
        { key: stored[2].key, userId: owner, byteSize: thumbnail.length, pending: true },
      ].sort((a, b) => a.key.localeCompare(b.key)),
    );
    await files.discard(stored);
    expect(await exists(diskPath(stored[0].key))).toBe(false);
    expect(await exists(diskPath(existingKey!))).toBe(true);
  });

  it('stores files only when the condition run in their reservation returns a row: a job’s step, while it is processing', async () => {
    const owner = newUserId();
    const job = jobRow(owner, { status: 'processing', currentStep: 1, progress: 10 });
    await t.prisma.generationJob.create({ data: job as never });
    const bytes = await pngBytes(33, 21, { r: 4, g: 5, b: 6 });
    const image = { type: 'image' as const, sourceModule: 'image_generation', title: 'conditional', bytes };

    const prepared = await assets.prepareAssetFilesIf(owner, image, jobs.advanceSql(job.id, RENDER_STEPS.storing));
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      currentStep: RENDER_STEPS.storing.step,
      progress: RENDER_STEPS.storing.progress,
    });
    const intents = prepared!.storedFiles.map((file) => file.intentId);
    expect(await t.prisma.storageIntent.count({ where: { id: { in: intents } } })).toBe(2);
    await assets.discardPreparedAsset(prepared!);

    await t.prisma.generationJob.update({ where: { id: job.id }, data: { status: 'cancelled' } });
    const objectsBefore = await t.prisma.storedObject.count({ where: { userId: owner } });
    const reserve = jest.spyOn(t.app.get(StoredFilesRepository), 'holdOrReserve');
    const write = jest.spyOn(t.app.get(StorageService), 'writeAt');
    try {
      const other = { ...image, bytes: await pngBytes(34, 21, { r: 4, g: 5, b: 6 }) };
      await expect(
        assets.prepareAssetFilesIf(owner, other, jobs.advanceSql(job.id, RENDER_STEPS.storing)),
      ).resolves.toBeNull();
      // The reservation's statement ran, recorded no intent, and no byte was written.
      expect(reserve).toHaveBeenCalledTimes(1);
      await expect(reserve.mock.results[0].value).resolves.toBeNull();
      expect(write).not.toHaveBeenCalled();
    } finally {
      reserve.mockRestore();
      write.mockRestore();
    }
    expect(await t.prisma.storedObject.count({ where: { userId: owner } })).toBe(objectsBefore);
    expect(await t.prisma.generationJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({
      status: 'cancelled',
      currentStep: RENDER_STEPS.storing.step,
    });
    await expect(
      assets.prepareAssetFilesIf(
        owner,
        { type: 'text', sourceModule: 'notes', title: 'n', content: 'no file' },
        jobs.advanceSql(job.id, RENDER_STEPS.storing),
      ),
    ).rejects.toThrow('needs files to store');
  });

  it("stores one user's identical bytes once; deleting one of two keeps the file, deleting both removes it", async () => {
    const owner = newUserId();
    const bytes = await pngBytes(80, 60, { r: 1, g: 2, b: 3 });
    const first = await saveImage(owner, bytes);
    const second = await saveImage(owner, bytes);
    const [firstKeys, secondKeys] = [await keysOf(first.id), await keysOf(second.id)];
    expect(secondKeys).toEqual(firstKeys);
    expect(await t.prisma.storedObject.findUniqueOrThrow({ where: { key: firstKeys.storageKey! } })).toMatchObject({
      userId: owner,
      checksum: sha256(bytes),
      byteSize: bytes.length,
      refCount: 2,
    });
    expect(await t.prisma.storageIntent.count({ where: { key: { in: [firstKeys.storageKey!] } } })).toBe(0);

    const stranger = await saveImage(newUserId(), bytes);
    expect((await keysOf(stranger.id)).storageKey).not.toBe(firstKeys.storageKey);

    await t.http.delete(`${BASE}/asset/${first.id}`).set(bearer(owner)).expect(200);
    expect(await exists(diskPath(firstKeys.storageKey!))).toBe(true);
    expect(await exists(diskPath(firstKeys.thumbnailKey!))).toBe(true);
    const served = await t.http.get(`${BASE}/asset/${second.id}/file`).set(bearer(owner)).expect(200);
    expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);

    await t.http.delete(`${BASE}/asset/${second.id}`).set(bearer(owner)).expect(200);
    expect(await exists(diskPath(firstKeys.storageKey!))).toBe(false);
    expect(await exists(diskPath(firstKeys.thumbnailKey!))).toBe(false);
    expect(
      await t.prisma.storedObject.count({ where: { key: { in: [firstKeys.storageKey!, firstKeys.thumbnailKey!] } } }),
    ).toBe(0);
  });

  it('identical bytes whose object is still pending are held and written again; the asset that names them settles it', async () => {
    const owner = newUserId();
    const bytes = await pngBytes(36, 24, { r: 7, g: 1, b: 7 });
    const image = { type: 'image' as const, sourceModule: 'uploads', title: 'pending bytes', bytes };
    const write = jest.spyOn(t.app.get(StorageService), 'writeAt');
    try {
      const first = await assets.prepareAssetFiles(owner, image);
      const keys = first.storedFiles.map((file) => file.key);
      const [second, third] = await Promise.all([
        assets.prepareAssetFiles(owner, image),
        assets.prepareAssetFiles(owner, image),
      ]);
      expect(second.storedFiles.map((file) => file.key)).toEqual(keys);
      expect(third.storedFiles.map((file) => file.key)).toEqual(keys);
      // Nothing had settled the first writer's objects: each holder wrote the bytes as well, at the same time.
      expect(write.mock.calls.map(([key]) => key).sort()).toEqual([...keys, ...keys, ...keys].sort());
      expect(await t.prisma.storedObject.count({ where: { userId: owner } })).toBe(2);

      // The first writer gives up; the holders' intents keep the files, whole.
      await assets.discardPreparedAsset(first);
      await assets.discardPreparedAsset(third);
      for (const key of keys) expect(await exists(diskPath(key))).toBe(true);
      const asset = await assets.createPreparedAsset(owner, second);
      expect(await t.prisma.storedObject.findMany({ where: { key: { in: keys } } })).toEqual(
        expect.arrayContaining(keys.map((key) => expect.objectContaining({ key, refCount: 1, pending: false }))),
      );
      const served = await t.http.get(`${BASE}/asset/${asset.id}/file`).set(bearer(owner)).expect(200);
      expect(Buffer.compare(served.body as Buffer, bytes)).toBe(0);

      // Settled bytes are held without being written.
      write.mockClear();
      const later = await saveImage(owner, bytes);
      expect(await keysOf(later.id)).toEqual({ storageKey: keys[0], thumbnailKey: keys[1] });
      expect(write).not.toHaveBeenCalled();
    } finally {
      write.mockRestore();
    }
  });

  it('a transaction that rolls back gives up a shared file without deleting it', async () => {
    const owner = newUserId();
    const bytes = await pngBytes(40, 40, { r: 9, g: 9, b: 9 });
    const kept = await saveImage(owner, bytes);
    const prepared = await assets.prepareAssetFiles(owner, {
      type: 'image',
      sourceModule: 'uploads',
      title: 'rolled back',
      bytes,
    });
    await expect(
      t.prisma.$transaction(async (tx) => {
        await assets.createPreparedAsset(owner, prepared, tx);
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    await assets.discardPreparedAsset(prepared);
    const { storageKey } = await keysOf(kept.id);
    expect(await exists(diskPath(storageKey!))).toBe(true);
    expect(await t.prisma.storageIntent.count({ where: { key: storageKey! } })).toBe(0);
  });

  it('a prepared asset cannot be created for another user than the one its files were stored for', async () => {
    const prepared = await assets.prepareAssetFiles(newUserId(), {
      type: 'image',
      sourceModule: 'uploads',
      title: 'mine',
      bytes: await pngBytes(20, 20),
    });
    await expect(assets.createPreparedAsset(newUserId(), prepared)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await assets.discardPreparedAsset(prepared);
  });

  describe('a worker process killed mid-job (a lock held elsewhere stops it at a chosen statement)', () => {
    let worker: WorkerProcess | undefined;
    let locker: Client | undefined;
    afterEach(async () => {
      await worker?.kill('SIGKILL');
      await locker?.end();
      worker = locker = undefined;
    });

    /** Holds `table` in SHARE mode from another connection: the worker's next write to it waits. */
    async function lockTable(table: string): Promise<Client> {
      const client = new Client({ connectionString: t.config.databaseUrl });
      await client.connect();
      await client.query('BEGIN');
      await client.query(`LOCK TABLE "${table}" IN SHARE MODE`);
      return client;
    }

    /** Waits until some other connection waits for a lock on `table` (or, with `waiting: false`, until none does). */
    const lockWaiters = (client: Client, table: string, waiting = true) =>
      waitFor(
        async () => {
          const { rows } = await client.query<{ waiting: number }>(
            `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
             WHERE c.relname = $1 AND NOT l.granted`,
            [table],
          );
          return rows[0].waiting > 0 === waiting ? true : undefined;
        },
        `a lock wait on ${table} to ${waiting ? 'start' : 'end'}`,
      );

    it('between storing the files and inserting the asset: leaves intents that the sweep turns into deleted files once they are older than the grace period', async () => {
      const owner = newUserId();
      const [{ now: started }] = await t.prisma.$queryRaw<{ now: Date }[]>`SELECT now() AS now`;
      // The completing statement waits for this lock: the worker has reserved and written both files (its
      // intents hold them). Killing the worker and ending its statement's backend is a worker that died before
      // its completion reached the database.
      locker = await lockTable('creative_assets');

      await startImageJob(t.http, owner, imageRequest({ prompt: 'Killed before its row' }));
      worker = startWorkerProcess({ ...env, WORKER_ENABLED: 'true' });
      const doomed = worker;
      await lockWaiters(locker, 'creative_assets');
      const intents = await t.prisma.storageIntent.findMany({ where: { createdAt: { gte: started } } });
      const keys = intents.map((intent) => intent.key);
      expect(keys).toHaveLength(2);
      for (const key of keys) expect(await exists(diskPath(key))).toBe(true);
      await doomed.kill('SIGKILL');
      await locker.query(
        `SELECT pg_terminate_backend(l.pid) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
         WHERE c.relname = 'creative_assets' AND NOT l.granted
           AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      await locker.query('COMMIT');
      await lockWaiters(locker, 'creative_assets', false);

      expect(await t.prisma.creativeAsset.count({ where: { userId: owner } })).toBe(0);
      expect(await t.prisma.storageIntent.count({ where: { key: { in: keys } } })).toBe(2);

      // Within the grace period the files may still belong to a write in progress: nothing goes.
      await files.sweep();
      for (const key of keys) expect(await exists(diskPath(key))).toBe(true);

      await new Promise((resolve) => setTimeout(resolve, 1_100));
      const swept = await files.sweep();
      expect(swept.orphanedIntents).toBeGreaterThanOrEqual(2);
      for (const key of keys) expect(await exists(diskPath(key))).toBe(false);
      expect(await t.prisma.storedObject.count({ where: { key: { in: keys } } })).toBe(0);
      expect(await t.prisma.storageIntent.count({ where: { key: { in: keys } } })).toBe(0);
      expect(await t.prisma.pendingFileDeletion.count({ where: { key: { in: keys } } })).toBe(0);
    });

    it('while its completing statement waits for a lock: the statement, already sent, completes the job whole: its asset, its files claimed, nothing for the sweep', async () => {
      const owner = newUserId();
      // The completion's asset insert waits for this lock; the worker has sent its one completing statement.
      locker = await lockTable('creative_assets');
      const jobId = await startImageJob(t.http, owner, imageRequest({ prompt: 'Killed while completing' }));
      worker = startWorkerProcess({ ...env, WORKER_ENABLED: 'true' });
      await lockWaiters(locker, 'creative_assets');
      await worker.kill('SIGKILL');
      await locker.query('COMMIT');
      // Its backend goes on alone; the statement commits moments after the lock is gone.
      await waitFor(async () => {
        const job = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: jobId } });
        return job.status === 'completed' ? job : undefined;
      }, `job ${jobId} to complete without its worker`);
      const [asset] = await t.prisma.creativeAsset.findMany({ where: { generationId: jobId } });
      const keys = [asset.storageKey as string, asset.thumbnailKey as string];
      expect(await t.prisma.storageIntent.count({ where: { key: { in: keys } } })).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await files.sweep();
      for (const key of keys) expect(await exists(diskPath(key))).toBe(true);
      expect(await t.prisma.storedObject.count({ where: { key: { in: keys }, refCount: 1 } })).toBe(2);
    });
  });
});
