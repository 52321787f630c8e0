/**
 * The pricing table: what a generation costs, in USD. It is data, not code: DEFAULT_PRICING holds list
 * prices at the time of writing, and PROVIDER_PRICING (JSON, same shape) replaces entries per model, so a
 * deployment fixes a price or prices a new model without a release.
 *
 * Models are matched exactly first, then by the longest `prefix*` pattern ("claude-*"), so dated snapshots
 * ("gpt-4.1-mini-2025-04-14") can share their family's entry.
 *
 * Text is priced from the usage tokens the provider reported. Images are priced from usage tokens where
 * the API reports them (GPT image models), else per image by size and quality (`perImage`). Speech is priced
 * per million characters of input (tts-1, tts-1-hd) and/or per minute of the audio read from the bytes
 * (gpt-4o-mini-tts); the speech endpoint reports no usage. Video is priced per second of the clip by its size
 * (`perSecond`).
 */

/** USD per one million tokens. */
export interface TokenPrice {
  inputPerMillion: number;
  outputPerMillion: number;
  /** Cached prompt tokens, where the provider discounts them; defaults to the input price. */
  cachedInputPerMillion?: number;
}

/**
 * Price of one image model. `perImage` keys, most specific first: `<size>:<quality>`, `<size>`,
 * `*:<quality>`, `*` (e.g. `"1024x1024:hd": 0.08`, `"*": 0.04`).
 */
export interface ImageModelPrice {
  tokens?: TokenPrice;
  perImage?: Record<string, number>;
}

/** Price of one speech model: USD per million input characters and/or per minute of audio produced. */
export interface AudioModelPrice {
  perMillionCharacters?: number;
  perMinute?: number;
}

/** Price of one video model: USD per second of the clip, keyed by WIDTHxHEIGHT, or `*` for any other size. */
export interface VideoModelPrice {
  perSecond: Record<string, number>;
}

export interface PricingTable {
  text: Record<string, TokenPrice>;
  image: Record<string, ImageModelPrice>;
  video: Record<string, VideoModelPrice>;
  audio: Record<string, AudioModelPrice>;
}

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  /** Part of inputTokens served from the provider's prompt cache. */
  cachedInputTokens?: number;
}

export const PRICING_ENV_VAR = 'PROVIDER_PRICING';

/** gpt-image-2 and gpt-image-1.5 are priced alike. */
const GPT_IMAGE_2_PRICE = {
  tokens: { inputPerMillion: 5, outputPerMillion: 32 },
  perImage: { '*:low': 0.011, '*:medium': 0.042, '*:high': 0.167, '*': 0.042 },
};

export const DEFAULT_PRICING: PricingTable = {
  text: {
    'gpt-5': { inputPerMillion: 1.25, outputPerMillion: 10, cachedInputPerMillion: 0.125 },
    'gpt-5-mini': { inputPerMillion: 0.25, outputPerMillion: 2, cachedInputPerMillion: 0.025 },
    'gpt-5-nano': { inputPerMillion: 0.05, outputPerMillion: 0.4, cachedInputPerMillion: 0.005 },
    'gpt-4.1': { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
    'gpt-4.1-mini': { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 },
    'gpt-4.1-nano': { inputPerMillion: 0.1, outputPerMillion: 0.4, cachedInputPerMillion: 0.025 },
    'gpt-4o': { inputPerMillion: 2.5, outputPerMillion: 10, cachedInputPerMillion: 1.25 },
    'gpt-4o-mini': { inputPerMillion: 0.15, outputPerMillion: 0.6, cachedInputPerMillion: 0.075 },
    'o4-mini': { inputPerMillion: 1.1, outputPerMillion: 4.4, cachedInputPerMillion: 0.275 },
    o3: { inputPerMillion: 2, outputPerMillion: 8, cachedInputPerMillion: 0.5 },
    'claude-sonnet-4*': { inputPerMillion: 3, outputPerMillion: 15 },
    'claude-opus-4*': { inputPerMillion: 15, outputPerMillion: 75 },
    'claude-3-5-haiku*': { inputPerMillion: 0.8, outputPerMillion: 4 },
  },
  image: {
    // GPT image models report usage tokens (text input, image output); perImage is the fallback at 1024x1024.
    'gpt-image-2': GPT_IMAGE_2_PRICE,
    'gpt-image-1.5': GPT_IMAGE_2_PRICE,
    'gpt-image-1': {
      tokens: { inputPerMillion: 5, outputPerMillion: 40 },
      perImage: { '*:low': 0.011, '*:medium': 0.042, '*:high': 0.167, '*': 0.042 },
    },
    'gpt-image-1-mini': {
      tokens: { inputPerMillion: 2, outputPerMillion: 8 },
      perImage: { '*:low': 0.005, '*:medium': 0.011, '*:high': 0.036, '*': 0.011 },
    },
    'dall-e-3': { perImage: { '1024x1024:hd': 0.08, '*:hd': 0.12, '1024x1024': 0.04, '*': 0.08 } },
    'dall-e-2': { perImage: { '256x256': 0.016, '512x512': 0.018, '*': 0.02 } },
    // Stability's Stable Image endpoints, per image (credits at $0.01).
    core: { perImage: { '*': 0.03 } },
    ultra: { perImage: { '*': 0.08 } },
    sd3: { perImage: { '*': 0.065 } },
    // Stability's edit and upscale endpoints (the model an Image Studio job records), per image, in credits at
    // $0.01. Source: Stability's "API Price Update" (https://stability.ai/api-pricing-update-25), the prices in
    // effect from 2025-08-01: erase, inpaint, remove background, search and replace 5 credits; upscale fast 2,
    // conservative 40, creative 60. Outpaint is not in that update and kept its 4 credits.
    'stability-inpaint': { perImage: { '*': 0.05 } },
    'stability-outpaint': { perImage: { '*': 0.04 } },
    'stability-erase': { perImage: { '*': 0.05 } },
    'stability-search_and_replace': { perImage: { '*': 0.05 } },
    'stability-remove_background': { perImage: { '*': 0.05 } },
    'stability-upscale-fast': { perImage: { '*': 0.02 } },
    'stability-upscale-conservative': { perImage: { '*': 0.4 } },
    'stability-upscale-creative': { perImage: { '*': 0.6 } },
    placeholder: { perImage: { '*': 0 } },
  },
  audio: {
    'gpt-4o-mini-tts': { perMinute: 0.015 },
    'tts-1': { perMillionCharacters: 15 },
    'tts-1-hd': { perMillionCharacters: 30 },
    'placeholder-tts': { perMinute: 0 },
  },
  video: {
    'sora-2': { perSecond: { '1280x720': 0.1, '720x1280': 0.1 } },
    'sora-2-pro': { perSecond: { '1280x720': 0.3, '720x1280': 0.3, '1792x1024': 0.5, '1024x1792': 0.5 } },
    'placeholder-video': { perSecond: { '*': 0 } },
  },
};

/** The entry for a model: exact name, else the longest matching `prefix*` pattern. */
export function findPrice<T>(entries: Record<string, T>, model: string): T | undefined {
  if (Object.hasOwn(entries, model)) return entries[model];
  const pattern = Object.keys(entries)
    .filter((key) => key.endsWith('*') && model.startsWith(key.slice(0, -1)))
    .sort((a, b) => b.length - a.length)[0];
  return pattern === undefined ? undefined : entries[pattern];
}

/**
 * USD for the tokens at a price, rounded to the micro-dollar (the precision of the `cost` columns).
 * Computed in micro-dollars (tokens × USD per million) so decimal prices do not accumulate float error.
 */
export function tokenCost(price: TokenPrice, usage: TokenUsage): number {
  const cached = Math.min(usage.cachedInputTokens ?? 0, usage.inputTokens);
  const micros =
    (usage.inputTokens - cached) * price.inputPerMillion +
    cached * (price.cachedInputPerMillion ?? price.inputPerMillion) +
    usage.outputTokens * price.outputPerMillion;
  return Math.round(micros) / 1_000_000;
}

/** Cost of a text generation, or null when the model has no price (the asset then records no cost). */
export function textCost(table: PricingTable, model: string, usage: TokenUsage): number | null {
  const price = findPrice(table.text, model);
  return price ? tokenCost(price, usage) : null;
}

/** Cost of `count` images: from usage tokens when reported and priced, else per image; null when unpriced. */
export function imageCost(
  table: PricingTable,
  model: string,
  image: { size?: string | null; quality?: string | null; count: number; usage?: TokenUsage | null },
): number | null {
  const price = findPrice(table.image, model);
  if (!price) return null;
  if (image.usage && price.tokens) return tokenCost(price.tokens, image.usage);
  if (!price.perImage) return null;
  const size = image.size ?? '*';
  const quality = image.quality ?? '*';
  const keys = [`${size}:${quality}`, size, `*:${quality}`, '*'];
  const key = keys.find((candidate) => Object.hasOwn(price.perImage!, candidate));
  return key === undefined ? null : Math.round(price.perImage[key] * image.count * 1_000_000) / 1_000_000;
}

/** Cost of one speech: its characters and its duration (seconds, read from the bytes) at the model's prices. */
export function audioCost(
  table: PricingTable,
  model: string,
  speech: { characters: number; durationSeconds: number },
): number | null {
  const price = findPrice(table.audio, model);
  if (!price) return null;
  const micros =
    speech.characters * (price.perMillionCharacters ?? 0) +
    (speech.durationSeconds / 60) * (price.perMinute ?? 0) * 1_000_000;
  return Math.round(micros) / 1_000_000;
}

/** Cost of a clip of `seconds` at `size`; null when the model, or that size of it, has no price. */
export function videoCost(table: PricingTable, model: string, video: { size: string; seconds: number }): number | null {
  const price = findPrice(table.video, model);
  if (!price) return null;
  const key = [video.size, '*'].find((candidate) => Object.hasOwn(price.perSecond, candidate));
  return key === undefined ? null : Math.round(price.perSecond[key] * video.seconds * 1_000_000) / 1_000_000;
}

/** Per-model replacement of the defaults: an override entry replaces the whole entry of its model. */
export function mergePricing(base: PricingTable, overrides: Partial<PricingTable> | undefined): PricingTable {
  return {
    text: { ...base.text, ...overrides?.text },
    image: { ...base.image, ...overrides?.image },
    video: { ...base.video, ...overrides?.video },
    audio: { ...base.audio, ...overrides?.audio },
  };
}

/**
 * Parses PROVIDER_PRICING. Returns the overrides and every problem found (empty when valid), so config
 * validation at boot can list them all.
 */
export function parsePricingOverrides(json: string | undefined): {
  overrides?: Partial<PricingTable>;
  problems: string[];
} {
  if (json === undefined) return { problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { problems: [`${PRICING_ENV_VAR} is not valid JSON (${(error as Error).message})`] };
  }
  if (!isObject(parsed))
    return { problems: [`${PRICING_ENV_VAR} must be a JSON object like {"text": {...}, "image": {...}}`] };
  const problems: string[] = [];
  const unknown = Object.keys(parsed).filter((key) => !PRICING_SECTIONS.includes(key));
  if (unknown.length > 0)
    problems.push(
      `${PRICING_ENV_VAR} has unknown sections: ${unknown.join(', ')} (expected ${PRICING_SECTIONS.join(', ')})`,
    );

  const section = (name: keyof PricingTable, check: (where: string, entry: unknown) => void) => {
    const value = parsed[name];
    if (value === undefined) return;
    if (!isObject(value)) return void problems.push(`${PRICING_ENV_VAR}.${name} must be an object keyed by model`);
    for (const [model, entry] of Object.entries(value)) check(`${PRICING_ENV_VAR}.${name}["${model}"]`, entry);
  };
  section('text', (where, entry) => problems.push(...tokenPriceProblems(where, entry)));
  section('image', (where, entry) => {
    if (!isObject(entry)) return void problems.push(`${where} must be an object with tokens and/or perImage`);
    const extra = Object.keys(entry).filter((key) => key !== 'tokens' && key !== 'perImage');
    if (extra.length > 0) problems.push(`${where} has unknown fields: ${extra.join(', ')}`);
    if (entry.tokens === undefined && entry.perImage === undefined) problems.push(`${where} needs tokens or perImage`);
    if (entry.tokens !== undefined) problems.push(...tokenPriceProblems(`${where}.tokens`, entry.tokens));
    if (entry.perImage !== undefined) {
      if (!isObject(entry.perImage)) problems.push(`${where}.perImage must be an object of USD amounts`);
      else {
        for (const [key, amount] of Object.entries(entry.perImage)) {
          if (!isPrice(amount)) problems.push(`${where}.perImage["${key}"] must be a non-negative number`);
        }
      }
    }
  });
  section('audio', (where, entry) => problems.push(...audioPriceProblems(where, entry)));
  section('video', (where, entry) => problems.push(...videoPriceProblems(where, entry)));
  return problems.length > 0 ? { problems } : { overrides: parsed, problems };
}

const PRICING_SECTIONS: readonly string[] = ['text', 'image', 'audio', 'video'] satisfies (keyof PricingTable)[];
const AUDIO_PRICE_FIELDS: readonly string[] = ['perMillionCharacters', 'perMinute'] satisfies (keyof AudioModelPrice)[];

function audioPriceProblems(where: string, entry: unknown): string[] {
  if (!isObject(entry)) return [`${where} must be an object with perMillionCharacters and/or perMinute`];
  const problems: string[] = [];
  const extra = Object.keys(entry).filter((key) => !AUDIO_PRICE_FIELDS.includes(key));
  if (extra.length > 0) problems.push(`${where} has unknown fields: ${extra.join(', ')}`);
  const given = AUDIO_PRICE_FIELDS.filter((key) => entry[key] !== undefined);
  if (given.length === 0) problems.push(`${where} needs perMillionCharacters or perMinute`);
  for (const key of given) if (!isPrice(entry[key])) problems.push(`${where}.${key} must be a non-negative number`);
  return problems;
}

function videoPriceProblems(where: string, entry: unknown): string[] {
  if (!isObject(entry) || !isObject(entry.perSecond))
    return [`${where} must be an object like {"perSecond": {"1280x720": 0.1}}`];
  const problems: string[] = [];
  const extra = Object.keys(entry).filter((key) => key !== 'perSecond');
  if (extra.length > 0) problems.push(`${where} has unknown fields: ${extra.join(', ')}`);
  for (const [size, amount] of Object.entries(entry.perSecond)) {
    if (size !== '*' && !/^\d{1,5}x\d{1,5}$/.test(size))
      problems.push(`${where}.perSecond["${size}"] must be WIDTHxHEIGHT or *`);
    if (!isPrice(amount)) problems.push(`${where}.perSecond["${size}"] must be a non-negative number`);
  }
  return problems;
}

function tokenPriceProblems(where: string, entry: unknown): string[] {
  if (!isObject(entry)) return [`${where} must be an object like {"inputPerMillion": 0.4, "outputPerMillion": 1.6}`];
  const problems: string[] = [];
  const allowed = ['inputPerMillion', 'outputPerMillion', 'cachedInputPerMillion'];
  const extra = Object.keys(entry).filter((key) => !allowed.includes(key));
  if (extra.length > 0) problems.push(`${where} has unknown fields: ${extra.join(', ')}`);
  for (const key of ['inputPerMillion', 'outputPerMillion']) {
    if (!isPrice(entry[key])) problems.push(`${where}.${key} must be a non-negative number`);
  }
  if (entry.cachedInputPerMillion !== undefined && !isPrice(entry.cachedInputPerMillion)) {
    problems.push(`${where}.cachedInputPerMillion must be a non-negative number`);
  }
  return problems;
}

function isPrice(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
