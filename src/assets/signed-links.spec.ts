import { isValidLink, linkExpiry, SignedLinkCache, signLink, type SignedLink } from './signed-links';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const link: SignedLink = { assetId: '6f1c2a9e-3b7d-4c1e-9a2f-1234567890ab', variant: 'file', expires: 2_000_000_000 };

describe('signed links', () => {
  it('accepts its own signature until the link expires', () => {
    const signature = signLink(SECRET, link);
    expect(signature).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(isValidLink(SECRET, link, signature, link.expires)).toBe(true);
    expect(isValidLink(SECRET, link, signature, link.expires + 1)).toBe(false);
  });

  it('refuses a changed byte anywhere: signature, asset, variant, expiry or secret', () => {
    const signature = signLink(SECRET, link);
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const now = link.expires - 10;
    expect(isValidLink(SECRET, link, flipped, now)).toBe(false);
    expect(isValidLink(SECRET, { ...link, assetId: link.assetId.replace('6f', '7f') }, signature, now)).toBe(false);
    expect(isValidLink(SECRET, { ...link, variant: 'thumbnail' }, signature, now)).toBe(false);
    expect(isValidLink(SECRET, { ...link, expires: link.expires + 1 }, signature, now)).toBe(false);
    expect(isValidLink(`${SECRET}!`, link, signature, now)).toBe(false);
    expect(isValidLink(SECRET, link, 'short', now)).toBe(false);
  });

  it('treats the asset id case-insensitively, as UUIDs are', () => {
    expect(signLink(SECRET, link)).toBe(signLink(SECRET, { ...link, assetId: link.assetId.toUpperCase() }));
  });

  it('expires at least one TTL ahead, on quarter-TTL steps so answers close in time share their links', () => {
    expect(linkExpiry(1000, 3600)).toBe(5400);
    expect(linkExpiry(1800, 3600)).toBe(5400);
    expect(linkExpiry(1901, 3600)).toBe(6300);
    for (const now of [0, 1, 899, 900, 12345]) {
      expect(linkExpiry(now, 3600) - now).toBeGreaterThanOrEqual(3600);
      expect(linkExpiry(now, 3600) - now).toBeLessThanOrEqual(3600 + 900);
    }
  });

  describe('SignedLinkCache', () => {
    const linkOf = (signable: SignedLink) =>
      `${signable.assetId}/${signable.variant}?signature=${signLink(SECRET, signable)}`;
    const countingMaker = () => {
      const made: SignedLink[] = [];
      const make = (signable: SignedLink) => {
        made.push(signable);
        return linkOf(signable);
      };
      return { made, make };
    };

    it('makes a link once per expiry and answers the same link again', () => {
      const { made, make } = countingMaker();
      const cache = new SignedLinkCache(make);
      expect(cache.linkFor(link.assetId, 'file', link.expires)).toBe(linkOf(link));
      expect(cache.linkFor(link.assetId, 'file', link.expires)).toBe(linkOf(link));
      expect(cache.linkFor(link.assetId, 'thumbnail', link.expires)).toBe(linkOf({ ...link, variant: 'thumbnail' }));
      expect(made).toEqual([link, { ...link, variant: 'thumbnail' }]);
    });

    it('makes afresh for a new expiry and keeps none of the old one', () => {
      const { made, make } = countingMaker();
      const cache = new SignedLinkCache(make);
      cache.linkFor(link.assetId, 'file', link.expires);
      const later = { ...link, expires: link.expires + 900 };
      expect(cache.linkFor(link.assetId, 'file', later.expires)).toBe(linkOf(later));
      expect(cache.linkFor(link.assetId, 'file', link.expires)).toBe(linkOf(link));
      expect(made.map((signable) => signable.expires)).toEqual([link.expires, later.expires, link.expires]);
    });

    it('keeps at most its bound of links, then starts over', () => {
      const { made, make } = countingMaker();
      const cache = new SignedLinkCache(make, 3);
      const ids = ['a', 'b', 'c', 'd'].map((letter) => link.assetId.replace('6f', `${letter}0`));
      for (const assetId of ids) cache.linkFor(assetId, 'file', link.expires);
      cache.linkFor(ids[3], 'file', link.expires);
      cache.linkFor(ids[0], 'file', link.expires);
      expect(made.map((signable) => signable.assetId)).toEqual([...ids, ids[0]]);
    });
  });
});
