import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { API_BASE_PATH } from '../common/api-path';
import { ForbiddenError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { type AssetLinkFields, type AssetResponseDto, type AssetRow, toAssetResponse } from './dto/asset-response.dto';
import { isValidLink, linkExpiry, signLink, type SignedLink, type LinkVariant } from './signed-links';

export const signedFilePath = (assetId: string, variant: LinkVariant) =>
  `/${API_BASE_PATH}/signed/asset/${assetId}/${variant}`;

/**
 * Signs and checks the links to asset bytes: an HMAC over asset id, variant and expiry, so any instance with
 * the same SIGNED_URL_SECRET (or AUTH_JWT_SECRET it is derived from) serves any instance's links. A link is a
 * bearer of its own: whoever holds it may fetch the bytes until it expires.
 */
@Injectable()
export class AssetLinks {
  private readonly secret: string;

  constructor(private readonly config: EngineConfig) {
    const { secret } = config.storage.signedUrls;
    // A key of its own, not the JWT secret itself: a link's signature can never pass as a token's.
    this.secret =
      secret ??
      createHmac('sha256', config.auth.jwtSecret ?? '')
        .update('creative-engine signed links')
        .digest('hex');
  }

  linksFor(row: Pick<AssetRow, 'id' | 'thumbnailUrl'>, nowMs = Date.now()): AssetLinkFields {
    const expires = linkExpiry(Math.floor(nowMs / 1000), this.config.storage.signedUrls.ttlSeconds);
    const url = (variant: LinkVariant) => {
      const signature = signLink(this.secret, { assetId: row.id, variant, expires });
      return `${signedFilePath(row.id, variant)}?expires=${expires}&signature=${signature}`;
    };
    return {
      signedUrl: url('file'),
      signedThumbnailUrl: row.thumbnailUrl === null ? null : url('thumbnail'),
      signedUrlExpiresAt: new Date(expires * 1000),
    };
  }

  /** The asset as clients see it, with its signed links. */
  toResponse(row: AssetRow): AssetResponseDto {
    return toAssetResponse(row, this.linksFor(row));
  }

  /** 403 for a forged, altered or expired link. */
  assertValid(link: SignedLink, signature: string, nowMs = Date.now()): void {
    if (!isValidLink(this.secret, link, signature, Math.floor(nowMs / 1000)))
      throw new ForbiddenError('This link is invalid or has expired: fetch the asset again for a fresh one');
  }
}
