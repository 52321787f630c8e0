import { Injectable } from '@nestjs/common';
import { ModelRetiredError, ProviderNotConfiguredError, ValidationError } from '../../common/errors';
import { EngineConfig, IMAGE_PROVIDER_NAMES, ImageProviderName } from '../../config/engine-config';
import type { ModelCatalogueEntry, ModelKind } from './image-model-catalogue';
import { GENERIC_MODELS, ImageModelSpec } from './image-models';
import type { ImageProvider } from './image-provider';
import { OpenAiImageProvider } from './openai-image.provider';
import { PlaceholderImageProvider } from './placeholder-image.provider';
import { StabilityImageProvider } from './stability-image.provider';

/** What to set for each provider that needs credentials, named in its 503 (as the text routes name theirs). */
export const IMAGE_PROVIDER_SETUP_HINTS: Record<Exclude<ImageProviderName, 'placeholder'>, string> = {
  openai: 'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint)',
  stability: 'set STABILITY_API_KEY (and STABILITY_BASE_URL for another Stability-compatible endpoint)',
};

export interface ResolvedImageModel {
  provider: ImageProvider;
  model: string;
  spec: ImageModelSpec;
  /** Set for a deprecated model: the date its provider shuts it down (for the Deprecation and Sunset headers). */
  shutdownDate?: string;
  /** What the job should remember about its model: deprecated, or replaced by its successor. */
  warnings: string[];
}

/** A catalogue entry as listed by GET /models: with whether its provider has credentials here. */
export interface CatalogueModel extends ModelCatalogueEntry {
  configured: boolean;
  isDefault: boolean;
}

/**
 * Picks the image provider for a request: the one named, else the one serving the named model, else the
 * default (IMAGE_DEFAULT_PROVIDER, or the first configured of openai, stability, placeholder).
 */
@Injectable()
export class ImageProviderRegistry {
  private readonly providers: Record<ImageProviderName, ImageProvider>;
  private readonly catalogue: ReadonlyMap<string, ModelCatalogueEntry>;

  constructor(private readonly config: EngineConfig) {
    this.catalogue = new Map(config.modelCatalogue.map((entry) => [entry.id, entry]));
    this.providers = {
      openai: new OpenAiImageProvider(config, config.storage.maxFileBytes),
      stability: new StabilityImageProvider(config),
      placeholder: new PlaceholderImageProvider(),
    };
  }

  isProviderName(name: string): name is ImageProviderName {
    return (IMAGE_PROVIDER_NAMES as readonly string[]).includes(name);
  }

  get(name: ImageProviderName): ImageProvider {
    return this.providers[name];
  }

  defaultProvider(): ImageProvider {
    const configured = this.config.imageGeneration.defaultProvider;
    if (configured) return this.providers[configured];
    return (
      [this.providers.openai, this.providers.stability].find((provider) => provider.isConfigured()) ??
      this.providers.placeholder
    );
  }

  /** The catalogue, optionally of one kind or provider, in catalogue order. */
  listModels(filter: { kind?: ModelKind; provider?: ImageProviderName } = {}): CatalogueModel[] {
    return [...this.catalogue.values()]
      .filter(
        (entry) =>
          (filter.kind === undefined || entry.kinds.includes(filter.kind)) &&
          (filter.provider === undefined || entry.provider === filter.provider),
      )
      .map((entry) => {
        const provider = this.providers[entry.provider];
        return { ...entry, configured: provider.isConfigured(), isDefault: provider.defaultModel === entry.id };
      });
  }

  /**
   * The provider and the rules of the model a request names. A model the catalogue gives to another provider
   * than the one named, or an unknown model without a provider, is a 400; so is a retired model, unless
   * `replaceRetired` (a regeneration that named no model), which takes its successor and says so in `warnings`.
   * Credentials are not checked here (see assertConfigured), so a request's every problem is found before a
   * missing key is reported.
   */
  resolve(selection: { provider?: ImageProviderName; model?: string; replaceRetired?: boolean }): ResolvedImageModel {
    const provider = selection.provider
      ? this.providers[selection.provider]
      : selection.model
        ? this.providers[this.knownModel(selection.model).provider]
        : this.defaultProvider();
    const model = selection.model ?? provider.defaultModel;
    const known = this.catalogue.get(model);
    if (known && known.provider !== provider.name) {
      const message = `Model ${model} is served by provider ${known.provider}, not ${provider.name}: name provider ${known.provider}, or a model of ${provider.name}`;
      throw new ValidationError(message, [{ field: 'model', problems: [message] }]);
    }
    if (known?.status === 'retired') return this.successorOf(known, selection.replaceRetired === true);
    const spec = known?.capabilities ?? GENERIC_MODELS[provider.name];
    if (known?.status !== 'deprecated') return { provider, model, spec, warnings: [] };
    const warning = `model ${model} is deprecated; shut down on ${known.shutdownDate}${known.successor ? `; use ${known.successor}` : ''}`;
    return { provider, model, spec, shutdownDate: known.shutdownDate, warnings: [warning] };
  }

  private successorOf(retired: ModelCatalogueEntry, replaceRetired: boolean): ResolvedImageModel {
    if (!replaceRetired || !retired.successor)
      throw new ModelRetiredError(retired.id, retired.shutdownDate, retired.successor);
    const next = this.resolve({ model: retired.successor });
    const warning = `model ${retired.id} was retired on ${retired.shutdownDate}; its successor ${retired.successor} was used`;
    return { ...next, warnings: [warning, ...next.warnings] };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: ImageProvider): void {
    if (provider.isConfigured()) return;
    const hint = provider.name === 'placeholder' ? undefined : IMAGE_PROVIDER_SETUP_HINTS[provider.name];
    throw new ProviderNotConfiguredError(
      `Image provider ${provider.name} is not configured on this server (no API key)${hint ? `: ${hint}` : ''}`,
    );
  }

  private knownModel(model: string): ModelCatalogueEntry {
    const entry = this.catalogue.get(model);
    if (entry) return entry;
    const usable = [...this.catalogue.values()].filter((known) => known.status !== 'retired').map((known) => known.id);
    throw new ValidationError(
      `Unknown image model ${model}: use one of ${usable.join(', ')}, or name its provider to use another model`,
      [{ field: 'model', problems: [`unknown model ${model}`] }],
    );
  }
}
