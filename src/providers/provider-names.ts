/** Every provider the engine has an adapter for; the model catalogue's entries name one of these. */
export const PROVIDER_NAMES = ['openai', 'stability', 'placeholder'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

export const IMAGE_PROVIDER_NAMES = PROVIDER_NAMES;
export type ImageProviderName = ProviderName;

/** Providers with a text-to-speech adapter. */
export const AUDIO_PROVIDER_NAMES = ['openai', 'placeholder'] as const satisfies readonly ProviderName[];
export type AudioProviderName = (typeof AUDIO_PROVIDER_NAMES)[number];

/** Providers with a video adapter. */
export const VIDEO_PROVIDER_NAMES = ['openai', 'placeholder'] as const satisfies readonly ProviderName[];
export type VideoProviderName = (typeof VIDEO_PROVIDER_NAMES)[number];
