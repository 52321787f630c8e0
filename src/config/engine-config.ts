import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
  validateSync,
  ValidationError,
} from 'class-validator';
import { ValidateBy } from 'class-validator';
import { DEFAULT_PRICING, mergePricing, parsePricingOverrides, PricingTable } from '../providers/pricing';
import { resolveTextProviders, TEXT_MAX_RETRIES_LIMIT, TextProvidersConfig } from '../providers/text/text-provider-config';

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? { true: true, false: false, '1': true, '0': false }[value.toLowerCase()] ?? value : value;
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
/** '' is unset; a decimal string becomes a number; anything else stays as given and fails validation. */
const toOptionalDecimal = ({ value }: { value: unknown }) =>
  value === '' ? undefined : typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/** A variable holding structured data (JSON) is valid when `problemsOf` finds nothing; else one message listing every problem. */
function HasNoProblems(problemsOf: (env: EnvironmentVariables) => string[]): PropertyDecorator {
  return ValidateBy({
    name: 'hasNoProblems',
    validator: {
      validate: (_value, args) => problemsOf(args!.object as EnvironmentVariables).length === 0,
      defaultMessage: (args) => problemsOf(args!.object as EnvironmentVariables).join('; '),
    },
  });
}

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const AUTH_MODES = ['jwt', 'header'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export const IMAGE_PROVIDER_NAMES = ['openai', 'stability', 'placeholder'] as const;
export type ImageProviderName = (typeof IMAGE_PROVIDER_NAMES)[number];

/**
 * Every environment variable the service reads, with its default. `.env.example` documents the same list;
 * test/config.e2e-spec.ts keeps the two in step.
 */
export class EnvironmentVariables {
  @Transform(toInteger) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @IsNotEmpty()
  HOST = '0.0.0.0';

  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgresql:// connection URL' })
  DATABASE_URL = 'postgresql://postgres@localhost:5432/creative_engine';

  @Transform(toInteger) @IsInt() @Min(1) @Max(200)
  DATABASE_POOL_SIZE = 10;

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @IsString() @Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, ":", "_" or "-"' })
  QUEUE_PREFIX = 'creative-engine';

  @IsIn(AUTH_MODES)
  AUTH_MODE: AuthMode = 'jwt';

  @ValidateIf((env: EnvironmentVariables) => env.AUTH_MODE === 'jwt')
  @IsString({ message: 'AUTH_JWT_SECRET is required when AUTH_MODE=jwt' })
  @MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' })
  AUTH_JWT_SECRET?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  AUTH_JWT_ISSUER?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  AUTH_JWT_AUDIENCE?: string;

  @Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 1mb' })
  BODY_LIMIT = '1mb';

  @IsString() @IsNotEmpty()
  STORAGE_DIR = './storage';

  @Transform(toInteger) @IsInt() @Min(1024) @Max(1024 * 1024 * 1024)
  STORAGE_MAX_FILE_BYTES = 50 * 1024 * 1024;

  @Transform(toInteger) @IsInt() @Min(0) @Max(24 * 60 * 60 * 1000)
  STORAGE_DELETION_RETRY_INTERVAL_MS = 5 * 60 * 1000;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  OPENAI_API_KEY?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OPENAI_BASE_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  OPENAI_ORGANIZATION?: string;

  @Transform(toInteger) @IsInt() @Min(1000) @Max(600000)
  OPENAI_TIMEOUT_MS = 60000;

  /** JSON array of OpenAI-compatible text endpoints with the models each serves (src/providers/text/text-provider-config.ts). */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @HasNoProblems((env) => resolveTextProviders(env).problems)
  TEXT_PROVIDERS?: string;

  @IsString() @IsNotEmpty()
  TEXT_DEFAULT_MODEL = 'gpt-4.1-mini';

  @Transform(toInteger) @IsInt() @Min(0) @Max(TEXT_MAX_RETRIES_LIMIT)
  TEXT_MAX_RETRIES = 2;

  /** JSON overrides of the pricing table, per model (src/providers/pricing.ts). */
  @Transform(emptyToUndefined) @IsOptional() @IsString() @HasNoProblems((env) => parsePricingOverrides(env.PROVIDER_PRICING).problems)
  PROVIDER_PRICING?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  STABILITY_API_KEY?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STABILITY_BASE_URL = 'https://api.stability.ai';

  @Transform(toBoolean) @IsBoolean()
  WORKER_ENABLED = true;

  @Transform(toInteger) @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 2;

  @Transform(emptyToUndefined) @IsOptional() @IsIn(IMAGE_PROVIDER_NAMES)
  IMAGE_DEFAULT_PROVIDER?: ImageProviderName;

  @IsString() @IsNotEmpty()
  OPENAI_IMAGE_MODEL = 'gpt-image-2';

  @IsString() @IsNotEmpty()
  STABILITY_IMAGE_MODEL = 'core';

  @IsString()
  IMAGE_DOWNLOAD_ALLOWED_HOSTS = 'oaidalleapiprodscus.blob.core.windows.net';

  @Transform(toBoolean) @IsBoolean()
  IMAGE_DOWNLOAD_ALLOW_INSECURE_LOOPBACK = false;

  @Transform(toInteger) @IsInt() @Min(100) @Max(600000)
  IMAGE_DOWNLOAD_TIMEOUT_MS = 30000;

  @Transform(toInteger) @IsInt() @Min(1) @Max(20)
  IMAGE_JOB_ATTEMPTS = 3;

  @Transform(toInteger) @IsInt() @Min(0) @Max(3600000)
  IMAGE_JOB_BACKOFF_MS = 5000;

  @Transform(toInteger) @IsInt() @Min(0) @Max(3600000)
  IMAGE_JOB_MAX_BACKOFF_MS = 300000;

  @Transform(toInteger) @IsInt() @Min(100) @Max(3600000)
  IMAGE_JOB_TIMEOUT_MS = 180000;

  @Transform(toInteger) @IsInt() @Min(500) @Max(3600000)
  QUEUE_LOCK_DURATION_MS = 30000;

  @Transform(toInteger) @IsInt() @Min(200) @Max(3600000)
  QUEUE_STALLED_INTERVAL_MS = 30000;

  @Transform(toInteger) @IsInt() @Min(0) @Max(100)
  QUEUE_MAX_STALLED_COUNT = 1;

  /** Longest an API request waits on Redis (enqueue, cancel) before answering 503: the client queues commands while disconnected. */
  @Transform(toInteger) @IsInt() @Min(100) @Max(60000)
  QUEUE_COMMAND_TIMEOUT_MS = 5000;

  /** How often workers re-enqueue queued jobs that have no Bull job (lost between insert and enqueue); 0 = never. */
  @Transform(toInteger) @IsInt() @Min(0) @Max(3600000)
  QUEUE_RECOVERY_INTERVAL_MS = 60000;

  @Transform(toInteger) @IsInt() @Min(0) @Max(1000000)
  QUEUE_KEEP_COMPLETED = 1000;

  @Transform(toInteger) @IsInt() @Min(0) @Max(1000000)
  QUEUE_KEEP_FAILED = 5000;

  @Transform(toInteger) @IsInt() @Min(20) @Max(60000)
  JOB_EVENTS_POLL_MS = 1000;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';

  /** Requests per user per minute on every /api/creative route, counted in Redis across instances (0 = off). */
  @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_PER_MINUTE = 600;

  /** Generation requests (image generate/regenerate, content routes) per user per minute (0 = off). */
  @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000)
  RATE_LIMIT_GENERATE_PER_MINUTE = 60;

  /** Queued + processing jobs one user may have at once (0 = no cap). */
  @Transform(toInteger) @IsInt() @Min(0) @Max(1_000_000)
  USER_MAX_ACTIVE_JOBS = 10;

  /** Spend cap per user per UTC day in USD; unset: no cap. */
  @Transform(toOptionalDecimal) @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0)
  USER_DAILY_BUDGET_USD?: number;
}

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigValidationError';
  }
}

/** The validated, typed configuration every part of the engine reads (never `process.env` directly). */
export class EngineConfig {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  readonly redisUrl: string;
  readonly queuePrefix: string;
  readonly auth: { mode: AuthMode; jwtSecret?: string; jwtIssuer?: string; jwtAudience?: string };
  readonly bodyLimit: string;
  readonly storageDir: string;
  /** Largest file saveAsset accepts, and how often failed file deletions are retried (0 = never). */
  readonly storage: { maxFileBytes: number; deletionRetryIntervalMs: number };
  readonly openai: { apiKey?: string; baseUrl?: string; organization?: string; timeoutMs: number };
  /** OpenAI-compatible text endpoints (none: content routes answer 503) and the default model. */
  readonly text: TextProvidersConfig;
  /** DEFAULT_PRICING with the PROVIDER_PRICING overrides applied. */
  readonly pricing: PricingTable;
  readonly stability: { apiKey?: string; baseUrl: string };
  readonly worker: { enabled: boolean; concurrency: number };
  /** Image jobs: provider choice, safe downloads of provider URLs, retries and per-attempt timeout. */
  readonly imageGeneration: {
    defaultProvider?: ImageProviderName;
    openaiModel: string;
    stabilityModel: string;
    download: { allowedHosts: string[]; allowInsecureLoopback: boolean; timeoutMs: number };
    attempts: number;
    backoffMs: number;
    maxBackoffMs: number;
    timeoutMs: number;
    eventsPollMs: number;
  };
  /** Bull tuning: stalled-job detection (a worker that died mid-job) and how many finished jobs Redis keeps. */
  readonly queue: {
    lockDurationMs: number;
    stalledIntervalMs: number;
    maxStalledCount: number;
    commandTimeoutMs: number;
    recoveryIntervalMs: number;
    keepCompleted: number;
    keepFailed: number;
  };
  readonly logLevel: LogLevelName;
  /**
   * Per-user limits: requests per minute (all routes / generation routes; 0 = off), active jobs (0 = no
   * cap) and daily spend in USD (undefined = no cap).
   */
  readonly limits: {
    requestsPerMinute: number;
    generateRequestsPerMinute: number;
    maxActiveJobs: number;
    dailyBudgetUsd?: number;
  };

  constructor(env: EnvironmentVariables) {
    this.port = env.PORT;
    this.host = env.HOST;
    this.databaseUrl = env.DATABASE_URL;
    this.databasePoolSize = env.DATABASE_POOL_SIZE;
    this.redisUrl = env.REDIS_URL;
    this.queuePrefix = env.QUEUE_PREFIX;
    this.auth = {
      mode: env.AUTH_MODE,
      jwtSecret: env.AUTH_JWT_SECRET,
      jwtIssuer: env.AUTH_JWT_ISSUER,
      jwtAudience: env.AUTH_JWT_AUDIENCE,
    };
    this.bodyLimit = env.BODY_LIMIT;
    this.storageDir = env.STORAGE_DIR;
    this.storage = {
      maxFileBytes: env.STORAGE_MAX_FILE_BYTES,
      deletionRetryIntervalMs: env.STORAGE_DELETION_RETRY_INTERVAL_MS,
    };
    this.openai = {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      organization: env.OPENAI_ORGANIZATION,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
    };
    this.stability = { apiKey: env.STABILITY_API_KEY, baseUrl: env.STABILITY_BASE_URL };
    this.text = resolveTextProviders(env).config;
    this.pricing = mergePricing(DEFAULT_PRICING, parsePricingOverrides(env.PROVIDER_PRICING).overrides);
    this.worker = { enabled: env.WORKER_ENABLED, concurrency: env.WORKER_CONCURRENCY };
    this.imageGeneration = {
      defaultProvider: env.IMAGE_DEFAULT_PROVIDER,
      openaiModel: env.OPENAI_IMAGE_MODEL,
      stabilityModel: env.STABILITY_IMAGE_MODEL,
      download: {
        allowedHosts: env.IMAGE_DOWNLOAD_ALLOWED_HOSTS.split(',')
          .map((host) => host.trim().toLowerCase())
          .filter((host) => host !== ''),
        allowInsecureLoopback: env.IMAGE_DOWNLOAD_ALLOW_INSECURE_LOOPBACK,
        timeoutMs: env.IMAGE_DOWNLOAD_TIMEOUT_MS,
      },
      attempts: env.IMAGE_JOB_ATTEMPTS,
      backoffMs: env.IMAGE_JOB_BACKOFF_MS,
      maxBackoffMs: env.IMAGE_JOB_MAX_BACKOFF_MS,
      timeoutMs: env.IMAGE_JOB_TIMEOUT_MS,
      eventsPollMs: env.JOB_EVENTS_POLL_MS,
    };
    this.queue = {
      lockDurationMs: env.QUEUE_LOCK_DURATION_MS,
      stalledIntervalMs: env.QUEUE_STALLED_INTERVAL_MS,
      maxStalledCount: env.QUEUE_MAX_STALLED_COUNT,
      commandTimeoutMs: env.QUEUE_COMMAND_TIMEOUT_MS,
      recoveryIntervalMs: env.QUEUE_RECOVERY_INTERVAL_MS,
      keepCompleted: env.QUEUE_KEEP_COMPLETED,
      keepFailed: env.QUEUE_KEEP_FAILED,
    };
    this.logLevel = env.LOG_LEVEL;
    this.limits = {
      requestsPerMinute: env.RATE_LIMIT_PER_MINUTE,
      generateRequestsPerMinute: env.RATE_LIMIT_GENERATE_PER_MINUTE,
      maxActiveJobs: env.USER_MAX_ACTIVE_JOBS,
      dailyBudgetUsd: env.USER_DAILY_BUDGET_USD,
    };
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
  // Class fields are defined even when optional, so the keys of an instance are the variables we read.
  const known = Object.fromEntries(
    Object.keys(new EnvironmentVariables())
      .filter((key) => env[key] !== undefined)
      .map((key) => [key, env[key]]),
  );
  const parsed = plainToInstance(EnvironmentVariables, known, { exposeDefaultValues: true });
  const errors = validateSync(parsed, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) throw new ConfigValidationError(describe(errors));
  return new EngineConfig(parsed);
}
