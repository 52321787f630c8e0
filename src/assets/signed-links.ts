import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a signed link serves: an asset's file or its thumbnail. */
export const LINK_VARIANTS = ['file', 'thumbnail'] as const;
export type LinkVariant = (typeof LINK_VARIANTS)[number];

export interface SignedLink {
  assetId: string;
  variant: LinkVariant;
  /** Unix seconds after which the link answers 403. */
  expires: number;
}

/**
 * What a signature covers: an asset's file or thumbnail, or (variant `preview-<index>`, the job's id in place of
 * the asset's) a partial image of a streaming job.
 */
export type SignableLink = Omit<SignedLink, 'variant'> & { variant: LinkVariant | `preview-${number}` };

/** base64url of HMAC-SHA256 over `<assetId>:<variant>:<expires>`: 43 characters. */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function signLink(secret: string, link: SignableLink): string {
  return createHmac('sha256', secret)
    .update(`${link.assetId.toLowerCase()}:${link.variant}:${link.expires}`)
    .digest('base64url');
}

/** Whether `signature` is this secret's for the link and the link has not expired at `nowSeconds`. */
export function isValidLink(secret: string, link: SignableLink, signature: string, nowSeconds: number): boolean {
  if (link.expires < nowSeconds || !SIGNATURE_PATTERN.test(signature)) return false;
  return timingSafeEqual(Buffer.from(signLink(secret, link)), Buffer.from(signature));
}

/**
 * When links made at `nowSeconds` expire: at least `ttlSeconds` ahead, rounded up to a quarter of the TTL,
 * so that answers within the same quarter carry the same URLs and a browser's cache of them keeps working.
 */
export function linkExpiry(nowSeconds: number, ttlSeconds: number): number {
  const step = linkStep(ttlSeconds);
  return Math.ceil((nowSeconds + ttlSeconds) / step) * step;
}

/** The rounding of linkExpiry: a quarter of the TTL. */
export const linkStep = (ttlSeconds: number) => Math.max(1, Math.floor(ttlSeconds / 4));

/** How many links of one expiry a SignedLinkCache keeps before it starts over. */
export const MAX_CACHED_LINKS = 20_000;

/**
 * The links that answers give out until their expiry rounds on (linkExpiry): a gallery asks for the same assets
 * again and again, and each answer carries two links per asset, an HMAC and a URL each. Only one expiry is kept,
 * the latest asked for, so the cache empties itself every quarter of the TTL; it is bounded besides. Keyed by the
 * asset id as the row holds it, so a hit allocates nothing.
 */
export class SignedLinkCache {
  private expires: number | undefined;
  private size = 0;
  private readonly links: Record<LinkVariant, Map<string, string>> = { file: new Map(), thumbnail: new Map() };

  constructor(
    private readonly make: (link: SignedLink) => string,
    private readonly maxEntries = MAX_CACHED_LINKS,
  ) {}

  /** The link to `variant` of asset `assetId` that expires at `expires`, made once. */
  linkFor(assetId: string, variant: LinkVariant, expires: number): string {
    if (expires !== this.expires || this.size >= this.maxEntries) this.startOver(expires);
    const links = this.links[variant];
    let link = links.get(assetId);
    if (link === undefined) {
      link = this.make({ assetId, variant, expires });
      links.set(assetId, link);
      this.size += 1;
    }
    return link;
  }

  private startOver(expires: number): void {
    for (const variant of LINK_VARIANTS) this.links[variant].clear();
    this.size = 0;
    this.expires = expires;
  }
}
