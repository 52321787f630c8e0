import { Injectable } from '@nestjs/common';
import { ModelRetiredError, ValidationError } from '../../common/errors';
import { EngineConfig } from '../../config/engine-config';
import type { ProviderName } from '../provider-names';
import type { CapabilitiesByKind, CatalogueKind, ModelCatalogueEntry, ModelKind } from './model-catalogue';

/** A model chosen for a request, with its rules and what the job should remember about its lifecycle. */
export interface SelectedModel<Capabilities> {
  provider: ProviderName;
  model: string;
  spec: Capabilities;
  /** Set for a deprecated model: the date its provider shuts it down (for the Deprecation and Sunset headers). */
  shutdownDate?: string;
  /** Deprecated, or replaced by its successor. */
  warnings: string[];
}

export interface ModelSelection<Kind extends CatalogueKind> {
  kind: Kind;
  provider: ProviderName;
  model: string;
  /** The rules of a model the catalogue does not list (the caller named its provider). */
  generic: CapabilitiesByKind[Kind];
  /** Take the successor of a retired model instead of refusing it (a regeneration that named no model). */
  replaceRetired?: boolean;
}

const KIND_NAMES: Record<CatalogueKind, string> = { image: 'an image', audio: 'a speech', video: 'a video' };

/**
 * The model catalogue of this deployment (built-in entries with MODEL_CATALOGUE_OVERRIDES): which models
 * exist, for what, at which provider, and whether they are still alive. Every generator resolves its model here.
 */
@Injectable()
export class ModelCatalogue {
  private readonly entries: ReadonlyMap<string, ModelCatalogueEntry>;

  constructor(config: EngineConfig) {
    this.entries = new Map(config.modelCatalogue.map((entry) => [entry.id, entry]));
  }

  /** The catalogue, optionally of one kind or provider, in catalogue order. */
  list(filter: { kind?: ModelKind; provider?: ProviderName } = {}): ModelCatalogueEntry[] {
    return [...this.entries.values()].filter(
      (entry) =>
        (filter.kind === undefined || entry.kinds.includes(filter.kind)) &&
        (filter.provider === undefined || entry.provider === filter.provider),
    );
  }

  /** The shutdown date of a model the catalogue lists as deprecated; undefined for any other. */
  deprecationOf(model: string | null): string | undefined {
    const entry = model === null ? undefined : this.entries.get(model);
    return entry?.status === 'deprecated' ? entry.shutdownDate : undefined;
  }

  /** The provider of a model the catalogue lists for `kind`; 400 naming the usable ones otherwise. */
  providerOf(kind: CatalogueKind, model: string): ProviderName {
    const entry = this.entries.get(model);
    if (entry?.kinds.includes(kind)) return entry.provider;
    const usable = this.list({ kind })
      .filter((known) => known.status !== 'retired')
      .map((known) => known.id);
    const what = entry ? `${model} is not ${KIND_NAMES[kind]} model` : `Unknown ${kind} model ${model}`;
    throw new ValidationError(`${what}: use one of ${usable.join(', ')}, or name its provider to use another model`, [
      { field: 'model', problems: [entry ? `not ${KIND_NAMES[kind]} model` : `unknown model ${model}`] },
    ]);
  }

  /**
   * The rules of the model a request names at its provider. A model the catalogue gives to another provider
   * or another kind is a 400; so is a retired model, unless `replaceRetired`, which takes its successor and
   * says so in `warnings`. A deprecated model works, with a warning and its shutdown date.
   */
  select<Kind extends CatalogueKind>(selection: ModelSelection<Kind>): SelectedModel<CapabilitiesByKind[Kind]> {
    const { kind, provider, model } = selection;
    const known = this.entries.get(model);
    if (!known) return { provider, model, spec: selection.generic, warnings: [] };
    if (known.provider !== provider) {
      const message = `Model ${model} is served by provider ${known.provider}, not ${provider}: name provider ${known.provider}, or a model of ${provider}`;
      throw new ValidationError(message, [{ field: 'model', problems: [message] }]);
    }
    if (!known.kinds.includes(kind)) this.providerOf(kind, model);
    const spec = known.capabilities as CapabilitiesByKind[Kind];
    if (known.status === 'retired') return this.successorOf(known, selection);
    if (known.status !== 'deprecated') return { provider, model, spec, warnings: [] };
    const warning = `model ${model} is deprecated; shut down on ${known.shutdownDate}${known.successor ? `; use ${known.successor}` : ''}`;
    return { provider, model, spec, shutdownDate: known.shutdownDate, warnings: [warning] };
  }

  private successorOf<Kind extends CatalogueKind>(
    retired: ModelCatalogueEntry,
    selection: ModelSelection<Kind>,
  ): SelectedModel<CapabilitiesByKind[Kind]> {
    if (!selection.replaceRetired || !retired.successor)
      throw new ModelRetiredError(retired.id, retired.shutdownDate, retired.successor);
    const successor = retired.successor;
    const next = this.select({ ...selection, provider: this.providerOf(selection.kind, successor), model: successor });
    const warning = `model ${retired.id} was retired on ${retired.shutdownDate}; its successor ${successor} was used`;
    return { ...next, warnings: [warning, ...next.warnings] };
  }
}
