import { Injectable } from '@nestjs/common';
import { ValidationError, ProviderNotConfiguredError } from '../../common/errors';
import { EngineConfig } from '../../config/engine-config';
import { OpenAiCompatibleTextProvider } from './openai-compatible-text.provider';
import { routeModel, TEXT_PROVIDER_SETUP_HINT } from './text-provider-config';
import type { TextProvider } from './text-provider';

export interface ResolvedTextProvider {
  provider: TextProvider;
  model: string;
}

/** Picks the text endpoint for a request: by explicit provider name, else by model (TEXT_PROVIDERS routing). */
@Injectable()
export class TextProviderRegistry {
  private readonly providers = new Map<string, TextProvider>();

  constructor(private readonly config: EngineConfig) {}

  isConfigured(): boolean {
    return this.config.text.endpoints.length > 0;
  }

  /** 503 when no endpoint is configured; 400 when the model or provider named is not served. */
  resolve(options: { model?: string | null; provider?: string | null } = {}): ResolvedTextProvider {
    const { endpoints, defaultModel } = this.config.text;
    if (endpoints.length === 0) {
      throw new ProviderNotConfiguredError(`No text provider is configured: ${TEXT_PROVIDER_SETUP_HINT}`);
    }
    const model = options.model || defaultModel;
    const endpoint = routeModel(endpoints, model, options.provider ?? undefined);
    if (!endpoint) {
      const routes = endpoints
        .map((e) => `${e.name} (${e.models.length > 0 ? e.models.join(', ') : 'any model'})`)
        .join('; ');
      const [field, message] = options.provider
        ? [
            'provider',
            `Unknown text provider "${options.provider}"; configured: ${endpoints.map((e) => e.name).join(', ')}`,
          ]
        : ['model', `No configured text provider serves model "${model}"; routes: ${routes}`];
      throw new ValidationError(message, [{ field, problems: [message] }]);
    }
    let provider = this.providers.get(endpoint.name);
    if (!provider) {
      provider = new OpenAiCompatibleTextProvider(endpoint);
      this.providers.set(endpoint.name, provider);
    }
    return { provider, model };
  }
}
