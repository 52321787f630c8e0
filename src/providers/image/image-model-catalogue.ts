import type { ImageProviderName } from './image-provider-names';
import { GPT_IMAGE, type ImageModelSpec, PLACEHOLDER_IMAGE, STABILITY_IMAGE } from './image-models';

export const MODEL_KINDS = ['image', 'image_edit', 'image_upscale', 'audio', 'video', 'text'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_STATUSES = ['active', 'deprecated', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/**
 * One model the engine knows, keyed by the name sent to the provider. A deprecated model still works (with a
 * warning and Deprecation/Sunset headers); a retired one is refused, naming its successor. Both carry the
 * provider's shutdown date (YYYY-MM-DD).
 */
export interface ModelCatalogueEntry {
  id: string;
  provider: ImageProviderName;
  kinds: readonly ModelKind[];
  status: ModelStatus;
  shutdownDate?: string;
  successor?: string;
  capabilities: ImageModelSpec;
}

const image = (
  id: string,
  provider: ImageProviderName,
  capabilities: ImageModelSpec,
  lifecycle: Pick<ModelCatalogueEntry, 'shutdownDate' | 'successor'> & { status?: ModelStatus } = {},
): ModelCatalogueEntry => ({ id, provider, kinds: ['image'], status: 'active', capabilities, ...lifecycle });

const retiredFor = (shutdownDate: string) => ({ status: 'retired' as const, shutdownDate, successor: 'gpt-image-2' });

/** The built-in catalogue; MODEL_CATALOGUE_OVERRIDES adds, changes or retires entries per deployment. */
export const DEFAULT_MODEL_CATALOGUE: readonly ModelCatalogueEntry[] = [
  image('gpt-image-2', 'openai', GPT_IMAGE),
  image('gpt-image-1', 'openai', GPT_IMAGE),
  image('gpt-image-1.5', 'openai', GPT_IMAGE, retiredFor('2026-12-01')),
  image('gpt-image-1-mini', 'openai', GPT_IMAGE, retiredFor('2026-12-01')),
  image('chatgpt-image-latest', 'openai', GPT_IMAGE, retiredFor('2026-12-01')),
  image(
    'dall-e-3',
    'openai',
    {
      maxPromptLength: 4000,
      maxImages: 1,
      sizes: ['1024x1024', '1792x1024', '1024x1792'],
      qualities: ['standard', 'hd'],
      styles: ['vivid', 'natural'],
      outputFormats: ['png'],
    },
    retiredFor('2026-05-12'),
  ),
  image(
    'dall-e-2',
    'openai',
    { maxPromptLength: 1000, maxImages: 10, sizes: ['256x256', '512x512', '1024x1024'], outputFormats: ['png'] },
    retiredFor('2026-05-12'),
  ),
  image('core', 'stability', STABILITY_IMAGE),
  image('ultra', 'stability', STABILITY_IMAGE),
  image('sd3', 'stability', { ...STABILITY_IMAGE, guidance: { min: 1, max: 10 } }),
  image('placeholder', 'placeholder', PLACEHOLDER_IMAGE),
];
