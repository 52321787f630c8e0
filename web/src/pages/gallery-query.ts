import type { AssetQuery } from '../api/client';

/** The gallery's view as it stands in the URL (so a view can be reloaded and shared). */
export interface GalleryView {
  search: string;
  type: string;
  sourceModule: string;
  tags: string;
  favorite: boolean;
  collectionId: string;
  provider: string;
  model: string;
  /** yyyy-mm-dd, UTC days, both included. */
  from: string;
  to: string;
  /** `field:order`, e.g. createdAt:desc. */
  sort: string;
}

export const DEFAULT_SORT = 'createdAt:desc';
export const PAGE_SIZE = 50;
const TEXT_KEYS = [
  'search',
  'type',
  'sourceModule',
  'tags',
  'collectionId',
  'provider',
  'model',
  'from',
  'to',
] as const;

export function viewFromSearch(search: string): GalleryView {
  const params = new URLSearchParams(search);
  const text = Object.fromEntries(TEXT_KEYS.map((key) => [key, params.get(key) ?? ''])) as Record<
    (typeof TEXT_KEYS)[number],
    string
  >;
  return { ...text, favorite: params.get('favorite') === 'true', sort: params.get('sort') ?? DEFAULT_SORT };
}

export function searchFromView(view: GalleryView): string {
  const params = new URLSearchParams();
  for (const key of TEXT_KEYS) if (view[key].trim()) params.set(key, view[key].trim());
  if (view.favorite) params.set('favorite', 'true');
  if (view.sort !== DEFAULT_SORT) params.set('sort', view.sort);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const DAY_MS = 86_400_000;

/** createdTo is exclusive: the view's last day is included up to its end. */
function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS).toISOString();
}

/** The GET /assets query of a view (one page of it). */
export function assetQuery(view: GalleryView, cursor?: string): AssetQuery {
  const [sort, order] = view.sort.split(':') as [AssetQuery['sort'], AssetQuery['order']];
  const tags = view.tags
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);
  return {
    limit: PAGE_SIZE,
    sort,
    order,
    ...(cursor && { cursor }),
    ...(view.search.trim() && { search: view.search.trim() }),
    ...(view.type && { type: view.type as AssetQuery['type'] }),
    ...(view.sourceModule && { sourceModule: view.sourceModule }),
    ...(tags.length > 0 && { tags }),
    ...(view.favorite && { favorite: true }),
    ...(view.collectionId && { collectionId: view.collectionId }),
    ...(view.provider && { provider: view.provider }),
    ...(view.model && { model: view.model }),
    ...(view.from && { createdFrom: `${view.from}T00:00:00.000Z` }),
    ...(view.to && { createdTo: nextDay(view.to) }),
  };
}
