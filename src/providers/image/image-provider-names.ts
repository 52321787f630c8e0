export const IMAGE_PROVIDER_NAMES = ['openai', 'stability', 'placeholder'] as const;
export type ImageProviderName = (typeof IMAGE_PROVIDER_NAMES)[number];
