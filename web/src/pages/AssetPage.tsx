import { type FormEvent, lazy, Suspense, useState } from 'react';
import { type Asset, api, call } from '../api/client';
import { useAsync } from '../api/use-async';
import { AssetLineage } from '../components/AssetLineage';
import { AssetMedia } from '../components/AssetMedia';
import { assetLabel } from '../components/AssetTile';
import { ConfirmDialog } from '../components/Dialog';
import { bytes, dateTime, usd } from '../components/format';
import { navigate } from '../router';

// The Image Studio's forms load with the page of an image only.
const ImageStudio = lazy(() => import('../components/ImageStudio'));

function Details({ asset }: { asset: Asset }) {
  const rows: [string, string][] = [
    ['Type', `${asset.type}${asset.format ? ` (${asset.format})` : ''}`],
    ['Prompt', asset.prompt ?? '—'],
    ...(asset.negativePrompt ? [['Negative prompt', asset.negativePrompt] as [string, string]] : []),
    ['Provider and model', [asset.provider, asset.model].filter(Boolean).join(' · ') || '—'],
    ['Cost', usd(asset.cost)],
    ['Made by', asset.sourceModule ?? '—'],
    [
      'Size',
      [asset.width && asset.height ? `${asset.width}×${asset.height}` : '', bytes(asset.fileSize)]
        .filter(Boolean)
        .join(' · '),
    ],
    ...(asset.duration ? [['Duration', `${asset.duration.toFixed(1)} s`] as [string, string]] : []),
    ['Created', dateTime(asset.createdAt)],
    ['Updated', dateTime(asset.updatedAt)],
    [
      'Views · downloads · shares · uses',
      `${asset.viewCount} · ${asset.downloadCount} · ${asset.shareCount} · ${asset.useCount}`,
    ],
    ['Last used', dateTime(asset.lastUsedAt)],
  ];
  return (
    <section aria-labelledby="details">
      <h2 id="details">Details</h2>
      <dl className="details">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt>{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      {asset.parameters && Object.keys(asset.parameters).length > 0 && (
        <details>
          <summary>Parameters</summary>
          <pre>{JSON.stringify(asset.parameters, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}

function EditForm({ asset, onSaved }: { asset: Asset; onSaved: (asset: Asset) => void }) {
  const [title, setTitle] = useState(asset.title ?? '');
  const [tags, setTags] = useState(asset.tags.join(', '));
  const [status, setStatus] = useState('');
  const save = async (event: FormEvent) => {
    event.preventDefault();
    const list = tags
      .split(',')
      .map((tag) => tag.trim())
      .filter(Boolean);
    try {
      const saved = await call(
        api.PATCH('/api/creative/asset/{id}', {
          params: { path: { id: asset.id } },
          body: { title: title.trim() || undefined, tags: list },
        }),
      );
      onSaved(saved);
      setStatus('Saved.');
    } catch (error) {
      setStatus((error as Error).message);
    }
  };
  return (
    <form onSubmit={(event) => void save(event)} aria-labelledby="edit">
      <h2 id="edit">Title and tags</h2>
      <div className="field">
        <label htmlFor="asset-title">Title</label>
        <input id="asset-title" value={title} maxLength={255} onChange={(event) => setTitle(event.target.value)} />
      </div>
      <div className="field">
        <label htmlFor="asset-tags">Tags, separated by commas</label>
        <input id="asset-tags" value={tags} onChange={(event) => setTags(event.target.value)} />
      </div>
      <button type="submit">Save</button>
      <span role="status">{status}</span>
    </form>
  );
}

function AddToCollection({ asset }: { asset: Asset }) {
  const collections = useAsync(
    () => call(api.GET('/api/creative/collections', { params: { query: { limit: 100 } } })),
    [],
  );
  const [choice, setChoice] = useState('');
  const [name, setName] = useState('');
  const [status, setStatus] = useState('');
  const add = async (event: FormEvent) => {
    event.preventDefault();
    try {
      let id = choice;
      let label = collections.data?.items.find((collection) => collection.id === choice)?.name ?? '';
      if (!id) {
        const created = await call(api.POST('/api/creative/collections', { body: { name: name.trim() } }));
        [id, label] = [created.id, created.name];
      }
      await call(
        api.POST('/api/creative/collection/{id}/assets', { params: { path: { id } }, body: { assetIds: [asset.id] } }),
      );
      setStatus(`Added to ${label}.`);
      setName('');
      collections.reload();
    } catch (error) {
      setStatus((error as Error).message);
    }
  };
  return (
    <form onSubmit={(event) => void add(event)} aria-labelledby="collect">
      <h2 id="collect">Add to a collection</h2>
      <div className="field">
        <label htmlFor="collection-choice">Collection</label>
        <select id="collection-choice" value={choice} onChange={(event) => setChoice(event.target.value)}>
          <option value="">A new collection…</option>
          {collections.data?.items.map((collection) => (
            <option key={collection.id} value={collection.id}>
              {collection.name} ({collection.assetCount})
            </option>
          ))}
        </select>
      </div>
      {!choice && (
        <div className="field">
          <label htmlFor="collection-name">Name of the new collection</label>
          <input
            id="collection-name"
            value={name}
            required
            maxLength={100}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
      )}
      <button type="submit">Add</button>
      <span role="status">{status}</span>
    </form>
  );
}

function Actions({ asset, onChanged }: { asset: Asset; onChanged: (asset: Asset) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [status, setStatus] = useState('');
  const run = async (work: () => Promise<void>) => {
    try {
      await work();
    } catch (error) {
      setStatus((error as Error).message);
    }
  };
  const favorite = () =>
    run(async () => {
      const body = { favorite: !asset.isFavorite };
      const answer = await call(
        api.POST('/api/creative/asset/{id}/favorite', { params: { path: { id: asset.id } }, body }),
      );
      onChanged({ ...asset, isFavorite: answer.isFavorite });
    });
  const regenerate = () =>
    run(async () => {
      const job = await call(
        api.POST('/api/creative/image/{assetId}/regenerate', { params: { path: { assetId: asset.id } }, body: {} }),
      );
      navigate(`/job/${job.jobId}`);
    });
  const remove = () =>
    run(async () => {
      await call(api.DELETE('/api/creative/asset/{id}', { params: { path: { id: asset.id } } }));
      navigate('/');
    });
  return (
    <div className="row actions">
      <button type="button" aria-pressed={asset.isFavorite} onClick={() => void favorite()}>
        {asset.isFavorite ? '★ Favorite' : '☆ Favorite'}
      </button>
      {asset.type === 'image' && asset.prompt && (
        <button type="button" onClick={() => void regenerate()}>
          Regenerate
        </button>
      )}
      {asset.signedUrl && (
        <a className="button" href={asset.signedUrl} download>
          Download
        </a>
      )}
      <button type="button" className="danger" onClick={() => setConfirming(true)}>
        Delete
      </button>
      <span role="status">{status}</span>
      <ConfirmDialog
        open={confirming}
        title="Delete this asset?"
        message={`“${assetLabel(asset)}” and its files are deleted for good.`}
        confirmLabel="Delete"
        onConfirm={() => void remove()}
        onClose={() => setConfirming(false)}
      />
    </div>
  );
}

/** One asset: the file, what made it, and what can be done with it. */
export function AssetPage({ id }: { id: string }) {
  const loaded = useAsync(() => call(api.GET('/api/creative/asset/{id}', { params: { path: { id } } })), [id]);
  const [changed, setChanged] = useState<Asset>();
  const asset = changed ?? loaded.data;
  if (!asset) {
    return (
      <>
        <h1 tabIndex={-1}>Asset</h1>
        <p role={loaded.error ? 'alert' : 'status'}>{loaded.error ?? 'Loading…'}</p>
      </>
    );
  }
  return (
    <article className="asset">
      <h1 tabIndex={-1}>{assetLabel(asset)}</h1>
      <Actions asset={asset} onChanged={setChanged} />
      <AssetMedia asset={asset} />
      <div className="columns">
        <Details asset={asset} />
        <div>
          <EditForm asset={asset} onSaved={setChanged} />
          {asset.type === 'image' && asset.status === 'ready' && (
            <Suspense fallback={<p role="status">Loading the Image Studio…</p>}>
              <ImageStudio asset={asset} />
            </Suspense>
          )}
          <AddToCollection asset={asset} />
          <AssetLineage asset={asset} />
        </div>
      </div>
    </article>
  );
}
