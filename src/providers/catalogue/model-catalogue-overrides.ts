import { GENERIC_AUDIO_MODELS } from '../audio/audio-models';
import { GENERIC_MODELS } from '../image/image-models';
import { PROVIDER_NAMES, type ProviderName } from '../provider-names';
import { GENERIC_VIDEO_MODELS } from '../video/video-models';
import {
  type CatalogueKind,
  catalogueKindOf,
  DEFAULT_MODEL_CATALOGUE,
  MODEL_KINDS,
  MODEL_STATUSES,
  type ModelCapabilities,
  type ModelCatalogueEntry,
} from './model-catalogue';

export const CATALOGUE_ENV_VAR = 'MODEL_CATALOGUE_OVERRIDES';

const ENTRY_FIELDS = ['id', 'provider', 'kinds', 'status', 'shutdownDate', 'successor', 'capabilities'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isOneOf = (value: unknown, allowed: readonly string[]) => typeof value === 'string' && allowed.includes(value);

/** What is wrong with one override's own fields (before it is merged into the entry it changes). */
function fieldProblems(override: Json, isNew: boolean): string[] {
  const problems: string[] = [];
  const unknown = Object.keys(override).filter((key) => !ENTRY_FIELDS.includes(key));
  if (unknown.length > 0) problems.push(`unknown fields ${unknown.join(', ')} (expected ${ENTRY_FIELDS.join(', ')})`);
  if (isNew && override.provider === undefined) problems.push('a new model needs a provider');
  if (override.provider !== undefined && !isOneOf(override.provider, PROVIDER_NAMES))
    problems.push(`provider must be one of ${PROVIDER_NAMES.join(', ')}`);
  if (override.status !== undefined && !isOneOf(override.status, MODEL_STATUSES))
    problems.push(`status must be one of ${MODEL_STATUSES.join(', ')}`);
  if (
    override.kinds !== undefined &&
    !(
      Array.isArray(override.kinds) &&
      override.kinds.length > 0 &&
      override.kinds.every((k) => isOneOf(k, MODEL_KINDS))
    )
  )
    problems.push(`kinds must be a non-empty array of ${MODEL_KINDS.join(', ')}`);
  if (
    override.shutdownDate !== undefined &&
    !(typeof override.shutdownDate === 'string' && DATE.test(override.shutdownDate))
  )
    problems.push('shutdownDate must be a date like 2026-12-01');
  if (override.successor !== undefined && typeof override.successor !== 'string')
    problems.push('successor must be a model id');
  if (override.capabilities !== undefined && !isObject(override.capabilities))
    problems.push('capabilities must be an object of the model rules (maxPromptLength, maxImages, sizes, ...)');
  return problems;
}

/** The rules of a model an operator adds without giving them, by kind and provider (none: no adapter). */
const GENERIC_CAPABILITIES: {
  readonly [Kind in CatalogueKind]: Partial<Record<ProviderName, ModelCapabilities>>;
} = { image: GENERIC_MODELS, audio: GENERIC_AUDIO_MODELS, video: GENERIC_VIDEO_MODELS };

/** What is wrong with an entry once merged: lifecycle fields that only make sense together. */
function entryProblems(entry: ModelCatalogueEntry, ids: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  const kind = catalogueKindOf(entry.kinds);
  if (!GENERIC_CAPABILITIES[kind][entry.provider]) problems.push(`provider ${entry.provider} has no ${kind} adapter`);
  if (entry.status !== 'active' && entry.shutdownDate === undefined)
    problems.push(`a ${entry.status} model needs a shutdownDate`);
  if (entry.successor !== undefined && !ids.has(entry.successor))
    problems.push(`successor ${entry.successor} is not in the catalogue`);
  return problems;
}

function merged(base: ModelCatalogueEntry | undefined, override: Json): ModelCatalogueEntry {
  const provider = (override.provider ?? base?.provider) as ProviderName;
  const kinds = (override.kinds ?? base?.kinds ?? ['image']) as ModelCatalogueEntry['kinds'];
  const kind = catalogueKindOf(kinds);
  const sameModel = base && base.provider === provider && catalogueKindOf(base.kinds) === kind;
  const capabilities = sameModel ? base.capabilities : GENERIC_CAPABILITIES[kind][provider];
  return {
    ...(base ?? { status: 'active' }),
    ...(override as Partial<ModelCatalogueEntry>),
    provider,
    kinds,
    capabilities: { ...capabilities, ...(override.capabilities as object | undefined) },
  } as ModelCatalogueEntry;
}

/**
 * DEFAULT_MODEL_CATALOGUE with MODEL_CATALOGUE_OVERRIDES applied: a JSON array of partial entries keyed by
 * `id`, each changing the entry of that id (shallowly, `capabilities` merged) or adding a new one. Every
 * problem names its entry, e.g. `MODEL_CATALOGUE_OVERRIDES[1] ("my-model"): a new model needs a provider`.
 */
export function parseModelCatalogueOverrides(json: string | undefined): {
  catalogue: readonly ModelCatalogueEntry[];
  problems: string[];
} {
  if (json === undefined) return { catalogue: DEFAULT_MODEL_CATALOGUE, problems: [] };
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return {
      catalogue: DEFAULT_MODEL_CATALOGUE,
      problems: [`${CATALOGUE_ENV_VAR} is not valid JSON (${(error as Error).message})`],
    };
  }
  if (!Array.isArray(parsed))
    return {
      catalogue: DEFAULT_MODEL_CATALOGUE,
      problems: [`${CATALOGUE_ENV_VAR} must be a JSON array of entries like {"id": "dall-e-3", "status": "retired"}`],
    };
  const entries = new Map(DEFAULT_MODEL_CATALOGUE.map((entry) => [entry.id, entry]));
  const problems: string[] = [];
  const changed: string[] = [];
  parsed.forEach((override: unknown, index) => {
    const where = `${CATALOGUE_ENV_VAR}[${index}]`;
    if (!isObject(override) || typeof override.id !== 'string' || override.id === '')
      return void problems.push(`${where} must be an object with an id`);
    const own = fieldProblems(override, !entries.has(override.id));
    if (own.length > 0) return void problems.push(`${where} ("${override.id}"): ${own.join('; ')}`);
    entries.set(override.id, merged(entries.get(override.id), override));
    changed.push(override.id);
  });
  const ids = new Set(entries.keys());
  for (const id of new Set(changed)) {
    const wrong = entryProblems(entries.get(id)!, ids);
    if (wrong.length > 0) problems.push(`${CATALOGUE_ENV_VAR} ("${id}"): ${wrong.join('; ')}`);
  }
  return { catalogue: [...entries.values()], problems };
}
