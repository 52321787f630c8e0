import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react';
import { type Asset, api, call } from '../api/client';
import { useAsync } from '../api/use-async';
import { AssetTile, assetLabel } from '../components/AssetTile';
import { gridKeyHandler } from '../components/grid-keys';
import { Link, navigate, useLocation } from '../router';
import { assetQuery, DEFAULT_SORT, type GalleryView, searchFromView, viewFromSearch } from './gallery-query';

const TYPES = ['image', 'video', 'audio', 'text'];
const SORTS = [
  ['createdAt:desc', 'Newest first'],
  ['createdAt:asc', 'Oldest first'],
  ['updatedAt:desc', 'Recently changed'],
  ['cost:desc', 'Most expensive'],
  ['title:asc', 'Title A–Z'],
];

interface Pages {
  items: Asset[];
  nextCursor: string | null;
  loading: boolean;
  error?: string;
}

/** Pages of GET /assets for a view, the next one fetched by loadMore() (keyset cursors: nextCursor). */
function useAssetPages(search: string): Pages & { loadMore: () => void } {
  const [pages, setPages] = useState<Pages>({ items: [], nextCursor: null, loading: true });
  const inFlight = useRef<string | null>(null);
  const load = useCallback(
    (cursor: string | undefined, replace: boolean) => {
      const token = `${search}|${cursor ?? ''}`;
      if (inFlight.current === token) return;
      inFlight.current = token;
      setPages((previous) => ({ ...previous, loading: true, error: undefined }));
      const query = assetQuery(viewFromSearch(search), cursor);
      call(api.GET('/api/creative/assets', { params: { query } })).then(
        (page) => {
          if (inFlight.current !== token) return;
          inFlight.current = null;
          setPages((previous) => ({
            items: replace ? page.items : [...previous.items, ...page.items],
            nextCursor: page.nextCursor ?? null,
            loading: false,
          }));
        },
        (error: Error) => {
          if (inFlight.current !== token) return;
          inFlight.current = null;
          setPages((previous) => ({ ...previous, loading: false, error: error.message }));
        },
      );
    },
    [search],
  );
  useEffect(() => load(undefined, true), [load]);
  const loadMore = useCallback(() => {
    if (pages.nextCursor && !pages.loading) load(pages.nextCursor, false);
  }, [load, pages.nextCursor, pages.loading]);
  return { ...pages, loadMore };
}

function Filters({ view, onChange }: { view: GalleryView; onChange: (view: GalleryView) => void }) {
  const [search, setSearch] = useState(view.search);
  const [tags, setTags] = useState(view.tags);
  useEffect(() => setSearch(view.search), [view.search]);
  useEffect(() => setTags(view.tags), [view.tags]);
  const options = useAsync(async () => {
    const [stats, collections] = await Promise.all([
      call(api.GET('/api/creative/assets/stats')),
      call(api.GET('/api/creative/collections', { params: { query: { limit: 100 } } })),
    ]);
    return { stats, collections: collections.items };
  }, []);
  const set = (patch: Partial<GalleryView>) => onChange({ ...view, ...patch });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    set({ search, tags });
  };
  const sourceModules = options.data?.stats.bySourceModule.map((row) => row.sourceModule) ?? [];
  const models = options.data?.stats.costByModel.filter((row) => row.model) ?? [];
  const providers = [...new Set(models.map((row) => row.provider).filter((name): name is string => Boolean(name)))];
  return (
    <form className="filters" role="search" aria-label="Search and filter the library" onSubmit={submit}>
      <div className="field grow">
        <label htmlFor="search">Search</label>
        <input
          id="search"
          type="search"
          value={search}
          placeholder='"exact phrase" -exclude or'
          onChange={(event) => setSearch(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="tags">Tags (all of)</label>
        <input id="tags" value={tags} placeholder="logo, blue" onChange={(event) => setTags(event.target.value)} />
      </div>
      <button type="submit">Search</button>
      <div className="field">
        <label htmlFor="type">Type</label>
        <select id="type" value={view.type} onChange={(event) => set({ type: event.target.value })}>
          <option value="">Any</option>
          {TYPES.map((type) => (
            <option key={type}>{type}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="sourceModule">Made by</label>
        <select
          id="sourceModule"
          value={view.sourceModule}
          onChange={(event) => set({ sourceModule: event.target.value })}
        >
          <option value="">Any module</option>
          {[...new Set([...sourceModules, view.sourceModule].filter(Boolean))].map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="collection">Collection</label>
        <select
          id="collection"
          value={view.collectionId}
          onChange={(event) => set({ collectionId: event.target.value })}
        >
          <option value="">All assets</option>
          {options.data?.collections.map((collection) => (
            <option key={collection.id} value={collection.id}>
              {collection.name}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="provider">Provider</label>
        <select id="provider" value={view.provider} onChange={(event) => set({ provider: event.target.value })}>
          <option value="">Any</option>
          {[...new Set([...providers, view.provider].filter(Boolean))].map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="model">Model</label>
        <select id="model" value={view.model} onChange={(event) => set({ model: event.target.value })}>
          <option value="">Any</option>
          {[...new Set([...models.map((row) => row.model!), view.model].filter(Boolean))].map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor="from">From</label>
        <input id="from" type="date" value={view.from} onChange={(event) => set({ from: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="to">To</label>
        <input id="to" type="date" value={view.to} onChange={(event) => set({ to: event.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="sort">Sort</label>
        <select id="sort" value={view.sort} onChange={(event) => set({ sort: event.target.value })}>
          {SORTS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </div>
      <label className="check">
        <input type="checkbox" checked={view.favorite} onChange={(event) => set({ favorite: event.target.checked })} />
        Favorites only
      </label>
      {searchFromView(view) && (
        <button type="button" className="quiet" onClick={() => onChange(viewFromSearch(`?sort=${DEFAULT_SORT}`))}>
          Clear filters
        </button>
      )}
    </form>
  );
}

/** The library: filters and search in the URL, a grid of thumbnails, the next page loaded on scrolling. */
export function GalleryPage() {
  const { search } = useLocation();
  const view = viewFromSearch(search);
  const pages = useAssetPages(search);
  const sentinel = useRef<HTMLDivElement>(null);
  const { loadMore } = pages;
  useEffect(() => {
    const element = sentinel.current;
    if (!element) return;
    const observer = new IntersectionObserver(
      (entries) => entries.some((entry) => entry.isIntersecting) && loadMore(),
      {
        rootMargin: '600px',
      },
    );
    observer.observe(element);
    return () => observer.disconnect();
  }, [loadMore]);
  const change = (next: GalleryView) => navigate(`/${searchFromView(next)}`, { replace: true });
  return (
    <>
      <h1 tabIndex={-1}>Gallery</h1>
      <Filters view={view} onChange={change} />
      {pages.error && <p role="alert">{pages.error}</p>}
      <p className="count" role="status">
        {pages.loading && pages.items.length === 0
          ? 'Loading…'
          : `${pages.items.length}${pages.nextCursor ? '+' : ''} asset${pages.items.length === 1 ? '' : 's'}`}
      </p>
      {pages.items.length === 0 && !pages.loading && (
        <p>
          Nothing here yet. <Link href="/create">Create something</Link>.
        </p>
      )}
      <ul className="grid" aria-label="Assets" onKeyDown={gridKeyHandler}>
        {pages.items.map((asset) => (
          <li key={asset.id}>
            <Link href={`/asset/${asset.id}`} className="card" data-grid-item="">
              <AssetTile asset={asset} />
              <span className="card-label">
                {asset.isFavorite && <span aria-label="favorite">★ </span>}
                {assetLabel(asset)}
              </span>
            </Link>
          </li>
        ))}
      </ul>
      <div ref={sentinel} />
      {pages.nextCursor && (
        <button type="button" onClick={loadMore} disabled={pages.loading}>
          {pages.loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </>
  );
}
