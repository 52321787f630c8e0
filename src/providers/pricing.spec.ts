import {
  audioCost,
  DEFAULT_PRICING,
  findPrice,
  imageCost,
  mergePricing,
  parsePricingOverrides,
  PricingTable,
  textCost,
  tokenCost,
  videoCost,
} from './pricing';
import type { EngineConfig } from '../config/engine-config';
import { StabilityImageProvider } from './image/stability-image.provider';

describe('pricing', () => {
  const table: PricingTable = {
    text: {
      'model-a': { inputPerMillion: 0.4, outputPerMillion: 1.6, cachedInputPerMillion: 0.1 },
      'claude-*': { inputPerMillion: 3, outputPerMillion: 15 },
      'claude-opus-*': { inputPerMillion: 15, outputPerMillion: 75 },
    },
    image: {
      'img-tokens': { tokens: { inputPerMillion: 5, outputPerMillion: 40 }, perImage: { '*': 0.5 } },
      'img-fixed': { perImage: { '1024x1024:hd': 0.08, '1024x1024': 0.04, '*:hd': 0.12, '*': 0.06 } },
    },
    video: {},
    audio: {
      'tts-chars': { perMillionCharacters: 15 },
      'tts-minutes': { perMinute: 0.015 },
      'tts-both': { perMillionCharacters: 1, perMinute: 0.6 },
    },
  };

  it('matches exact names first, then the longest prefix pattern', () => {
    expect(findPrice(table.text, 'model-a')).toBe(table.text['model-a']);
    expect(findPrice(table.text, 'claude-sonnet-4-5')).toBe(table.text['claude-*']);
    expect(findPrice(table.text, 'claude-opus-4-1')).toBe(table.text['claude-opus-*']);
    expect(findPrice(table.text, 'model-a-2025')).toBeUndefined();
  });

  it('prices tokens per million, cached input at its own rate, rounded to the micro-dollar', () => {
    expect(
      tokenCost({ inputPerMillion: 2, outputPerMillion: 8 }, { inputTokens: 1_000_000, outputTokens: 500_000 }),
    ).toBe(6);
    // 37 × 0.4 + 12 × 1.6 = 34 micro-dollars
    expect(textCost(table, 'model-a', { inputTokens: 37, outputTokens: 12 })).toBe(0.000034);
    // (100 − 40) × 0.4 + 40 × 0.1 + 0 = 28 micro-dollars
    expect(textCost(table, 'model-a', { inputTokens: 100, outputTokens: 0, cachedInputTokens: 40 })).toBe(0.000028);
    // 0.1 + 0.2 style float error does not leak: 3 × 0.1 micro-dollars rounds to 0
    expect(tokenCost({ inputPerMillion: 0.1, outputPerMillion: 0.2 }, { inputTokens: 1, outputTokens: 1 })).toBe(0);
  });

  it('returns null for unpriced models', () => {
    expect(textCost(table, 'unknown', { inputTokens: 1, outputTokens: 1 })).toBeNull();
    expect(imageCost(table, 'unknown', { count: 1 })).toBeNull();
    expect(audioCost(table, 'unknown', { characters: 10, durationSeconds: 1 })).toBeNull();
  });

  it('prices speech per million characters and per minute of audio, rounded to the micro-dollar', () => {
    // 1000 characters × $15 per million
    expect(audioCost(table, 'tts-chars', { characters: 1000, durationSeconds: 99 })).toBe(0.015);
    // 90 s at $0.015 per minute
    expect(audioCost(table, 'tts-minutes', { characters: 5000, durationSeconds: 90 })).toBe(0.0225);
    // 1 character × $1 per million + 0.5 s at $0.6 per minute = 1 + 5000 micro-dollars
    expect(audioCost(table, 'tts-both', { characters: 1, durationSeconds: 0.5 })).toBe(0.005001);
    expect(audioCost(DEFAULT_PRICING, 'tts-1-hd', { characters: 100, durationSeconds: 5 })).toBe(0.003);
    expect(audioCost(DEFAULT_PRICING, 'gpt-4o-mini-tts', { characters: 100, durationSeconds: 60 })).toBe(0.015);
    expect(audioCost(DEFAULT_PRICING, 'placeholder-tts', { characters: 100, durationSeconds: 60 })).toBe(0);
  });

  it('prices images from usage tokens when reported, else per image by size and quality', () => {
    expect(imageCost(table, 'img-tokens', { count: 1, usage: { inputTokens: 10, outputTokens: 1000 } })).toBe(0.04005);
    expect(imageCost(table, 'img-tokens', { count: 2 })).toBe(1);
    expect(imageCost(table, 'img-fixed', { size: '1024x1024', quality: 'hd', count: 1 })).toBe(0.08);
    expect(imageCost(table, 'img-fixed', { size: '1024x1024', quality: 'standard', count: 3 })).toBe(0.12);
    expect(imageCost(table, 'img-fixed', { size: '512x512', quality: 'hd', count: 1 })).toBe(0.12);
    expect(imageCost(table, 'img-fixed', { size: '512x512', count: 1 })).toBe(0.06);
  });

  it('overrides replace entries per model and keep the rest', () => {
    const merged = mergePricing(DEFAULT_PRICING, {
      text: { 'gpt-4.1-mini': { inputPerMillion: 1, outputPerMillion: 2 } },
    });
    expect(merged.text['gpt-4.1-mini']).toEqual({ inputPerMillion: 1, outputPerMillion: 2 });
    expect(merged.text['gpt-4o']).toEqual(DEFAULT_PRICING.text['gpt-4o']);
  });

  it('prices video per second by size: sora-2 at 720p, sora-2-pro by resolution, the placeholder free', () => {
    expect(videoCost(DEFAULT_PRICING, 'sora-2', { size: '1280x720', seconds: 8 })).toBe(0.8);
    expect(videoCost(DEFAULT_PRICING, 'sora-2-pro', { size: '720x1280', seconds: 4 })).toBe(1.2);
    expect(videoCost(DEFAULT_PRICING, 'sora-2-pro', { size: '1792x1024', seconds: 12 })).toBe(6);
    expect(videoCost(DEFAULT_PRICING, 'placeholder-video', { size: '640x360', seconds: 4 })).toBe(0);
    expect(videoCost(DEFAULT_PRICING, 'sora-2', { size: '1792x1024', seconds: 4 })).toBeNull();
    expect(videoCost(DEFAULT_PRICING, 'veo-3', { size: '1280x720', seconds: 4 })).toBeNull();
    const merged = mergePricing(DEFAULT_PRICING, { video: { 'veo-*': { perSecond: { '*': 0.4 } } } });
    expect(videoCost(merged, 'veo-3', { size: '1280x720', seconds: 8 })).toBe(3.2);
    expect(merged.video['sora-2']).toEqual(DEFAULT_PRICING.video['sora-2']);
  });

  describe('parsePricingOverrides', () => {
    it('accepts a valid document', () => {
      const json = JSON.stringify({
        text: { m: { inputPerMillion: 1, outputPerMillion: 2 } },
        image: { i: { perImage: { '*': 0.1 } } },
        audio: { a: { perMinute: 0.02 } },
      });
      expect(parsePricingOverrides(json)).toEqual({
        overrides: {
          text: { m: { inputPerMillion: 1, outputPerMillion: 2 } },
          image: { i: { perImage: { '*': 0.1 } } },
          audio: { a: { perMinute: 0.02 } },
        },
        problems: [],
      });
      expect(parsePricingOverrides(undefined)).toEqual({ problems: [] });
    });

    it('lists every problem', () => {
      expect(parsePricingOverrides('{nope').problems[0]).toMatch(/^PROVIDER_PRICING is not valid JSON/);
      const { problems } = parsePricingOverrides(
        JSON.stringify({
          music: {},
          text: { m: { inputPerMillion: -1, typo: 1 } },
          image: { i: {}, j: { perImage: { '*': 'cheap' } } },
          audio: { a: {}, b: { perMinute: -1, perSecond: 1 }, c: 3 },
          video: { v: { perSecond: { '1280x720': -1, big: 0.1 } }, w: { perClip: 1 } },
        }),
      );
      expect(problems).toEqual([
        'PROVIDER_PRICING has unknown sections: music (expected text, image, audio, video)',
        'PROVIDER_PRICING.text["m"] has unknown fields: typo',
        'PROVIDER_PRICING.text["m"].inputPerMillion must be a non-negative number',
        'PROVIDER_PRICING.text["m"].outputPerMillion must be a non-negative number',
        'PROVIDER_PRICING.image["i"] needs tokens or perImage',
        'PROVIDER_PRICING.image["j"].perImage["*"] must be a non-negative number',
        'PROVIDER_PRICING.audio["a"] needs perMillionCharacters or perMinute',
        'PROVIDER_PRICING.audio["b"] has unknown fields: perSecond',
        'PROVIDER_PRICING.audio["b"].perMinute must be a non-negative number',
        'PROVIDER_PRICING.audio["c"] must be an object with perMillionCharacters and/or perMinute',
        'PROVIDER_PRICING.video["v"].perSecond["1280x720"] must be a non-negative number',
        'PROVIDER_PRICING.video["v"].perSecond["big"] must be WIDTHxHEIGHT or *',
        'PROVIDER_PRICING.video["w"] must be an object like {"perSecond": {"1280x720": 0.1}}',
      ]);
    });
  });

  it('prices every Image Studio operation stability offers, edits and upscale modes alike', () => {
    const stability = new StabilityImageProvider({} as EngineConfig);
    const models = [
      ...stability.editOperations.map((operation) => stability.studioModel(operation)),
      ...stability.upscaleModes.map((mode) => stability.studioModel('upscale', mode)),
    ];
    expect(models).toHaveLength(8);
    const unpriced = models.filter((model) => !((imageCost(DEFAULT_PRICING, model, { count: 1 }) ?? 0) > 0));
    expect(unpriced).toEqual([]);
    // Two images of one call are two calls: credits per image.
    expect(imageCost(DEFAULT_PRICING, stability.studioModel('inpaint'), { count: 2 })).toBe(0.1);
  });
});
