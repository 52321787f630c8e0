import type { Asset } from '../api/client';

/** A short name for an asset: its title, else the start of its prompt or text, else its type. */
export function assetLabel(asset: Asset): string {
  const text = asset.title || asset.prompt || asset.content || '';
  const short = text.length > 80 ? `${text.slice(0, 77)}…` : text;
  return short || `Untitled ${asset.type}`;
}

/** The picture of an asset in a grid: its thumbnail (a signed link an <img> can load), else a tile naming its kind. */
export function AssetTile({ asset }: { asset: Asset }) {
  const thumbnail = asset.signedThumbnailUrl ?? (asset.type === 'image' ? asset.signedUrl : null);
  if (thumbnail) {
    return <img src={thumbnail} alt="" loading="lazy" decoding="async" width={256} height={256} />;
  }
  return (
    <span className={`tile tile-${asset.type}`} aria-hidden="true">
      <span className="tile-kind">{asset.type}</span>
      {asset.type === 'text' && <span className="tile-text">{(asset.content ?? '').slice(0, 140)}</span>}
    </span>
  );
}
