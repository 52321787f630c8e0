import { ValidationError } from '../../common/errors';
import { DEFAULT_MODEL_CATALOGUE } from '../catalogue/model-catalogue';
import { GENERIC_MODELS, type ImageModelSpec, validateImageRequest } from './image-models';
import type { ImageGenerationRequest } from './image-provider';

const capabilitiesOf = (model: string) =>
  DEFAULT_MODEL_CATALOGUE.find((entry) => entry.id === model)!.capabilities as ImageModelSpec;

const request = (overrides: Partial<ImageGenerationRequest>): ImageGenerationRequest => ({
  prompt: 'a cat',
  model: 'gpt-image-1',
  n: 1,
  ...overrides,
});

function problemsOf(req: ImageGenerationRequest): string[] {
  try {
    validateImageRequest(req, capabilitiesOf(req.model));
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return ((error as ValidationError).details ?? []).flatMap((detail) => detail.problems);
  }
}

describe('validateImageRequest', () => {
  it('accepts what each model documents', () => {
    expect(
      problemsOf(
        request({ size: '1536x1024', quality: 'high', background: 'transparent', outputFormat: 'webp', n: 10 }),
      ),
    ).toEqual([]);
    expect(problemsOf(request({ model: 'dall-e-3', size: '1024x1792', quality: 'hd', style: 'natural' }))).toEqual([]);
    expect(
      problemsOf(request({ model: 'core', aspectRatio: '21:9', seed: 4294967294, negativePrompt: 'fog' })),
    ).toEqual([]);
    expect(
      problemsOf(request({ model: 'placeholder', size: '64x2048', steps: 150, guidance: 7.5, seed: 2 ** 40 })),
    ).toEqual([]);
  });

  it('reports every problem of a request at once', () => {
    expect(
      problemsOf(
        request({
          model: 'dall-e-3',
          n: 2,
          size: '512x512',
          quality: 'low',
          background: 'opaque',
          prompt: 'x'.repeat(4001),
        }),
      ),
    ).toEqual([
      'prompt must be at most 4000 characters for dall-e-3',
      'n must be at most 1 for dall-e-3',
      'size must be one of 1024x1024, 1792x1024, 1024x1792 for dall-e-3',
      'quality must be one of standard, hd for dall-e-3',
      'background is not supported by dall-e-3',
    ]);
  });

  it('refuses parameters a provider does not take', () => {
    expect(problemsOf(request({ seed: 1, negativePrompt: 'x', steps: 10 }))).toEqual([
      'negativePrompt is not supported by gpt-image-1',
      'seed is not supported by gpt-image-1',
      'steps is not supported by gpt-image-1',
    ]);
    expect(problemsOf(request({ model: 'core', size: '1024x1024', guidance: 3 }))).toEqual([
      'size is not supported by core; use aspectRatio',
      'guidance is not supported by core',
    ]);
    expect(problemsOf(request({ model: 'placeholder', size: '10x10' }))).toEqual([
      'size must be "auto" or WIDTHxHEIGHT with sides between 64 and 2048 for placeholder',
    ]);
  });

  it('checks a model outside the catalogue against its provider’s generic rules', () => {
    expect(DEFAULT_MODEL_CATALOGUE.some((entry) => entry.id === 'my-local-sdxl')).toBe(false);
    const outside = request({ model: 'my-local-sdxl', size: '800x600', style: 'vivid' });
    expect(() => validateImageRequest(outside, GENERIC_MODELS.openai)).not.toThrow();
  });
});
