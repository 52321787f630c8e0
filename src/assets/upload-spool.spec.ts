import { mkdtemp, readdir, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ABANDONED_SPOOL_FILE_MS, sweepAbandonedSpoolFiles } from './upload-spool';

describe('sweepAbandonedSpoolFiles', () => {
  it('removes the files last written before the threshold and keeps the rest', async () => {
    const directory = await mkdtemp(path.join(os.tmpdir(), 'ce-spool-'));
    const now = Date.now();
    const writtenAt = async (name: string, ageMs: number) => {
      await writeFile(path.join(directory, name), name);
      const at = new Date(now - ageMs);
      await utimes(path.join(directory, name), at, at);
    };
    await writtenAt('abandoned', ABANDONED_SPOOL_FILE_MS + 1000);
    await writtenAt('still-arriving', 5000);
    await writtenAt('just-under', ABANDONED_SPOOL_FILE_MS - 1000);

    expect(await sweepAbandonedSpoolFiles(directory, ABANDONED_SPOOL_FILE_MS, now)).toBe(1);
    expect((await readdir(directory)).sort()).toEqual(['just-under', 'still-arriving']);
  });

  it('treats a spool folder that does not exist yet as empty', async () => {
    const missing = path.join(os.tmpdir(), `ce-spool-missing-${Date.now()}`);
    expect(await sweepAbandonedSpoolFiles(missing, ABANDONED_SPOOL_FILE_MS)).toBe(0);
  });
});
