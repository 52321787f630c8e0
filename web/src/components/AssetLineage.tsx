import type { Asset } from '../api/client';
import { Link } from '../router';

/**
 * Where an asset came from. Today: the asset it was regenerated from. The Image Studio's lineage (parents and
 * children as thumbnails) and its edit/upscale actions belong here when their routes land in openapi.json.
 */
export function AssetLineage({ asset }: { asset: Asset }) {
  if (!asset.parentAssetId) return null;
  return (
    <section aria-labelledby="lineage">
      <h2 id="lineage">Lineage</h2>
      <p>
        Made from <Link href={`/asset/${asset.parentAssetId}`}>its parent asset</Link>.
      </p>
    </section>
  );
}
