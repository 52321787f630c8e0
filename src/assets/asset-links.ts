import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { API_BASE_PATH } from '../common/api-path';
import { ForbiddenError } from '../common/errors';
import { EngineConfig } from '../config/engine-config';
import { type AssetLinkFields, type AssetResponseDto, type AssetRow, toAssetResponse } from './dto/asset-response.dto';
import { THUMBNAIL_MIME_TYPE } from '../storage/image-processing';
import { StorageService } from '../storage/storage.service';
import {
  isValidLink,
  linkExpiry,
  linkStep,
  signLink,
  SignedLinkCache,
  type SignedLink,
  type LinkVariant,
} from './signed-links';

/** What the links of an asset are made from. */
type LinkedRow = Pick<AssetRow, 'id' | 'thumbnailUrl' | 'storageKey' | 'thumbnailKey' | 'mimeType'>;

/** S3's longest presigned link. */
const MAX_PRESIGNED_SECONDS = 7 * 24 * 3600;

export const signedFilePath = (assetId: string, variant: LinkVariant) =>
  `/${API_BASE_PATH}/signed/asset/${assetId}/${variant}`;

/**
 * Signs and checks the links to asset bytes: presigned GETs of the bucket where the store gives them, else an
 * HMAC over asset id, variant and expiry, so any instance with the same SIGNED_URL_SECRET (or the
 * AUTH_JWT_SECRET it is derived from) serves any instance's links. A link is a bearer of its own: whoever
 * holds it may fetch the bytes until it expires.
 */
@Injectable()
export class AssetLinks {
  private readonly secret: string;
  private readonly fileLinks: SignedLinkCache;

  constructor(
    private readonly config: EngineConfig,
    private readonly storage: StorageService,
  ) {
    const { secret } = config.storage.signedUrls;
    // A key of its own, not the JWT secret itself: a link's signature can never pass as a token's.
    this.secret =
      secret ??
      createHmac('sha256', config.auth.jwtSecret ?? '')
        .update('creative-engine signed links')
        .digest('hex');
    this.fileLinks = new SignedLinkCache(
      (link) =>
        `${signedFilePath(link.assetId, link.variant)}?expires=${link.expires}&signature=${signLink(this.secret, link)}`,
    );
  }

  /**
   * The links of an asset answer. With a store that presigns (S3, S3_SIGNED_LINKS=presigned) the file and
   * thumbnail are presigned GETs of the bucket; otherwise, and for a text asset, the engine's signed route.
   */
  async linksFor(row: LinkedRow, nowMs = Date.now()): Promise<AssetLinkFields> {
    const { ttlSeconds } = this.config.storage.signedUrls;
    const expires = this.expiryAt(nowMs);
    if (!this.storage.presignsLinks || row.storageKey === null) return this.serviceLinks(row, expires);
    // Signed a fixed time before the rounded expiry, so that answers within a quarter of the TTL share
    // the URL; S3 takes no presigned link longer than 7 days.
    const signedAt = expires - ttlSeconds - linkStep(ttlSeconds);
    const expiresInSeconds = Math.min(expires - signedAt, MAX_PRESIGNED_SECONDS);
    const presign = (key: string, contentType: string) =>
      this.storage.presignedReadUrl(key, {
        signedAt: new Date(signedAt * 1000),
        expiresInSeconds,
        contentType,
        cacheControl: `private, max-age=${ttlSeconds}, immutable`,
      });
    const [signedUrl, signedThumbnailUrl] = await Promise.all([
      presign(row.storageKey, row.mimeType ?? 'application/octet-stream'),
      row.thumbnailKey === null ? null : presign(row.thumbnailKey, THUMBNAIL_MIME_TYPE),
    ]);
    return { signedUrl, signedThumbnailUrl, signedUrlExpiresAt: new Date((signedAt + expiresInSeconds) * 1000) };
  }

  private expiryAt(nowMs: number): number {
    return linkExpiry(Math.floor(nowMs / 1000), this.config.storage.signedUrls.ttlSeconds);
  }

  private serviceLinks(row: LinkedRow, expires: number): AssetLinkFields {
    return {
      signedUrl: this.fileLinks.linkFor(row.id, 'file', expires),
      signedThumbnailUrl: row.thumbnailUrl === null ? null : this.fileLinks.linkFor(row.id, 'thumbnail', expires),
      signedUrlExpiresAt: new Date(expires * 1000),
    };
  }

  /** The asset as clients see it, with its signed links. */
  async toResponse(row: AssetRow): Promise<AssetResponseDto> {
    return toAssetResponse(row, await this.linksFor(row));
  }

  async toResponses(rows: readonly AssetRow[]): Promise<AssetResponseDto[]> {
    if (this.storage.presignsLinks) return Promise.all(rows.map((row) => this.toResponse(row)));
    // Every link is the engine's own: made (or found) at once, without a promise per asset.
    const expires = this.expiryAt(Date.now());
    return rows.map((row) => toAssetResponse(row, this.serviceLinks(row, expires)));
  }

  /**
   * A short-lived link (JOB_PREVIEW_TTL_SECONDS) to partial image `index` of a streaming job, for its event
   * stream: like an asset's signed link, a bearer of its own until it expires (or the preview is deleted).
   */
  previewUrl(jobId: string, index: number, nowMs = Date.now()): string {
    const expires = Math.floor(nowMs / 1000) + this.config.imageGeneration.previewTtlSeconds;
    const signature = signLink(this.secret, { assetId: jobId, variant: `preview-${index}`, expires });
    return `/${API_BASE_PATH}/signed/job/${jobId}/preview/${index}?expires=${expires}&signature=${signature}`;
  }

  /** 403 for a forged, altered or expired preview link. */
  assertValidPreview(jobId: string, index: number, expires: number, signature: string, nowMs = Date.now()): void {
    const link = { assetId: jobId, variant: `preview-${index}` as const, expires };
    if (!isValidLink(this.secret, link, signature, Math.floor(nowMs / 1000)))
      throw new ForbiddenError('This preview link is invalid or has expired');
  }

  /** 403 for a forged, altered or expired link. */
  assertValid(link: SignedLink, signature: string, nowMs = Date.now()): void {
    if (!isValidLink(this.secret, link, signature, Math.floor(nowMs / 1000)))
      throw new ForbiddenError('This link is invalid or has expired: fetch the asset again for a fresh one');
  }
}
