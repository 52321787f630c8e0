import type { EngineConfig } from '../config/engine-config';
import type { StorageService } from '../storage/storage.service';
import type { AssetsRepository } from './assets.repository';
import { FileDeletionsService } from './file-deletions';

const KEY = '2026/01/00000000-0000-4000-8000-000000000000.png';
const OTHER_KEY = '2026/01/00000000-0000-4000-8000-000000000001.png';

/** A storage whose deletion of `failing` keys throws, and an in-memory pending_file_deletions. */
function setup(failing: Set<string>) {
  const pending = new Map<string, { id: string; key: string; attempts: number; lastError: string | null }>();
  const storage = {
    delete: jest.fn(async (key: string) => {
      if (failing.has(key)) throw new Error(`cannot delete ${key}`);
    }),
  };
  const repository = {
    recordFailedDeletion: async (key: string, error: string) => {
      const row = pending.get(key) ?? { id: `id-${key}`, key, attempts: 0, lastError: null };
      pending.set(key, { ...row, attempts: row.attempts + 1, lastError: error });
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
  const config = { storage: { deletionRetryIntervalMs: 0 } } as EngineConfig;
  const deletions = new FileDeletionsService(
    storage as unknown as StorageService,
    repository as unknown as AssetsRepository,
    config,
  );
  return { deletions, pending, storage };
}

describe('FileDeletionsService', () => {
  it('deletes at once and records nothing when the store succeeds', async () => {
    const { deletions, pending, storage } = setup(new Set());
    await deletions.delete(KEY);
    expect(storage.delete).toHaveBeenCalledWith(KEY);
    expect(pending.size).toBe(0);
  });

  it('records a failed deletion instead of throwing, counting attempts', async () => {
    const { deletions, pending } = setup(new Set([KEY]));
    await deletions.delete(KEY);
    await deletions.delete(KEY);
    expect(pending.get(KEY)).toMatchObject({ attempts: 2, lastError: `cannot delete ${KEY}` });
  });

  it('refuses a key that is not a storage key before touching the store', async () => {
    const { deletions, storage } = setup(new Set());
    await expect(deletions.delete('../../etc/passwd')).rejects.toThrow('Not a storage key');
    expect(storage.delete).not.toHaveBeenCalled();
  });

  it('the retry clears what it deleted and counts what still fails', async () => {
    const failing = new Set([KEY, OTHER_KEY]);
    const { deletions, pending } = setup(failing);
    await deletions.delete(KEY);
    await deletions.delete(OTHER_KEY);
    failing.delete(OTHER_KEY);
    expect(await deletions.retryPendingDeletions()).toEqual({ deleted: 1, failed: 1 });
    expect([...pending.keys()]).toEqual([KEY]);
    expect(pending.get(KEY)?.attempts).toBe(2);
  });
});
