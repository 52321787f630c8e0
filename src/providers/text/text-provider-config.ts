/**
 * Which OpenAI-compatible endpoints serve text, and which models each serves. Pure parsing and routing,
 * used by config validation at boot and by the registry at run time.
 *
 * Two ways to configure:
 * - OPENAI_API_KEY (+ OPENAI_BASE_URL, OPENAI_ORGANIZATION, OPENAI_TIMEOUT_MS): one endpoint, "openai",
 *   serving every model;
 * - TEXT_PROVIDERS: a JSON array of endpoints, each with the model patterns it serves, e.g.
 *   [{"name":"openai","apiKey":"sk-…","models":["gpt-*","o*"]},
 *    {"name":"anthropic","baseUrl":"https://api.anthropic.com/v1/","apiKey":"sk-ant-…","models":["claude-*"]}]
 *   When set it replaces the OPENAI_* endpoint for text (images still use OPENAI_*).
 */

export interface TextEndpointConfig {
  name: string;
  /** Undefined: the SDK's default (https://api.openai.com/v1). */
  baseUrl?: string;
  apiKey: string;
  organization?: string;
  timeoutMs: number;
  /** Retries of 429 (honouring Retry-After), 408/409, 5xx, timeouts and connection errors. */
  maxRetries: number;
  /** Exact names or `prefix*` patterns; empty means every model. */
  models: string[];
}

export interface TextProvidersConfig {
  endpoints: TextEndpointConfig[];
  /** Used when neither the request nor its template names a model. */
  defaultModel: string;
}

/** The variables this module reads (a subset of the engine's EnvironmentVariables). */
export interface TextProviderEnvironment {
  TEXT_PROVIDERS?: string;
  TEXT_DEFAULT_MODEL: string;
  TEXT_MAX_RETRIES: number;
  OPENAI_API_KEY?: string;
  OPENAI_BASE_URL?: string;
  OPENAI_ORGANIZATION?: string;
  OPENAI_TIMEOUT_MS: number;
}

/** What to tell an operator when no text endpoint is configured. */
export const TEXT_PROVIDER_SETUP_HINT =
  'set OPENAI_API_KEY (and OPENAI_BASE_URL for another OpenAI-compatible endpoint), or TEXT_PROVIDERS with a JSON list of endpoints';

const ENDPOINT_NAME = /^[A-Za-z0-9_-]{1,40}$/;
const ENDPOINT_FIELDS = ['name', 'baseUrl', 'apiKey', 'organization', 'timeoutMs', 'maxRetries', 'models'];
const MAX_ENDPOINTS = 20;
export const TEXT_MAX_RETRIES_LIMIT = 10;
const TIMEOUT_RANGE = { min: 1_000, max: 600_000 };

export function modelMatches(pattern: string, model: string): boolean {
  return pattern.endsWith('*') ? model.startsWith(pattern.slice(0, -1)) : pattern === model;
}

/**
 * The endpoint for a model: the named one when `providerName` is given, else the first endpoint listing a
 * matching pattern, else the first endpoint that serves every model.
 */
export function routeModel(
  endpoints: readonly TextEndpointConfig[],
  model: string,
  providerName?: string,
): TextEndpointConfig | undefined {
  if (providerName !== undefined) return endpoints.find((endpoint) => endpoint.name === providerName);
  return (
    endpoints.find((endpoint) => endpoint.models.some((pattern) => modelMatches(pattern, model))) ??
    endpoints.find((endpoint) => endpoint.models.length === 0)
  );
}

/** The text configuration and every problem with it (empty when valid). */
export function resolveTextProviders(env: TextProviderEnvironment): {
  config: TextProvidersConfig;
  problems: string[];
} {
  const defaults = { timeoutMs: env.OPENAI_TIMEOUT_MS, maxRetries: env.TEXT_MAX_RETRIES };
  const { endpoints, problems } =
    env.TEXT_PROVIDERS !== undefined
      ? parseTextEndpoints(env.TEXT_PROVIDERS, defaults)
      : { endpoints: env.OPENAI_API_KEY ? [openAiEndpoint(env)] : [], problems: [] };
  const config = { endpoints, defaultModel: env.TEXT_DEFAULT_MODEL };
  if (problems.length === 0 && endpoints.length > 0 && !routeModel(endpoints, env.TEXT_DEFAULT_MODEL)) {
    problems.push(
      `TEXT_DEFAULT_MODEL "${env.TEXT_DEFAULT_MODEL}" is served by none of the TEXT_PROVIDERS endpoints (add it to one's models)`,
    );
  }
  return { config, problems };
}

function openAiEndpoint(env: TextProviderEnvironment): TextEndpointConfig {
  return {
    name: 'openai',
    baseUrl: env.OPENAI_BASE_URL,
    apiKey: env.OPENAI_API_KEY!,
    organization: env.OPENAI_ORGANIZATION,
    timeoutMs: env.OPENAI_TIMEOUT_MS,
    maxRetries: env.TEXT_MAX_RETRIES,
    models: [],
  };
}

export function parseTextEndpoints(
  json: string,
  defaults: { timeoutMs: number; maxRetries: number },
): { endpoints: TextEndpointConfig[]; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    return { endpoints: [], problems: [`TEXT_PROVIDERS is not valid JSON (${(error as Error).message})`] };
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.length > MAX_ENDPOINTS) {
    return { endpoints: [], problems: [`TEXT_PROVIDERS must be a JSON array of 1-${MAX_ENDPOINTS} endpoint objects`] };
  }
  const problems: string[] = [];
  const endpoints = parsed.map((raw: unknown, index) => parseTextEndpoint(raw, index, defaults, problems));
  const names = endpoints.map((endpoint) => endpoint.name);
  const duplicates = [...new Set(names.filter((name, index) => names.indexOf(name) !== index))];
  if (duplicates.length > 0) problems.push(`TEXT_PROVIDERS endpoint names must be unique: ${duplicates.join(', ')}`);
  return { endpoints, problems };
}

/** One endpoint of TEXT_PROVIDERS; each problem found is added to `problems`. */
function parseTextEndpoint(
  raw: unknown,
  index: number,
  defaults: { timeoutMs: number; maxRetries: number },
  problems: string[],
): TextEndpointConfig {
  const where = `TEXT_PROVIDERS[${index}]`;
  const item = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  if (item !== raw) problems.push(`${where} must be an object`);
  const unknown = Object.keys(item).filter((key) => !ENDPOINT_FIELDS.includes(key));
  if (unknown.length > 0)
    problems.push(`${where} has unknown fields: ${unknown.join(', ')} (allowed: ${ENDPOINT_FIELDS.join(', ')})`);
  const text = (key: string, required: boolean): string | undefined => {
    const value = item[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || value.trim() === '')
      return void problems.push(`${where}.${key} must be a non-empty string`);
    return value.trim();
  };
  const integer = (key: string, min: number, max: number, fallback: number): number => {
    const value = item[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      problems.push(`${where}.${key} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return value;
  };

  const name = text('name', true) ?? `endpoint-${index}`;
  if (item.name !== undefined && !ENDPOINT_NAME.test(name))
    problems.push(`${where}.name must be 1-40 letters, digits, "_" or "-"`);
  const baseUrl = text('baseUrl', false);
  if (baseUrl !== undefined && !isHttpUrl(baseUrl)) problems.push(`${where}.baseUrl must be an http(s) URL`);
  const models = item.models ?? [];
  if (
    !Array.isArray(models) ||
    !models.every((model) => typeof model === 'string' && model.trim() !== '' && model.length <= 200)
  ) {
    problems.push(`${where}.models must be an array of model names or "prefix*" patterns`);
  }
  return {
    name,
    baseUrl,
    apiKey: text('apiKey', true) ?? '',
    organization: text('organization', false),
    timeoutMs: integer('timeoutMs', TIMEOUT_RANGE.min, TIMEOUT_RANGE.max, defaults.timeoutMs),
    maxRetries: integer('maxRetries', 0, TEXT_MAX_RETRIES_LIMIT, defaults.maxRetries),
    models: Array.isArray(models)
      ? models.filter((model): model is string => typeof model === 'string').map((model) => model.trim())
      : [],
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
