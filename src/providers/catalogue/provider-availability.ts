import type { ProviderName } from '../provider-names';
import type { CatalogueKind } from './model-catalogue';

/** What a registry of one kind's providers tells the catalogue listing (GET /models) about its entries. */
export interface ProviderAvailability {
  readonly kind: CatalogueKind;
  /** Whether the provider has credentials here (false for a provider without an adapter of this kind). */
  isConfigured(provider: ProviderName): boolean;
  /** Whether `model` is what the provider uses when a request names no model. */
  isDefaultModel(provider: ProviderName, model: string): boolean;
}
