import { assertAccess } from './access';

describe('assertAccess', () => {
  const own = { userId: 'me', isPublic: false };
  const theirsPrivate = { userId: 'them', isPublic: false };
  const theirsPublic = { userId: 'them', isPublic: true };

  it('lets the owner read and change', () => {
    expect(assertAccess(own, 'me', 'read', 'Asset', 'a')).toBe(own);
    expect(assertAccess(own, 'me', 'change', 'Asset', 'a')).toBe(own);
  });

  it("hides missing rows and others' private rows as 404", () => {
    expect(() => assertAccess(null, 'me', 'read', 'Asset', 'a')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => assertAccess(theirsPrivate, 'me', 'read', 'Asset', 'a')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
    expect(() => assertAccess(theirsPrivate, 'me', 'change', 'Asset', 'a')).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('lets others read a public row but not change it (403)', () => {
    expect(assertAccess(theirsPublic, 'me', 'read', 'Asset', 'a')).toBe(theirsPublic);
    expect(() => assertAccess(theirsPublic, 'me', 'change', 'Asset', 'a')).toThrow(
      expect.objectContaining({ code: 'FORBIDDEN' }),
    );
  });
});
