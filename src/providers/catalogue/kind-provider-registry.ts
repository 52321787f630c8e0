import { ProviderNotConfiguredError } from '../../common/errors';
import type { ProviderName } from '../provider-names';
import type { CapabilitiesByKind, CatalogueKind } from './model-catalogue';
import type { ModelCatalogue, SelectedModel } from './model-catalogue.service';
import type { ProviderAvailability } from './provider-availability';

/** What every provider adapter of a kind offers the registry. */
export interface KindProvider<Name extends ProviderName> {
  readonly name: Name;
  /** The model used when a request names this provider but no model. */
  readonly defaultModel: string;
  /** Whether credentials are configured; an unconfigured provider answers 503 at request time. */
  isConfigured(): boolean;
}

/** A provider with the rules of the model a request names. */
export type ResolvedModel<Kind extends CatalogueKind, Provider> = Omit<
  SelectedModel<CapabilitiesByKind[Kind]>,
  'provider'
> & {
  provider: Provider;
};

export interface KindProviders<Kind extends CatalogueKind, Name extends ProviderName, Provider> {
  kind: Kind;
  /** How its 503 names the kind: "Image provider openai is not configured …". */
  label: string;
  adapters: Readonly<Record<Name, Provider>>;
  /** The rules of a model the catalogue does not list (the caller named its provider). */
  generic: Readonly<Record<Name, CapabilitiesByKind[Kind]>>;
  /** What to set for each provider that needs credentials, named in its 503. */
  setupHints: Readonly<Partial<Record<Name, string>>>;
  /** The *_DEFAULT_PROVIDER setting, when set. */
  configuredDefault: Name | undefined;
  /** Otherwise the first configured of these; else the last. */
  defaultOrder: readonly Name[];
}

/**
 * The providers of one kind of job: picks the one a request names, else the one serving its model, else the
 * default, resolves the model through the catalogue, and tells GET /models which are usable here.
 */
export abstract class KindProviderRegistry<
  Kind extends CatalogueKind,
  Name extends ProviderName,
  Provider extends KindProvider<Name>,
> implements ProviderAvailability {
  readonly kind: Kind;

  protected constructor(
    private readonly catalogue: ModelCatalogue,
    private readonly setup: KindProviders<Kind, Name, Provider>,
  ) {
    this.kind = setup.kind;
  }

  isProviderName(name: string): name is Name {
    return Object.hasOwn(this.setup.adapters, name);
  }

  get(name: Name): Provider {
    return this.setup.adapters[name];
  }

  defaultProvider(): Provider {
    const { configuredDefault, defaultOrder, adapters } = this.setup;
    if (configuredDefault) return adapters[configuredDefault];
    const configured = defaultOrder.find((name) => adapters[name].isConfigured());
    return adapters[configured ?? defaultOrder[defaultOrder.length - 1]];
  }

  isConfigured(provider: ProviderName): boolean {
    return this.isProviderName(provider) && this.setup.adapters[provider].isConfigured();
  }

  isDefaultModel(provider: ProviderName, model: string): boolean {
    return this.isProviderName(provider) && this.setup.adapters[provider].defaultModel === model;
  }

  /**
   * The provider and the rules of the model a request names (ModelCatalogue.select; `replaceRetired` takes a
   * retired model's successor, at its own provider). Credentials are not checked here (see assertConfigured),
   * so a request's every problem is found before a missing key is reported.
   */
  resolve(selection: { provider?: Name; model?: string; replaceRetired?: boolean }): ResolvedModel<Kind, Provider> {
    const provider = selection.provider
      ? this.setup.adapters[selection.provider]
      : selection.model
        ? this.adapterOf(this.catalogue.providerOf(this.kind, selection.model), selection.model)
        : this.defaultProvider();
    const selected = this.catalogue.select({
      kind: this.kind,
      provider: provider.name,
      model: selection.model ?? provider.defaultModel,
      generic: this.setup.generic[provider.name],
      replaceRetired: selection.replaceRetired,
    });
    return { ...selected, provider: this.adapterOf(selected.provider, selected.model) };
  }

  /** 503 naming the variables to set when the provider has no credentials here. */
  assertConfigured(provider: Provider): void {
    if (provider.isConfigured()) return;
    const hint = this.setup.setupHints[provider.name];
    throw new ProviderNotConfiguredError(
      `${this.setup.label} provider ${provider.name} is not configured on this server (no API key)${hint ? `: ${hint}` : ''}`,
    );
  }

  /** The adapter of a provider the catalogue names for a model (an override may name one with no adapter of this kind). */
  private adapterOf(name: ProviderName, model: string): Provider {
    if (this.isProviderName(name)) return this.setup.adapters[name];
    throw new ProviderNotConfiguredError(
      `${this.setup.label} model ${model} is served by ${name}, which has no ${this.kind} adapter here`,
    );
  }
}
