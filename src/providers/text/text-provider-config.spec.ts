import { ConfigValidationError, loadConfig } from '../../config/engine-config';
import {
  parseTextEndpoints,
  resolveTextProviders,
  routeModel,
  TextEndpointConfig,
  TextProviderEnvironment,
} from './text-provider-config';

const baseEnv: TextProviderEnvironment = {
  TEXT_DEFAULT_MODEL: 'gpt-4.1-mini',
  TEXT_MAX_RETRIES: 2,
  OPENAI_TIMEOUT_MS: 60_000,
};
const defaults = { timeoutMs: 60_000, maxRetries: 2 };

function endpoint(name: string, models: string[]): TextEndpointConfig {
  return { name, apiKey: 'k', timeoutMs: 1000, maxRetries: 0, models };
}

describe('text provider configuration', () => {
  it('has no endpoint without OPENAI_API_KEY or TEXT_PROVIDERS', () => {
    expect(resolveTextProviders(baseEnv)).toEqual({
      config: { endpoints: [], defaultModel: 'gpt-4.1-mini' },
      problems: [],
    });
  });

  it('turns the OPENAI_* variables into one endpoint serving every model', () => {
    const { config } = resolveTextProviders({
      ...baseEnv,
      OPENAI_API_KEY: 'sk-1',
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      OPENAI_ORGANIZATION: 'org-1',
      OPENAI_TIMEOUT_MS: 5000,
      TEXT_MAX_RETRIES: 4,
    });
    expect(config.endpoints).toEqual([
      {
        name: 'openai',
        apiKey: 'sk-1',
        baseUrl: 'http://127.0.0.1:1/v1',
        organization: 'org-1',
        timeoutMs: 5000,
        maxRetries: 4,
        models: [],
      },
    ]);
  });

  it('parses TEXT_PROVIDERS with per-endpoint settings and defaults', () => {
    const { endpoints, problems } = parseTextEndpoints(
      JSON.stringify([
        { name: 'openai', apiKey: 'sk-1', models: ['gpt-*'] },
        {
          name: 'anthropic',
          baseUrl: 'https://api.anthropic.com/v1/',
          apiKey: 'sk-ant',
          models: ['claude-*'],
          timeoutMs: 9000,
          maxRetries: 0,
        },
      ]),
      defaults,
    );
    expect(problems).toEqual([]);
    expect(endpoints[0]).toEqual({
      name: 'openai',
      apiKey: 'sk-1',
      timeoutMs: 60_000,
      maxRetries: 2,
      models: ['gpt-*'],
    });
    expect(endpoints[1]).toMatchObject({ baseUrl: 'https://api.anthropic.com/v1/', timeoutMs: 9000, maxRetries: 0 });
  });

  it('lists every problem of TEXT_PROVIDERS', () => {
    expect(parseTextEndpoints('[oops', defaults).problems[0]).toMatch(/^TEXT_PROVIDERS is not valid JSON/);
    expect(parseTextEndpoints('{}', defaults).problems).toEqual([
      'TEXT_PROVIDERS must be a JSON array of 1-20 endpoint objects',
    ]);
    const { problems } = parseTextEndpoints(
      JSON.stringify([
        { name: 'a', apiKey: 'k', baseUrl: 'ftp://x', timeoutMs: 5, models: 'gpt-*', extra: 1 },
        { name: 'a', maxRetries: 99 },
      ]),
      defaults,
    );
    expect(problems).toEqual([
      'TEXT_PROVIDERS[0] has unknown fields: extra (allowed: name, baseUrl, apiKey, organization, timeoutMs, maxRetries, models)',
      'TEXT_PROVIDERS[0].baseUrl must be an http(s) URL',
      'TEXT_PROVIDERS[0].models must be an array of model names or "prefix*" patterns',
      'TEXT_PROVIDERS[0].timeoutMs must be an integer from 1000 to 600000',
      'TEXT_PROVIDERS[1].apiKey must be a non-empty string',
      'TEXT_PROVIDERS[1].maxRetries must be an integer from 0 to 10',
      'TEXT_PROVIDERS endpoint names must be unique: a',
    ]);
  });

  it('refuses a default model no endpoint serves', () => {
    const { problems } = resolveTextProviders({
      ...baseEnv,
      TEXT_PROVIDERS: JSON.stringify([{ name: 'anthropic', apiKey: 'k', models: ['claude-*'] }]),
    });
    expect(problems).toEqual([
      'TEXT_DEFAULT_MODEL "gpt-4.1-mini" is served by none of the TEXT_PROVIDERS endpoints (add it to one\'s models)',
    ]);
  });

  it('routes by explicit provider, then by pattern, then to a catch-all endpoint', () => {
    const endpoints = [endpoint('catch-all', []), endpoint('anthropic', ['claude-*']), endpoint('exact', ['my-model'])];
    expect(routeModel(endpoints, 'claude-sonnet-4')?.name).toBe('anthropic');
    expect(routeModel(endpoints, 'my-model')?.name).toBe('exact');
    expect(routeModel(endpoints, 'gpt-4o')?.name).toBe('catch-all');
    expect(routeModel(endpoints, 'claude-sonnet-4', 'exact')?.name).toBe('exact');
    expect(routeModel(endpoints, 'x', 'missing')).toBeUndefined();
    expect(routeModel([endpoint('anthropic', ['claude-*'])], 'gpt-4o')).toBeUndefined();
  });

  it('is validated at boot with every problem named', () => {
    const env = {
      AUTH_JWT_SECRET: 'x'.repeat(32),
      TEXT_PROVIDERS: '[{"name":"a"}]',
      PROVIDER_PRICING: '{"text":{"m":1}}',
    };
    expect(() => loadConfig(env)).toThrow(ConfigValidationError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as ConfigValidationError).problems).toEqual([
        'TEXT_PROVIDERS[0].apiKey must be a non-empty string',
        'PROVIDER_PRICING.text["m"] must be an object like {"inputPerMillion": 0.4, "outputPerMillion": 1.6}',
      ]);
    }
  });

  it('exposes the resolved endpoints and pricing on EngineConfig', () => {
    const config = loadConfig({
      AUTH_JWT_SECRET: 'x'.repeat(32),
      TEXT_PROVIDERS: JSON.stringify([
        { name: 'local', baseUrl: 'http://127.0.0.1:11434/v1', apiKey: 'ollama', models: ['llama*'] },
      ]),
      TEXT_DEFAULT_MODEL: 'llama3.2',
      PROVIDER_PRICING: JSON.stringify({ text: { 'llama*': { inputPerMillion: 0, outputPerMillion: 0 } } }),
    });
    expect(config.text.endpoints.map((e) => e.name)).toEqual(['local']);
    expect(config.text.defaultModel).toBe('llama3.2');
    expect(config.pricing.text['llama*']).toEqual({ inputPerMillion: 0, outputPerMillion: 0 });
    expect(config.pricing.text['gpt-4o']).toBeDefined();
  });
});
