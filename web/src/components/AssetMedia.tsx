import { useState } from 'react';
import type { Asset } from '../api/client';
import { assetLabel } from './AssetTile';

/** The asset itself: a zoomable image, an audio or video player, or the text. Files come from signed links. */
export function AssetMedia({ asset }: { asset: Asset }) {
  const [zoomed, setZoomed] = useState(false);
  const label = assetLabel(asset);
  if (asset.type === 'image' && asset.signedUrl) {
    return (
      <figure className={zoomed ? 'media zoomed' : 'media'}>
        <button
          type="button"
          className="zoom"
          aria-pressed={zoomed}
          aria-label={zoomed ? 'Fit the image to the page' : 'Zoom to full size'}
          onClick={() => setZoomed(!zoomed)}
        >
          <img src={asset.signedUrl} alt={label} width={asset.width ?? undefined} height={asset.height ?? undefined} />
        </button>
      </figure>
    );
  }
  if (asset.type === 'audio' && asset.signedUrl) {
    return (
      <figure className="media">
        <audio controls preload="metadata" src={asset.signedUrl} aria-label={label} />
      </figure>
    );
  }
  if (asset.type === 'video' && asset.signedUrl) {
    return (
      <figure className="media">
        <video
          controls
          preload="metadata"
          src={asset.signedUrl}
          poster={asset.signedThumbnailUrl ?? undefined}
          aria-label={label}
        />
      </figure>
    );
  }
  if (asset.type === 'text') {
    return (
      <figure className="media">
        <pre className="text-content">{asset.content}</pre>
      </figure>
    );
  }
  return <p>This asset has no file{asset.status !== 'ready' ? ` (${asset.status})` : ''}.</p>;
}
