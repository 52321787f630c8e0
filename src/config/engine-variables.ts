import { Transform } from 'class-transformer';
import {
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';
import {
  AUDIO_PROVIDER_NAMES,
  IMAGE_PROVIDER_NAMES,
  type ImageProviderName,
  VIDEO_PROVIDER_NAMES,
} from '../providers/provider-names';
import { parseModelCatalogueOverrides } from '../providers/catalogue/model-catalogue-overrides';
import { parsePricingOverrides } from '../providers/pricing';
import {
  resolveTextProviders,
  TEXT_MAX_RETRIES_LIMIT,
  TextProviderEnvironment,
} from '../providers/text/text-provider-config';
import {
  emptyToUndefined,
  flag,
  integer,
  oneOf,
  optionalInteger,
  optionalOneOf,
  optionalText,
  text,
  toOptionalDecimal,
  variable,
} from './config-variable';

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export const AUTH_MODES = ['jwt', 'header'] as const;
export type AuthMode = (typeof AUTH_MODES)[number];

export { IMAGE_PROVIDER_NAMES, type ImageProviderName };

/** A variable holding structured data (JSON) is valid when `problemsOf` finds nothing; else one message listing every problem. */
function HasNoProblems<Env>(problemsOf: (env: Env) => string[]): PropertyDecorator {
  return ValidateBy({
    name: 'hasNoProblems',
    validator: {
      validate: (_value, args) => problemsOf(args!.object as Env).length === 0,
      defaultMessage: (args) => problemsOf(args!.object as Env).join('; '),
    },
  });
}

const HOUR_MS = 3_600_000;
const httpUrl = () => IsUrl({ require_tld: false, protocols: ['http', 'https'] });

/**
 * Every environment variable the engine reads, declared once, in the shape of EngineConfig (whose `text` and
 * `pricing` are computed from TEXT_AND_PRICING_VARIABLES). `.env.example` and the README's configuration table
 * are generated from these declarations (test/config.e2e-spec.ts keeps them in step).
 */
/** A comma-separated host allow-list (`*.domain` admits its subdomains), lowercased. */
function hostList(hosts: string): string[] {
  return hosts
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
}

export const CONFIG_VARIABLES = {
  port: integer({
    name: 'PORT',
    group: 'http',
    default: 3000,
    min: 0,
    max: 65535,
    description: 'Port of the HTTP listener.',
  }),
  host: text({ name: 'HOST', group: 'http', default: '0.0.0.0', description: 'Address of the HTTP listener.' }),
  bodyLimit: variable(
    {
      name: 'BODY_LIMIT',
      group: 'http',
      default: '1mb',
      description: 'Largest accepted request body (413 above it), e.g. 512kb, 1mb.',
    },
    [Matches(/^\d+(b|kb|mb)$/i, { message: 'BODY_LIMIT must look like 512kb or 1mb' })],
  ),
  logLevel: oneOf({
    name: 'LOG_LEVEL',
    group: 'http',
    default: 'log',
    choices: LOG_LEVELS,
    description: 'Most verbose level logged: error, warn, log, debug or verbose.',
  }),

  databaseUrl: variable(
    {
      name: 'DATABASE_URL',
      group: 'database',
      default: 'postgresql://postgres@localhost:5432/creative_engine',
      description: 'PostgreSQL connection URL.',
    },
    [Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgresql:// connection URL' })],
  ),
  databasePoolSize: integer({
    name: 'DATABASE_POOL_SIZE',
    group: 'database',
    default: 10,
    min: 1,
    max: 200,
    description: 'PostgreSQL connections per process.',
  }),
  databasePreparedStatements: flag({
    name: 'DATABASE_PREPARED_STATEMENTS',
    group: 'database',
    default: true,
    description:
      "true: the statements whose plan does not depend on their values (a job's claim, steps, files and completion; an asset by its id, its favorite and usage updates; an unfiltered page of assets; the date-order walk of a search; the stats) are prepared once per connection, which spares PostgreSQL parsing and planning them on every request; false for a connection pooler that cannot keep prepared statements, such as PgBouncer in transaction mode before 1.21.",
  }),

  statsCacheMaxBytes: integer({
    name: 'STATS_CACHE_MAX_BYTES',
    group: 'database',
    default: 8 * 1024 * 1024,
    min: 0,
    max: 1024 * 1024 * 1024,
    description:
      "JSON text of GET /assets/stats answers each process keeps (least recently used go first; 0 = none). A kept answer is sent again while the user's stats revision, which every counted change renews in its transaction, is the one it was read at: exact on every instance, for one index lookup instead of adding up the rollups.",
  }),

  redisUrl: variable(
    {
      name: 'REDIS_URL',
      group: 'redis',
      default: 'redis://127.0.0.1:6379',
      description: 'Redis of the Bull queue and the rate-limit counters.',
    },
    [Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// or rediss:// URL' })],
  ),
  queuePrefix: text(
    {
      name: 'QUEUE_PREFIX',
      group: 'redis',
      default: 'creative-engine',
      description: 'Prefix of every Bull key, so several deployments can share one Redis.',
    },
    Matches(/^[A-Za-z0-9:_-]{1,64}$/, { message: 'QUEUE_PREFIX must be 1-64 letters, digits, ":", "_" or "-"' }),
  ),
  queue: {
    lockDurationMs: integer({
      name: 'QUEUE_LOCK_DURATION_MS',
      group: 'redis',
      default: 30000,
      min: 500,
      max: HOUR_MS,
      description: 'Lock of a running job: a job whose worker died is picked up again once it expires.',
    }),
    stalledIntervalMs: integer({
      name: 'QUEUE_STALLED_INTERVAL_MS',
      group: 'redis',
      default: 30000,
      min: 200,
      max: HOUR_MS,
      description: 'How often workers look for stalled jobs (whose lock expired).',
    }),
    maxStalledCount: integer({
      name: 'QUEUE_MAX_STALLED_COUNT',
      group: 'redis',
      default: 1,
      min: 0,
      max: 100,
      description: 'Times a job may stall and be picked up again before it fails.',
    }),
    commandTimeoutMs: integer({
      name: 'QUEUE_COMMAND_TIMEOUT_MS',
      group: 'redis',
      default: 5000,
      min: 100,
      max: 60000,
      description:
        'Longest an API request waits on Redis (enqueue, cancel) before answering 503 while Redis is unreachable.',
    }),
    recoveryIntervalMs: integer({
      name: 'QUEUE_RECOVERY_INTERVAL_MS',
      group: 'redis',
      default: 60000,
      min: 0,
      max: HOUR_MS,
      description:
        'How often workers re-enqueue queued jobs whose Bull job was lost (crash between insert and enqueue, Redis restarted without persistence) and delete the expired previews of ended jobs that a dead worker left; 0 = never.',
    }),
    keepCompleted: integer({
      name: 'QUEUE_KEEP_COMPLETED',
      group: 'redis',
      default: 1000,
      min: 0,
      max: 1_000_000,
      description: 'Completed Bull jobs kept in Redis (the database keeps every job).',
    }),
    keepFailed: integer({
      name: 'QUEUE_KEEP_FAILED',
      group: 'redis',
      default: 5000,
      min: 0,
      max: 1_000_000,
      description: 'Failed Bull jobs kept in Redis (the database keeps every job).',
    }),
  },

  auth: {
    mode: oneOf({
      name: 'AUTH_MODE',
      group: 'auth',
      default: 'jwt',
      choices: AUTH_MODES,
      description:
        'jwt: `Authorization: Bearer <HS256 JWT>` with the user id in `sub`; header: trust `X-User-Id`, only behind a gateway that authenticates users (a warning is logged at start-up).',
    }),
    jwtSecret: variable(
      {
        name: 'AUTH_JWT_SECRET',
        group: 'auth',
        default: undefined as string | undefined,
        example: 'change-me-to-a-long-random-secret-of-32-chars-or-more',
        description:
          'Required with AUTH_MODE=jwt, at least 32 characters; replace the development value of .env.example in any real deployment.',
      },
      [
        ValidateIf((env: { AUTH_MODE?: string }) => env.AUTH_MODE === 'jwt'),
        IsString({ message: 'AUTH_JWT_SECRET is required when AUTH_MODE=jwt' }),
        MinLength(32, { message: 'AUTH_JWT_SECRET must be at least 32 characters' }),
      ],
    ),
    jwtIssuer: optionalText({
      name: 'AUTH_JWT_ISSUER',
      group: 'auth',
      description: 'When set, the `iss` every token must carry.',
    }),
    jwtAudience: optionalText({
      name: 'AUTH_JWT_AUDIENCE',
      group: 'auth',
      description: 'When set, the `aud` every token must carry.',
    }),
  },

  storageDir: text({
    name: 'STORAGE_DIR',
    group: 'storage',
    default: './storage',
    description: 'Where generated files and thumbnails are stored.',
  }),
  storage: {
    driver: oneOf({
      name: 'STORAGE_DRIVER',
      group: 'storage',
      default: 'local',
      choices: ['local', 's3'],
      description:
        'local: files on this machine under STORAGE_DIR (one machine); s3: an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2 …) that every API and worker machine shares.',
    }),
    s3: {
      bucket: variable(
        {
          name: 'S3_BUCKET',
          group: 'storage',
          default: undefined as string | undefined,
          example: 'creative-engine-assets',
          description: 'Required with STORAGE_DRIVER=s3: the bucket the files go to.',
        },
        [
          Transform(emptyToUndefined),
          ValidateIf(
            (env: { STORAGE_DRIVER?: string; S3_BUCKET?: string }) =>
              env.STORAGE_DRIVER === 's3' || env.S3_BUCKET !== undefined,
          ),
          IsString({ message: 'S3_BUCKET is required when STORAGE_DRIVER=s3' }),
        ],
      ),
      region: text({
        name: 'S3_REGION',
        group: 'storage',
        default: 'us-east-1',
        description: 'Region of the bucket (R2: `auto`).',
      }),
      endpoint: optionalText(
        {
          name: 'S3_ENDPOINT',
          group: 'storage',
          example: 'http://127.0.0.1:9000',
          description: 'Endpoint of an S3-compatible service (MinIO, R2 …); unset for AWS S3.',
        },
        IsUrl({ require_tld: false, protocols: ['http', 'https'] }, { message: 'S3_ENDPOINT must be an http(s) URL' }),
      ),
      forcePathStyle: flag({
        name: 'S3_FORCE_PATH_STYLE',
        group: 'storage',
        default: false,
        description:
          'Address the bucket as `<endpoint>/<bucket>` instead of `<bucket>.<endpoint>` (MinIO and most self-hosted servers).',
      }),
      accessKeyId: optionalText({
        name: 'S3_ACCESS_KEY_ID',
        group: 'storage',
        description:
          "Access key; unset to use the AWS SDK's default credential chain (environment, profile, instance role).",
      }),
      secretAccessKey: variable(
        {
          name: 'S3_SECRET_ACCESS_KEY',
          group: 'storage',
          default: undefined as string | undefined,
          description: 'Secret of S3_ACCESS_KEY_ID.',
        },
        [
          Transform(emptyToUndefined),
          ValidateIf(
            (env: { S3_ACCESS_KEY_ID?: string; S3_SECRET_ACCESS_KEY?: string }) =>
              env.S3_ACCESS_KEY_ID !== undefined || env.S3_SECRET_ACCESS_KEY !== undefined,
          ),
          IsString({ message: 'S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID' }),
        ],
      ),
      keyPrefix: optionalText(
        {
          name: 'S3_KEY_PREFIX',
          group: 'storage',
          example: 'creative/',
          description: 'Prefix of every object key, to share a bucket with other data.',
        },
        Matches(/^[A-Za-z0-9!_.*'()/-]*$/, { message: "S3_KEY_PREFIX may hold letters, digits and !_.*'()/- only" }),
      ),
      requestTimeoutMs: integer({
        name: 'S3_REQUEST_TIMEOUT_MS',
        group: 'storage',
        default: 30_000,
        min: 100,
        max: 10 * 60 * 1000,
        description: 'Time limit of one request to the bucket (each part of a multipart upload is one request).',
      }),
      maxAttempts: integer({
        name: 'S3_MAX_ATTEMPTS',
        group: 'storage',
        default: 3,
        min: 1,
        max: 10,
        description: "Attempts per request to the bucket, with the SDK's backoff between them.",
      }),
      signedLinks: oneOf({
        name: 'S3_SIGNED_LINKS',
        group: 'storage',
        choices: ['presigned', 'service'],
        default: 'presigned',
        description:
          "presigned: an asset's signedUrl/signedThumbnailUrl are presigned GETs of the bucket (browsers fetch from S3); service: the engine's signed route streams the bytes from the bucket, for buckets only the engine can reach.",
      }),
      publicEndpoint: optionalText(
        {
          name: 'S3_PUBLIC_ENDPOINT',
          group: 'storage',
          example: 'https://files.example.com',
          description:
            'Endpoint that browsers reach the bucket at, for presigned links, when it differs from S3_ENDPOINT (e.g. an internal MinIO address); unset: S3_ENDPOINT.',
        },
        IsUrl(
          { require_tld: false, protocols: ['http', 'https'] },
          { message: 'S3_PUBLIC_ENDPOINT must be an http(s) URL' },
        ),
      ),
    },
    signedUrls: {
      ttlSeconds: integer({
        name: 'SIGNED_URL_TTL_SECONDS',
        group: 'storage',
        default: 3600,
        min: 60,
        max: 7 * 24 * 3600,
        description:
          'How long the signedUrl/signedThumbnailUrl of an asset answer work without a bearer token (at least this long; rounded up to a quarter of it so repeated answers share cacheable links).',
      }),
      secret: variable(
        {
          name: 'SIGNED_URL_SECRET',
          group: 'storage',
          default: undefined as string | undefined,
          description:
            'Key of the HMAC that signs the links, the same on every instance, at least 32 characters; unset: derived from AUTH_JWT_SECRET (so required when that is unset).',
        },
        [
          Transform(emptyToUndefined),
          ValidateIf(
            (env: { AUTH_JWT_SECRET?: string; SIGNED_URL_SECRET?: string }) =>
              env.AUTH_JWT_SECRET === undefined || env.SIGNED_URL_SECRET !== undefined,
          ),
          IsString({ message: 'SIGNED_URL_SECRET is required when AUTH_JWT_SECRET is unset (AUTH_MODE=header)' }),
          MinLength(32, { message: 'SIGNED_URL_SECRET must be at least 32 characters' }),
        ],
      ),
    },
    maxFileBytes: integer({
      name: 'STORAGE_MAX_FILE_BYTES',
      group: 'storage',
      default: 50 * 1024 * 1024,
      min: 1024,
      max: 1024 * 1024 * 1024,
      description: 'Largest file saveAsset and POST /assets/upload accept (413 above it).',
    }),
    maxImagePixels: integer({
      name: 'STORAGE_MAX_IMAGE_PIXELS',
      group: 'storage',
      default: 100_000_000,
      min: 1024,
      max: 1_000_000_000,
      description:
        'Largest image (width × height) the library decodes, uploads and edits included: a decompression bomb beyond it is refused (400) before it is decoded.',
    }),
    uploadSpoolDir: optionalText({
      name: 'STORAGE_UPLOAD_SPOOL_DIR',
      group: 'storage',
      description:
        'Where POST /assets/upload writes a file while it arrives (never held whole in memory), removed once it is stored or refused (files a killed process left are swept after an hour); unset: creative-engine-uploads in the OS temporary folder.',
    }),
    deletionRetryIntervalMs: integer({
      name: 'STORAGE_DELETION_RETRY_INTERVAL_MS',
      group: 'storage',
      default: 5 * 60 * 1000,
      min: 0,
      max: 24 * HOUR_MS,
      description:
        'How often the storage sweep runs (0 = never): it retries failed file deletions and removes the files of orphaned writes.',
    }),
    imageThreads: integer({
      name: 'IMAGE_PROCESSING_THREADS',
      group: 'storage',
      default: 1,
      min: 1,
      max: 64,
      description:
        "libvips threads per image operation (thumbnails, metadata, placeholder renders, edits); jobs already run side by side (WORKER_CONCURRENCY), and each thread's buffers for a 2048 px image cost memory. sharp's operation cache is off: the engine never processes the same input twice.",
    }),
    imagePixelBudget: integer({
      name: 'IMAGE_PROCESSING_PIXEL_BUDGET',
      group: 'storage',
      default: 2048 * 2048,
      min: 1,
      max: 1_000_000_000,
      description:
        "The most pixels this process renders at once in its own image work (the placeholder provider's images, edits and upscales); the rest waits its turn, first come first served, and one image larger than this runs alone. It bounds memory with big images: a 2048×2048 render holds 16 MB of pixels until it is encoded. The default lets one 2048×2048 image, or four 1024×1024, run at a time.",
    }),
    orphanGraceMs: integer({
      name: 'STORAGE_ORPHAN_GRACE_MS',
      group: 'storage',
      default: HOUR_MS,
      min: 1000,
      max: 7 * 24 * HOUR_MS,
      description:
        'How long a file written for an asset not inserted yet is kept before the sweep takes it for the orphan of a process that died in between; longer than any transaction that stores assets.',
    }),
  },

  webApp: {
    enabled: flag({
      name: 'WEB_APP_ENABLED',
      group: 'http',
      default: true,
      description:
        'true: the standalone service serves the gallery web app (web/) at `/`; false: `/` answers 404. A host app importing CreativeEngineModule gets it only with `webApp: true`.',
    }),
  },

  worker: {
    enabled: flag({
      name: 'WORKER_ENABLED',
      group: 'workers',
      default: true,
      description:
        'true: this process also consumes the queue; false: an API that only enqueues (run `npm run start:worker` elsewhere).',
    }),
    concurrency: integer({
      name: 'WORKER_CONCURRENCY',
      group: 'workers',
      default: 2,
      min: 1,
      max: 64,
      description: 'Jobs processed at once per process.',
    }),
  },

  openai: {
    apiKey: optionalText({
      name: 'OPENAI_API_KEY',
      group: 'openai',
      description: 'API key of OpenAI or of an OpenAI-compatible endpoint, for images and text.',
    }),
    baseUrl: optionalText(
      {
        name: 'OPENAI_BASE_URL',
        group: 'openai',
        description:
          'Another OpenAI-compatible endpoint, e.g. an Azure OpenAI, OpenRouter, Ollama, vLLM or LocalAI URL.',
      },
      httpUrl(),
    ),
    organization: optionalText({
      name: 'OPENAI_ORGANIZATION',
      group: 'openai',
      description: 'OpenAI organization sent with every request.',
    }),
    timeoutMs: integer({
      name: 'OPENAI_TIMEOUT_MS',
      group: 'openai',
      default: 60000,
      min: 1000,
      max: 600000,
      description: 'Time limit of one OpenAI request.',
    }),
  },

  stability: {
    apiKey: optionalText({ name: 'STABILITY_API_KEY', group: 'images', description: 'API key of Stability AI.' }),
    baseUrl: variable(
      {
        name: 'STABILITY_BASE_URL',
        group: 'images',
        default: 'https://api.stability.ai',
        description: 'Stability API (or a compatible endpoint).',
      },
      [httpUrl()],
    ),
  },

  imageGeneration: {
    defaultProvider: optionalOneOf({
      name: 'IMAGE_DEFAULT_PROVIDER',
      group: 'images',
      choices: IMAGE_PROVIDER_NAMES,
      description:
        'openai, stability or placeholder; unset: openai if OPENAI_API_KEY is set, else stability if STABILITY_API_KEY is set, else placeholder.',
    }),
    openaiModel: text({
      name: 'OPENAI_IMAGE_MODEL',
      group: 'images',
      default: 'gpt-image-2',
      description: 'Default model of the openai image provider.',
    }),
    stabilityModel: text({
      name: 'STABILITY_IMAGE_MODEL',
      group: 'images',
      default: 'core',
      description: 'Default model of the stability image provider: core, ultra or sd3.',
    }),
    pollIntervalMs: integer({
      name: 'IMAGE_POLL_INTERVAL_MS',
      group: 'images',
      default: 2000,
      min: 10,
      max: 60_000,
      description:
        "How often an image rendered at the provider (Stability's creative upscale) is polled, unless the provider asks for another pace (Retry-After).",
    }),
    download: {
      allowedHosts: variable(
        {
          name: 'IMAGE_DOWNLOAD_ALLOWED_HOSTS',
          group: 'images',
          default: 'oaidalleapiprodscus.blob.core.windows.net',
          description:
            'Hosts a provider image URL may be downloaded from (comma-separated, `*.domain` allowed); https only.',
        },
        [IsString()],
        hostList,
      ),
      allowInsecureLoopback: flag({
        name: 'IMAGE_DOWNLOAD_ALLOW_INSECURE_LOOPBACK',
        group: 'images',
        default: false,
        description: 'Tests only: also allow http downloads from loopback.',
      }),
      timeoutMs: integer({
        name: 'IMAGE_DOWNLOAD_TIMEOUT_MS',
        group: 'images',
        default: 30000,
        min: 100,
        max: 600000,
        description: 'Time limit of one image download.',
      }),
    },
    attempts: integer({
      name: 'IMAGE_JOB_ATTEMPTS',
      group: 'images',
      default: 3,
      min: 1,
      max: 20,
      description: 'Attempts of a generation job (image or audio) before it fails.',
    }),
    backoffMs: integer({
      name: 'IMAGE_JOB_BACKOFF_MS',
      group: 'images',
      default: 5000,
      min: 0,
      max: HOUR_MS,
      description: 'Base of the exponential backoff between attempts; a provider Retry-After wins when longer.',
    }),
    maxBackoffMs: integer({
      name: 'IMAGE_JOB_MAX_BACKOFF_MS',
      group: 'images',
      default: 300000,
      min: 0,
      max: HOUR_MS,
      description: 'Cap of the backoff between attempts.',
    }),
    timeoutMs: integer({
      name: 'IMAGE_JOB_TIMEOUT_MS',
      group: 'images',
      default: 180000,
      min: 100,
      max: HOUR_MS,
      description: 'Time limit of one attempt (the attempt is retried).',
    }),
    eventsPollMs: integer({
      name: 'JOB_EVENTS_POLL_MS',
      group: 'images',
      default: 1000,
      min: 20,
      max: 60000,
      description: 'How often GET /jobs/:id/events reads the job progress.',
    }),
    previewTtlSeconds: integer({
      name: 'JOB_PREVIEW_TTL_SECONDS',
      group: 'images',
      default: 300,
      min: 10,
      max: 3600,
      description:
        'How long the signed link of a partial image (an `event: partial` of a streaming job) works; the preview itself is deleted when the job ends.',
    }),
  },

  audioGeneration: {
    defaultProvider: optionalOneOf({
      name: 'AUDIO_DEFAULT_PROVIDER',
      group: 'audio',
      choices: AUDIO_PROVIDER_NAMES,
      description: 'openai or placeholder; unset: openai if OPENAI_API_KEY is set, else placeholder.',
    }),
    openaiModel: text({
      name: 'OPENAI_AUDIO_MODEL',
      group: 'audio',
      default: 'gpt-4o-mini-tts',
      description: 'Default model of the openai text-to-speech provider.',
    }),
  },

  videoGeneration: {
    defaultProvider: optionalOneOf({
      name: 'VIDEO_DEFAULT_PROVIDER',
      group: 'video',
      choices: VIDEO_PROVIDER_NAMES,
      description: 'openai or placeholder; unset: openai if OPENAI_API_KEY is set, else placeholder.',
    }),
    openaiModel: text({
      name: 'OPENAI_VIDEO_MODEL',
      group: 'video',
      default: 'sora-2',
      description: 'Default model of the openai video provider.',
    }),
    openaiBaseUrl: optionalText(
      {
        name: 'OPENAI_VIDEO_BASE_URL',
        group: 'video',
        description:
          'Endpoint of the /videos API when it is not OPENAI_BASE_URL, e.g. an OpenAI-compatible gateway in front of other video vendors.',
      },
      httpUrl(),
    ),
    timeoutMs: integer({
      name: 'VIDEO_JOB_TIMEOUT_MS',
      group: 'video',
      default: 1_800_000,
      min: 100,
      max: 6 * HOUR_MS,
      description:
        'Time limit of one attempt of a video job, polling included (the retry resumes polling the same provider video).',
    }),
    pollIntervalMs: integer({
      name: 'VIDEO_POLL_INTERVAL_MS',
      group: 'video',
      default: 5000,
      min: 10,
      max: 600000,
      description:
        'Pause between two status reads of a provider video, unless it asks for another (openai-poll-after-ms).',
    }),
  },

  limits: {
    requestsPerMinute: integer({
      name: 'RATE_LIMIT_PER_MINUTE',
      group: 'limits',
      default: 600,
      min: 0,
      max: 1_000_000,
      description:
        'Requests per user per minute on every /api/creative route, shared by all instances through Redis (429 + Retry-After; 0 = off).',
    }),
    generateRequestsPerMinute: integer({
      name: 'RATE_LIMIT_GENERATE_PER_MINUTE',
      group: 'limits',
      default: 60,
      min: 0,
      max: 1_000_000,
      description:
        'Generation requests (POST /image/generate, /image/:id/regenerate, /audio/generate, /video/generate, /content/*) per user per minute (0 = off).',
    }),
    maxActiveJobs: integer({
      name: 'USER_MAX_ACTIVE_JOBS',
      group: 'limits',
      default: 10,
      min: 0,
      max: 1_000_000,
      description: 'Queued + processing jobs one user may have at once; more is a 429 (0 = no cap).',
    }),
    dailyBudgetUsd: variable(
      {
        name: 'USER_DAILY_BUDGET_USD',
        group: 'limits',
        default: undefined as number | undefined,
        description:
          'Spend cap per user per UTC day in USD (cost of the day jobs and assets); reached: new jobs and content are a 402; unset: no cap.',
      },
      [Transform(toOptionalDecimal), IsOptional(), IsNumber({ allowNaN: false, allowInfinity: false }), Min(0)],
    ),
  },

  operations: {
    metricsToken: optionalText(
      {
        name: 'METRICS_TOKEN',
        group: 'operations',
        description:
          'When set, GET /metrics (and the worker listener on METRICS_PORT) answer only `Authorization: Bearer <METRICS_TOKEN>` (401 otherwise); unset: open to whoever reaches the port. At least 16 characters.',
      },
      MinLength(16, { message: 'METRICS_TOKEN must be at least 16 characters' }),
    ),
    metricsPort: optionalInteger({
      name: 'METRICS_PORT',
      group: 'operations',
      min: 1,
      max: 65535,
      description:
        'Worker processes (`npm run start:worker`) only: serve their Prometheus metrics on this port (GET /metrics, on HOST); unset: no listener.',
    }),
    adminToken: optionalText(
      {
        name: 'ADMIN_TOKEN',
        group: 'operations',
        description:
          'Bearer token of the queue dashboard at /queues (besides JWTs with an `admin` role claim); at least 32 characters; unset: only admin JWTs get in.',
      },
      MinLength(32, { message: 'ADMIN_TOKEN must be at least 32 characters' }),
    ),
  },

  webhooks: {
    allowedHosts: variable(
      {
        name: 'WEBHOOK_ALLOWED_HOSTS',
        group: 'webhooks',
        default: '',
        description:
          'Hosts a webhook may target although they are not public https (comma-separated, `*.domain` allowed): http and private addresses are then accepted, e.g. an internal receiver. Every other target must be https on a public address.',
      },
      [IsString()],
      hostList,
    ),
    timeoutMs: integer({
      name: 'WEBHOOK_TIMEOUT_MS',
      group: 'webhooks',
      default: 5_000,
      min: 100,
      max: 60_000,
      description: 'How long a receiver has to answer a delivery; no answer in time is a failed attempt.',
    }),
    maxAttempts: integer({
      name: 'WEBHOOK_MAX_ATTEMPTS',
      group: 'webhooks',
      default: 14,
      min: 1,
      max: 30,
      description:
        'Attempts per delivery before it fails for good and its endpoint is disabled; with the default backoff, 14 attempts span about 23 hours.',
    }),
    retryBaseMs: integer({
      name: 'WEBHOOK_RETRY_BASE_MS',
      group: 'webhooks',
      default: 10_000,
      min: 10,
      max: HOUR_MS,
      description: 'Pause before the second attempt of a delivery; each later pause doubles.',
    }),
    relayIntervalMs: integer({
      name: 'WEBHOOK_RELAY_INTERVAL_MS',
      group: 'webhooks',
      default: 1_000,
      min: 10,
      max: 60_000,
      description:
        'Workers only: how often the outbox is read for new deliveries to queue (and for deliveries a lost Redis forgot).',
    }),
    secretRotationGraceMs: integer({
      name: 'WEBHOOK_SECRET_ROTATION_GRACE_MS',
      group: 'webhooks',
      default: 24 * HOUR_MS,
      min: 0,
      max: 30 * 24 * HOUR_MS,
      description:
        'After a secret rotation, how long deliveries are also signed with the previous secret, so receivers can switch without losing events.',
    }),
    maxEndpointsPerUser: integer({
      name: 'WEBHOOK_MAX_ENDPOINTS_PER_USER',
      group: 'webhooks',
      default: 10,
      min: 1,
      max: 1000,
      description: 'Webhooks one user may register (409 beyond).',
    }),
    deliveryRetentionDays: integer({
      name: 'WEBHOOK_DELIVERY_RETENTION_DAYS',
      group: 'webhooks',
      default: 30,
      min: 1,
      max: 3650,
      description: 'Delivered and failed deliveries older than this are deleted by the relay.',
    }),
  },
};

/**
 * Read only to compute EngineConfig's `text` (src/providers/text/text-provider-config.ts), `pricing`
 * (src/providers/pricing.ts) and `modelCatalogue` (src/providers/image/image-model-catalogue-overrides.ts).
 */
export const TEXT_AND_PRICING_VARIABLES = {
  modelCatalogue: optionalText(
    {
      name: 'MODEL_CATALOGUE_OVERRIDES',
      group: 'images',
      description:
        'JSON array of model catalogue entries (image, audio, video) keyed by id, changing a built-in entry or adding one, e.g. `[{"id":"core","status":"retired","shutdownDate":"2026-12-01","successor":"ultra"},{"id":"my-model","provider":"openai","capabilities":{"maxImages":4}}]` (fields: provider, kinds, status active/deprecated/retired, shutdownDate, successor, capabilities; a new audio or video model names its kinds, e.g. `"kinds":["audio"]`).',
    },
    HasNoProblems(
      (env: { MODEL_CATALOGUE_OVERRIDES?: string }) =>
        parseModelCatalogueOverrides(env.MODEL_CATALOGUE_OVERRIDES).problems,
    ),
  ),
  providers: optionalText(
    {
      name: 'TEXT_PROVIDERS',
      group: 'text',
      description:
        'JSON array of OpenAI-compatible text endpoints routed by model, replacing OPENAI_* for text, e.g. `[{"name":"openai","apiKey":"sk-...","models":["gpt-*"]},{"name":"anthropic","baseUrl":"https://api.anthropic.com/v1/","apiKey":"sk-ant-...","models":["claude-*"]}]`.',
    },
    HasNoProblems((env: TextProviderEnvironment) => resolveTextProviders(env).problems),
  ),
  defaultModel: text({
    name: 'TEXT_DEFAULT_MODEL',
    group: 'text',
    default: 'gpt-4.1-mini',
    description: 'Text model used when neither the request nor its template names one.',
  }),
  maxRetries: integer({
    name: 'TEXT_MAX_RETRIES',
    group: 'text',
    default: 2,
    min: 0,
    max: TEXT_MAX_RETRIES_LIMIT,
    description: 'Retries of 429 (honouring Retry-After), 5xx, timeouts and connection errors.',
  }),
  pricing: optionalText(
    {
      name: 'PROVIDER_PRICING',
      group: 'text',
      description:
        'JSON per-model price overrides in USD, e.g. `{"text":{"my-model":{"inputPerMillion":0.4,"outputPerMillion":1.6}},"image":{"my-image-model":{"perImage":{"*":0.02}}},"audio":{"my-tts":{"perMillionCharacters":15}}}` (audio also takes perMinute).',
    },
    HasNoProblems((env: { PROVIDER_PRICING?: string }) => parsePricingOverrides(env.PROVIDER_PRICING).problems),
  ),
};
