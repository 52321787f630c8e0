import { ProviderNotConfiguredError, ValidationError } from '../../common/errors';
import type { EngineConfig } from '../../config/engine-config';
import { TextProviderRegistry } from './text-provider.registry';
import type { TextEndpointConfig } from './text-provider-config';

function registry(endpoints: TextEndpointConfig[]): TextProviderRegistry {
  return new TextProviderRegistry({ text: { endpoints, defaultModel: 'gpt-4.1-mini' } } as unknown as EngineConfig);
}

const endpoint = (name: string, models: string[]): TextEndpointConfig => ({
  name,
  apiKey: 'key',
  timeoutMs: 1000,
  maxRetries: 0,
  models,
});

function refusal(run: () => unknown): ValidationError {
  try {
    run();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('TextProviderRegistry.resolve', () => {
  const routed = registry([endpoint('openai', ['gpt-*']), endpoint('anthropic', ['claude-*'])]);

  it('routes by model, else by the provider named', () => {
    expect(routed.resolve({ model: 'claude-sonnet-4' }).provider.name).toBe('anthropic');
    expect(routed.resolve({}).model).toBe('gpt-4.1-mini');
    expect(routed.resolve({ provider: 'anthropic', model: 'x' }).provider.name).toBe('anthropic');
  });

  it('refuses a model no endpoint serves as a ValidationError naming the field model, as image models are', () => {
    const error = refusal(() => routed.resolve({ model: 'llama-3' }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.message).toContain('No configured text provider serves model "llama-3"');
    expect(error.details?.map((detail) => detail.field)).toEqual(['model']);
  });

  it('refuses an unknown provider as a ValidationError naming the field provider', () => {
    const error = refusal(() => routed.resolve({ provider: 'nope' }));
    expect(error.message).toContain('Unknown text provider "nope"');
    expect(error.details?.map((detail) => detail.field)).toEqual(['provider']);
  });

  it('is a 503 error when no endpoint is configured', () => {
    expect(() => registry([]).resolve({})).toThrow(ProviderNotConfiguredError);
  });
});
