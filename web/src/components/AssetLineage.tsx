import { type Asset, api, call } from '../api/client';
import { useAsync } from '../api/use-async';
import { Link } from '../router';
import { AssetTile, assetLabel } from './AssetTile';

function LineageList({ label, assets }: { label: string; assets: Asset[] }) {
  if (assets.length === 0) return null;
  return (
    <>
      <h3>{label}</h3>
      <ul className="grid lineage" aria-label={label}>
        {assets.map((asset) => (
          <li key={asset.id}>
            <Link href={`/asset/${asset.id}`} className="card">
              <AssetTile asset={asset} />
              <span className="card-label">{assetLabel(asset)}</span>
            </Link>
          </li>
        ))}
      </ul>
    </>
  );
}

/**
 * Where an asset came from and what was made from it (GET /asset/:id/lineage): its parent, grandparent …
 * (regenerated, edited or upscaled from) and its children, grandchildren …, those the user may see, as
 * thumbnails.
 */
export function AssetLineage({ asset }: { asset: Asset }) {
  const lineage = useAsync(
    () => call(api.GET('/api/creative/asset/{id}/lineage', { params: { path: { id: asset.id } } })),
    [asset.id],
  );
  const { ancestors = [], descendants = [] } = lineage.data ?? {};
  if (ancestors.length === 0 && descendants.length === 0 && !lineage.error) return null;
  return (
    <section aria-labelledby="lineage">
      <h2 id="lineage">Lineage</h2>
      {lineage.error && <p role="alert">{lineage.error}</p>}
      <LineageList label="Made from" assets={ancestors} />
      <LineageList label="Made from this" assets={descendants} />
    </section>
  );
}
