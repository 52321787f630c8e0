import { loadConfig } from '../../config/engine-config';
import { ModelCatalogue } from '../catalogue/model-catalogue.service';
import { AudioProviderRegistry } from './audio-provider.registry';

function registry(env: Record<string, string> = {}): AudioProviderRegistry {
  const config = loadConfig({ AUTH_JWT_SECRET: 'x'.repeat(32), ...env });
  return new AudioProviderRegistry(config, new ModelCatalogue(config));
}

describe('AudioProviderRegistry', () => {
  it('defaults to openai with a key, else to the placeholder, unless AUDIO_DEFAULT_PROVIDER says otherwise', () => {
    expect(registry({ OPENAI_API_KEY: 'sk-test' }).resolve({})).toMatchObject({ model: 'gpt-4o-mini-tts' });
    expect(registry({ OPENAI_API_KEY: 'sk-test' }).resolve({}).provider.name).toBe('openai');
    expect(registry().resolve({}).provider.name).toBe('placeholder');
    expect(registry({ OPENAI_API_KEY: 'sk-test', AUDIO_DEFAULT_PROVIDER: 'placeholder' }).resolve({})).toMatchObject({
      model: 'placeholder-tts',
    });
    expect(registry({ OPENAI_API_KEY: 'sk-test', OPENAI_AUDIO_MODEL: 'tts-1' }).resolve({}).model).toBe('tts-1');
  });

  it('routes a model to the provider the catalogue gives it', () => {
    expect(registry().resolve({ model: 'tts-1-hd' }).provider.name).toBe('openai');
    expect(registry().resolve({ model: 'placeholder-tts' }).provider.name).toBe('placeholder');
  });

  it('names the variable to set when openai has no key (503)', () => {
    const audio = registry({ AUDIO_DEFAULT_PROVIDER: 'openai' });
    const { provider } = audio.resolve({});
    expect(() => audio.assertConfigured(provider)).toThrow(
      expect.objectContaining({ code: 'PROVIDER_NOT_CONFIGURED', message: expect.stringContaining('OPENAI_API_KEY') }),
    );
    expect(audio.isConfigured('openai')).toBe(false);
    expect(audio.isConfigured('stability')).toBe(false);
    expect(audio.isDefaultModel('placeholder', 'placeholder-tts')).toBe(true);
  });
});
