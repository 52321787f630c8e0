import path from 'node:path';
import { LocalDiskFileStore } from './file-store';
import { assertStorageKey, newStorageKey } from './storage-keys';

describe('storage keys', () => {
  it('are <yyyy>/<mm>/<uuid>.<ext> in UTC, with a normalized extension', () => {
    const key = newStorageKey('.PNG', new Date('2026-02-28T23:30:00-05:00'));
    expect(key).toMatch(/^2026\/03\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\.png$/);
    expect(() => assertStorageKey(key)).not.toThrow();
  });

  it.each(['', 'a/b', '../x.png', 'x/../../y.png', 'p/q/r.sh', '../../etc/passwd'])(
    'refuse the extension %j',
    (extension) => {
      expect(() => newStorageKey(extension)).toThrow('File extension');
    },
  );

  it.each([
    '../2026/01/00000000-0000-4000-8000-000000000000.png',
    '/2026/01/00000000-0000-4000-8000-000000000000.png',
    '2026/01/00000000-0000-4000-8000-000000000000.png/../../x',
    '2026/13/00000000-0000-4000-8000-000000000000.png',
    '2026/01/00000000-0000-4000-8000-000000000000',
    '2026/01/../00000000-0000-4000-8000-000000000000.png',
    '2026%2F01%2F00000000-0000-4000-8000-000000000000.png',
    'C:\\2026\\01\\00000000-0000-4000-8000-000000000000.png',
  ])('reject the key %j', (key) => {
    expect(() => assertStorageKey(key)).toThrow('Not a storage key');
  });

  it('resolve only inside the local store root', () => {
    const store = new LocalDiskFileStore('/srv/storage');
    const key = '2026/01/00000000-0000-4000-8000-000000000000.png';
    expect(store.pathOf(key)).toBe(path.join('/srv/storage', key));
    expect(() => store.pathOf('../../etc/passwd')).toThrow('Not a storage key');
  });
});
