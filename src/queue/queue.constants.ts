/** Bull names used across the engine, in one place (STYLE.md 5). */
export const ENGINE_BULL_CONFIG_KEY = 'creative-engine';
export const IMAGE_GENERATION_QUEUE = 'image-generation';
