import { OPENAI_CLASSIC_TTS, OPENAI_STEERABLE_TTS, PLACEHOLDER_TTS, type AudioModelSpec } from '../audio/audio-models';
import { GPT_IMAGE, type ImageModelSpec, PLACEHOLDER_IMAGE, STABILITY_IMAGE } from '../image/image-models';
import type { ProviderName } from '../provider-names';
import { PLACEHOLDER_VIDEO, SORA_2, SORA_2_PRO, type VideoModelSpec } from '../video/video-models';

export const MODEL_KINDS = ['image', 'image_edit', 'image_upscale', 'audio', 'video', 'text'] as const;
export type ModelKind = (typeof MODEL_KINDS)[number];

export const MODEL_STATUSES = ['active', 'deprecated', 'retired'] as const;
export type ModelStatus = (typeof MODEL_STATUSES)[number];

/** The capabilities of a model by the kind of job it serves. */
export interface CapabilitiesByKind {
  image: ImageModelSpec;
  audio: AudioModelSpec;
  video: VideoModelSpec;
}
/** The kinds a job can be rendered for today; each has its own capabilities. */
export type CatalogueKind = keyof CapabilitiesByKind;
export type ModelCapabilities = CapabilitiesByKind[CatalogueKind];

/**
 * One model the engine knows, keyed by the name sent to the provider. A deprecated model still works (with a
 * warning and Deprecation/Sunset headers); a retired one is refused, naming its successor. Both carry the
 * provider's shutdown date (YYYY-MM-DD).
 */
export interface ModelCatalogueEntry<Capabilities extends ModelCapabilities = ModelCapabilities> {
  id: string;
  provider: ProviderName;
  kinds: readonly ModelKind[];
  status: ModelStatus;
  shutdownDate?: string;
  successor?: string;
  capabilities: Capabilities;
}

type Lifecycle = Pick<ModelCatalogueEntry, 'shutdownDate' | 'successor'> & { status?: ModelStatus };

const entry =
  <Kind extends CatalogueKind>(kind: Kind) =>
  (
    id: string,
    provider: ProviderName,
    capabilities: CapabilitiesByKind[Kind],
    lifecycle: Lifecycle = {},
  ): ModelCatalogueEntry<CapabilitiesByKind[Kind]> => ({
    id,
    provider,
    kinds: [kind],
    status: 'active',
    capabilities,
    ...lifecycle,
  });
const image = entry('image');
const audio = entry('audio');
const video = entry('video');

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
  audio('gpt-4o-mini-tts', 'openai', OPENAI_STEERABLE_TTS),
  audio('tts-1', 'openai', OPENAI_CLASSIC_TTS),
  audio('tts-1-hd', 'openai', OPENAI_CLASSIC_TTS),
  audio('placeholder-tts', 'placeholder', PLACEHOLDER_TTS),
  video('sora-2', 'openai', SORA_2),
  video('sora-2-pro', 'openai', SORA_2_PRO),
  video('placeholder-video', 'placeholder', PLACEHOLDER_VIDEO),
];

/** The kind whose capabilities an entry carries (the first it lists that has capabilities of its own). */
export function catalogueKindOf(kinds: readonly ModelKind[]): CatalogueKind {
  return (kinds.find((kind) => kind === 'audio' || kind === 'video') as CatalogueKind | undefined) ?? 'image';
}

/** The active built-in models of a kind, as a request DTO documents them. */
export function builtInActiveModels(kind: ModelKind): string[] {
  return DEFAULT_MODEL_CATALOGUE.filter((model) => model.status === 'active' && model.kinds.includes(kind)).map(
    (model) => model.id,
  );
}
