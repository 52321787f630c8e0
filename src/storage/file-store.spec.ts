import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LocalDiskFileStore } from './file-store';

describe('LocalDiskFileStore.write', () => {
  let root: string;
  let store: LocalDiskFileStore;
  const keyIn = (month: string, name: string) => `2026/${month}/${name}.png`;
  const JANUARY = keyIn('01', '00000000-0000-4000-8000-000000000001');

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'file-store-'));
    store = new LocalDiskFileStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('makes the directory of a key when it is missing, for bytes and for a stream', async () => {
    await store.write(JANUARY, Buffer.from('first'));
    const february = keyIn('02', '00000000-0000-4000-8000-000000000002');
    await store.write(february, Readable.from([Buffer.from('str'), Buffer.from('eamed')]));
    expect((await readFile(path.join(root, JANUARY))).toString()).toBe('first');
    expect((await readFile(path.join(root, february))).toString()).toBe('streamed');
  });

  it('writes into a directory that exists, and again after someone removed it', async () => {
    await store.write(JANUARY, Buffer.from('first'));
    const second = keyIn('01', '00000000-0000-4000-8000-000000000003');
    await store.write(second, Buffer.from('second'));
    await rm(path.join(root, '2026'), { recursive: true });
    await store.write(second, Buffer.from('again'));
    expect((await readFile(path.join(root, second))).toString()).toBe('again');
    expect(await readdir(path.join(root, '2026', '01'))).toEqual([path.basename(second)]);
  });

  it('takes writes of one key at the same time, bytes and streams alike, the last one winning whole', async () => {
    const bytes = Buffer.alloc(256 * 1024, 7);
    await Promise.all([
      store.write(JANUARY, bytes),
      store.write(JANUARY, Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)])),
      store.write(JANUARY, bytes),
    ]);
    expect((await readFile(path.join(root, JANUARY))).equals(bytes)).toBe(true);
    expect(await readdir(path.join(root, '2026', '01'))).toEqual([path.basename(JANUARY)]);
  });

  it('leaves no partial file when the write fails', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('the upload broke off'));
      },
    });
    await expect(store.write(JANUARY, failing)).rejects.toThrow('the upload broke off');
    expect(await readdir(path.join(root, '2026', '01'))).toEqual([]);
  });
});
