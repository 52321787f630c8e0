import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
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

const toBoolean = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? { true: true, false: false, '1': true, '0': false }[value.toLowerCase()] ?? value : value;
const toInteger = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const AUTH_MODES = ['jwt', 'header'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

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

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  OPENAI_API_KEY?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  OPENAI_BASE_URL?: string;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  OPENAI_ORGANIZATION?: string;

  @Transform(toInteger) @IsInt() @Min(1000) @Max(600000)
  OPENAI_TIMEOUT_MS = 60000;

  @Transform(emptyToUndefined) @IsOptional() @IsString()
  STABILITY_API_KEY?: string;

  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  STABILITY_BASE_URL = 'https://api.stability.ai';

  @Transform(toBoolean) @IsBoolean()
  WORKER_ENABLED = true;

  @Transform(toInteger) @IsInt() @Min(1) @Max(64)
  WORKER_CONCURRENCY = 2;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevelName = 'log';
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
  readonly openai: { apiKey?: string; baseUrl?: string; organization?: string; timeoutMs: number };
  readonly stability: { apiKey?: string; baseUrl: string };
  readonly worker: { enabled: boolean; concurrency: number };
  readonly logLevel: LogLevelName;

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
    this.openai = {
      apiKey: env.OPENAI_API_KEY,
      baseUrl: env.OPENAI_BASE_URL,
      organization: env.OPENAI_ORGANIZATION,
      timeoutMs: env.OPENAI_TIMEOUT_MS,
    };
    this.stability = { apiKey: env.STABILITY_API_KEY, baseUrl: env.STABILITY_BASE_URL };
    this.worker = { enabled: env.WORKER_ENABLED, concurrency: env.WORKER_CONCURRENCY };
    this.logLevel = env.LOG_LEVEL;
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
