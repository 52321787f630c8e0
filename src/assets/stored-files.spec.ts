import type { EngineConfig } from '../config/engine-config';
import type { StorageService } from '../storage/storage.service';
import { sha256Hex, StoredFilesService } from './stored-files';
import type { FileReservation, StoredFilesRepository } from './stored-files.repository';

const KEY = '2026/01/00000000-0000-4000-8000-000000000000.png';
const OTHER_KEY = '2026/01/00000000-0000-4000-8000-000000000001.png';

/**
 * A store that records its writes and fails deletions of `failing` keys, and an in-memory bookkeeping with
 * the rules of the SQL: an object is released when no asset (refCount) and no intent holds it.
 */
function setup(failing = new Set<string>()) {
  const events: string[] = [];
  const written = new Map<string, Buffer>();
  const storage = {
    assertFits: () => undefined,
    writeAt: jest.fn(async (key: string, bytes: Buffer) => {
      events.push(`write ${key}`);
      written.set(key, bytes);
    }),
    delete: jest.fn(async (key: string) => {
      if (failing.has(key)) throw new Error(`cannot delete ${key}`);
      written.delete(key);
    }),
  };
  const objects = new Map<string, { userId: string; checksum: string; refCount: number; pending: boolean }>();
  const intents = new Map<string, { key: string; stale: boolean }>();
  const pending = new Map<string, { id: string; key: string; attempts: number; lastError: string | null }>();
  const repository = {
    holdOrReserve: jest.fn(async (userId: string, reservations: FileReservation[]) =>
      reservations.map(({ intentId, checksum, newKey }) => {
        // A settled object first, as the SQL orders them.
        const [existing] = [...objects]
          .filter(([, o]) => o.userId === userId && o.checksum === checksum)
          .sort(([, a], [, b]) => Number(a.pending) - Number(b.pending));
        const key = existing?.[0] ?? newKey;
        if (!existing) objects.set(key, { userId, checksum, refCount: 0, pending: true });
        events.push(`intent ${key}`);
        intents.set(intentId, { key, stale: false });
        return { key, writeBytes: !existing || existing[1].pending };
      }),
    ),
    clearIntents: async (ids: readonly string[]) => ids.forEach((id) => intents.delete(id)),
    deleteStaleIntents: async () => {
      const stale = [...intents].filter(([, intent]) => intent.stale);
      stale.forEach(([id]) => intents.delete(id));
      return stale.map(([, intent]) => intent.key);
    },
    findUnreferencedKeys: async () => [...objects].filter(([, o]) => o.refCount <= 0).map(([key]) => key),
    releaseUnheld: async (keys: readonly string[]) => {
      const unheld = [...new Set(keys)].filter(
        (key) => (objects.get(key)?.refCount ?? 0) <= 0 && ![...intents.values()].some((i) => i.key === key),
      );
      for (const key of unheld) {
        objects.delete(key);
        pending.set(key, pending.get(key) ?? { id: `id-${key}`, key, attempts: 0, lastError: null });
      }
      return unheld;
    },
    findPendingDeletions: async (keys: string[] | undefined) =>
      [...pending.values()].filter((row) => !keys || keys.includes(row.key)),
    clearPendingDeletion: async (id: string) => {
      for (const [key, row] of pending) if (row.id === id) pending.delete(key);
    },
    countFailedRetry: async (id: string, error: string) => {
      for (const [key, row] of pending)
        if (row.id === id) pending.set(key, { ...row, attempts: row.attempts + 1, lastError: error });
    },
  };
  const config = { storage: { deletionRetryIntervalMs: 0, orphanGraceMs: 1000 } } as EngineConfig;
  const files = new StoredFilesService(
    storage as unknown as StorageService,
    repository as unknown as StoredFilesRepository,
    config,
  );
  /** What inserting an asset with these keys does: the trigger's count (which settles the object) and the cleared intents. */
  const insertAsset = async (...stored: { key: string; intentId: string }[]) => {
    for (const file of stored) Object.assign(objects.get(file.key)!, { pending: false }).refCount += 1;
    await files.claim(stored as never);
  };
  return { files, storage, repository, objects, intents, pending, written, events, insertAsset };
}

/** Stores one file through storeAll. */
const storeOne = async (files: StoredFilesService, userId: string, source: Buffer, extension: string) =>
  (await files.storeAll(userId, [{ source, extension }]))[0];

describe('StoredFilesService', () => {
  const bytes = Buffer.from('the same bytes');

  it('records the intent and the pending object, with the sha256 of the bytes, before it writes', async () => {
    const { files, objects, events } = setup();
    const stored = await storeOne(files, 'u1', bytes, 'png');
    expect(events).toEqual([`intent ${stored.key}`, `write ${stored.key}`]);
    expect(stored.checksum).toBe(sha256Hex(bytes));
    expect(stored.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(objects.get(stored.key)).toEqual({ userId: 'u1', checksum: stored.checksum, refCount: 0, pending: true });
  });

  it("stores one user's identical bytes once, another user's apart; bytes an asset holds are not written again", async () => {
    const { files, storage, insertAsset } = setup();
    const first = await storeOne(files, 'u1', bytes, 'png');
    await insertAsset(first);
    const second = await storeOne(files, 'u1', bytes, 'png');
    const otherUser = await storeOne(files, 'u2', bytes, 'png');
    expect(second.key).toBe(first.key);
    expect(second.intentId).not.toBe(first.intentId);
    expect(otherUser.key).not.toBe(first.key);
    expect(storage.writeAt.mock.calls.map(([key]) => key)).toEqual([first.key, otherUser.key]);
  });

  it('holds the key of identical bytes whose object is still pending, and writes them too', async () => {
    const { files, storage, written, insertAsset, objects } = setup();
    const first = await storeOne(files, 'u1', bytes, 'png');
    const second = await storeOne(files, 'u1', bytes, 'png');
    expect(second.key).toBe(first.key);
    expect(storage.writeAt.mock.calls.map(([key]) => key)).toEqual([first.key, first.key]);
    // The first writer gives up: the holder's intent keeps the object and its bytes.
    await files.discard([first]);
    expect(written.get(first.key)).toEqual(bytes);
    await insertAsset(second);
    expect(objects.get(first.key)).toMatchObject({ refCount: 1, pending: false });
  });

  it('keeps a shared file while one of its assets remains, deletes it with the last', async () => {
    const { files, written, insertAsset, objects } = setup();
    const first = await storeOne(files, 'u1', bytes, 'png');
    await insertAsset(first);
    const second = await storeOne(files, 'u1', bytes, 'png');
    await insertAsset(second);
    objects.get(first.key)!.refCount -= 1;
    await files.deleteUnheld([first.key]);
    expect(written.has(first.key)).toBe(true);
    objects.get(first.key)!.refCount -= 1;
    await files.deleteUnheld([first.key]);
    expect(written.has(first.key)).toBe(false);
  });

  it('discarding a file shared with an existing asset keeps it; discarding a new one deletes it', async () => {
    const { files, written, insertAsset } = setup();
    const kept = await storeOne(files, 'u1', bytes, 'png');
    await insertAsset(kept);
    await files.discard([await storeOne(files, 'u1', bytes, 'png')]);
    expect(written.has(kept.key)).toBe(true);
    const fresh = await storeOne(files, 'u1', Buffer.from('other'), 'png');
    await files.discard([fresh]);
    expect(written.has(fresh.key)).toBe(false);
  });

  it("stores an asset's files with one reservation for all, answered in their order", async () => {
    const { files, repository, objects, written, insertAsset } = setup();
    const kept = await storeOne(files, 'u1', bytes, 'png');
    await insertAsset(kept);
    repository.holdOrReserve.mockClear();
    const image = Buffer.from('image');
    const [first, shared, thumbnail] = await files.storeAll('u1', [
      { source: image, extension: 'png' },
      { source: bytes, extension: 'png' },
      { source: Buffer.from('thumbnail'), extension: 'webp' },
    ]);
    expect(repository.holdOrReserve).toHaveBeenCalledTimes(1);
    expect(repository.holdOrReserve.mock.calls[0][1]).toEqual([
      expect.objectContaining({ checksum: sha256Hex(image), byteSize: image.length }),
      expect.objectContaining({ checksum: sha256Hex(bytes), byteSize: bytes.length }),
      expect.objectContaining({ byteSize: 'thumbnail'.length }),
    ]);
    expect(shared.key).toBe(kept.key);
    expect(thumbnail.key).toMatch(/\.webp$/);
    expect(written.get(first.key)).toEqual(image);
    expect(objects.size).toBe(3);
  });

  it('one failed write gives up every file of the call, once all its writes have settled', async () => {
    const { files, storage, written, intents, events } = setup();
    let finishSlowWrite = () => undefined as void;
    storage.writeAt
      .mockImplementationOnce(
        (key: string, source: Buffer) =>
          new Promise<void>((resolve) => {
            finishSlowWrite = () => {
              events.push(`write ${key}`);
              written.set(key, source);
              resolve();
            };
          }),
      )
      .mockImplementationOnce(async () => {
        setTimeout(() => finishSlowWrite(), 10);
        throw new Error('disk full');
      });
    await expect(
      files.storeAll('u1', [
        { source: Buffer.from('slow'), extension: 'png' },
        { source: Buffer.from('failing'), extension: 'webp' },
      ]),
    ).rejects.toThrow('disk full');
    expect(written.size).toBe(0);
    expect(intents.size).toBe(0);
  });

  it("the sweep removes the files of stale intents and unreferenced objects, not a fresh intent's", async () => {
    const { files, written, intents, insertAsset } = setup();
    const orphan = await storeOne(files, 'u1', bytes, 'png');
    const inFlight = await storeOne(files, 'u1', Buffer.from('in flight'), 'png');
    const claimed = await storeOne(files, 'u1', Buffer.from('claimed'), 'png');
    await insertAsset(claimed);
    intents.get(orphan.intentId)!.stale = true;
    expect(await files.sweep()).toEqual({ orphanedIntents: 1, deleted: 1, failed: 0 });
    expect([...written.keys()].sort()).toEqual([inFlight.key, claimed.key].sort());
  });

  it('a failed deletion stays recorded with its attempts and is retried until it succeeds', async () => {
    const failing = new Set([KEY, OTHER_KEY]);
    const { files, pending, objects } = setup(failing);
    objects.set(KEY, { userId: 'u1', checksum: 'a', refCount: 0, pending: false });
    objects.set(OTHER_KEY, { userId: 'u1', checksum: 'b', refCount: 0, pending: false });
    await files.deleteUnheld([KEY, OTHER_KEY]);
    expect(pending.get(KEY)).toMatchObject({ attempts: 1, lastError: `cannot delete ${KEY}` });
    failing.delete(OTHER_KEY);
    expect(await files.retryPendingDeletions()).toEqual({ deleted: 1, failed: 1 });
    expect([...pending.keys()]).toEqual([KEY]);
    expect(pending.get(KEY)?.attempts).toBe(2);
  });

  it('refuses keys that are not storage keys before releasing anything', async () => {
    const { files, repository } = setup();
    const release = jest.spyOn(repository, 'releaseUnheld');
    expect(() => files.releaseInTransaction(['../../etc/passwd'], {} as never)).toThrow('Not a storage key');
    expect(release).not.toHaveBeenCalled();
  });
});
