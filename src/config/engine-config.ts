// A class (injectable by type, validated by class-validator) with an interface merged in for the derived fields.
/* eslint-disable @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type */
import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { parseModelCatalogueOverrides } from '../providers/catalogue/model-catalogue-overrides';
import type { ModelCatalogueEntry } from '../providers/catalogue/model-catalogue';
import { DEFAULT_PRICING, mergePricing, parsePricingOverrides, PricingTable } from '../providers/pricing';
import { resolveTextProviders, TextProvidersConfig } from '../providers/text/text-provider-config';
import { ConfigVariable, EnvironmentOf, valuesOf, ValuesOf, variablesIn } from './config-variable';
import { CONFIG_VARIABLES, TEXT_AND_PRICING_VARIABLES } from './engine-variables';

export { AUTH_MODES, IMAGE_PROVIDER_NAMES, LOG_LEVELS } from './engine-variables';
export type { AuthMode, ImageProviderName, LogLevelName } from './engine-variables';

/** Every variable the service reads, in declaration order (which is the order problems are reported in). */
export const ENGINE_VARIABLES: readonly ConfigVariable[] = [
  ...variablesIn(CONFIG_VARIABLES),
  ...variablesIn(TEXT_AND_PRICING_VARIABLES),
];

type EnvironmentValues = EnvironmentOf<typeof CONFIG_VARIABLES> & EnvironmentOf<typeof TEXT_AND_PRICING_VARIABLES>;

/** The environment as validated: every declared variable, with its default when unset (class-validator's target). */
export interface EnvironmentVariables extends EnvironmentValues {}
// The class carries the validation rules (applied below); the interface merged into it, the types.
export class EnvironmentVariables {
  constructor() {
    // Optional variables are own keys too (undefined), so the keys of an instance are the variables read.
    for (const variable of ENGINE_VARIABLES) (this as Record<string, unknown>)[variable.name] = variable.default;
  }
}
// Last first, as TypeScript applies a stack of decorators, so each variable's problems read in the order of its rules.
for (const variable of ENGINE_VARIABLES) {
  for (const rule of [...variable.rules].reverse()) rule(EnvironmentVariables.prototype, variable.name);
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`,
    );
    this.name = 'ConfigValidationError';
  }
}

type EngineConfigValues = ValuesOf<typeof CONFIG_VARIABLES> & {
  /** OpenAI-compatible text endpoints (none: content routes answer 503) and the default model. */
  readonly text: TextProvidersConfig;
  /** DEFAULT_PRICING with the PROVIDER_PRICING overrides applied. */
  readonly pricing: PricingTable;
  /** The models known here (DEFAULT_MODEL_CATALOGUE with the MODEL_CATALOGUE_OVERRIDES applied). */
  readonly modelCatalogue: readonly ModelCatalogueEntry[];
};

/**
 * The validated, typed configuration every part of the engine reads (never `process.env` directly); its
 * shape is the shape of CONFIG_VARIABLES (src/config/engine-variables.ts).
 */
export interface EngineConfig extends EngineConfigValues {}
// A class, so that Nest injects it by type; the interface merged into it gives the typed fields.
export class EngineConfig {
  constructor(env: EnvironmentVariables) {
    Object.assign(this, valuesOf(CONFIG_VARIABLES, env as unknown as Record<string, unknown>));
    Object.assign(this, {
      text: resolveTextProviders(env).config,
      pricing: mergePricing(DEFAULT_PRICING, parsePricingOverrides(env.PROVIDER_PRICING).overrides),
      modelCatalogue: parseModelCatalogueOverrides(env.MODEL_CATALOGUE_OVERRIDES).catalogue,
    });
  }
}

function describe(errors: ValidationError[]): string[] {
  return errors.flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) =>
      message.startsWith(error.property) ? message : `${error.property}: ${message}`,
    ),
  );
}

/**
 * Validates an environment (usually `process.env`) and returns the typed config.
 * Throws one ConfigValidationError naming every missing or invalid variable.
 */
export function loadConfig(env: Record<string, string | undefined>): EngineConfig {
  const known = Object.fromEntries(
    ENGINE_VARIABLES.filter(({ name }) => env[name] !== undefined).map(({ name }) => [name, env[name]]),
  );
  const parsed = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return new EngineConfig(parsed);
}
