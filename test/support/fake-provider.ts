import { createHash, randomBytes } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type OpenAI from 'openai';
import sharp from 'sharp';
import { handleImageEdit, readParts, type RecordedPart } from './fake-image-edits';
import { handleSpeech } from './fake-speech';
import {
  FakeStabilityStudio,
  type FakeStabilityStudioControl,
  STABILITY_STUDIO_PATH,
  type StabilityStudioResponder,
} from './fake-stability-studio';
import { FakeVideos, type FakeVideosControl, isVideoPath, type VideoResponder } from './fake-videos';
import { validateAgainstJsonSchema, validateAgainstOpenAiSchema } from './openai-schema';

/**
 * A fake of the OpenAI-compatible REST API (chat completions, image generations) and of Stability's
 * Stable Image API, served over plain node:http on 127.0.0.1 for tests that drive the real SDKs.
 *
 * Every request is recorded; request bodies are checked against OpenAI's published schemas, and so is
 * every answer the fake sends on OpenAI routes. Drift lands in `schemaViolations`.
 */

export type FakeRoute = 'chat' | 'images' | 'image_edits' | 'stability' | 'speech' | 'videos';

export type FakeFault = (
  | { kind: 'latency'; ms: number }
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  | { kind: 'server_error' }
  /** chat: 200 whose message content is not JSON (`invalid_json`, default) or ignores the requested schema. */
  | { kind: 'malformed_json'; variant?: 'invalid_json' | 'schema_mismatch' }
  /**
   * `input` (default): the request is refused (OpenAI 400 `content_policy_violation`, on image edits 400
   * `moderation_blocked`; Stability 403 `content_moderation`, edit and upscale routes included). `output`: the
   * answer is filtered instead (chat `finish_reason: content_filter`, Stability `finish-reason: CONTENT_FILTERED`,
   * for a creative upscale on its result); the images route has no such answer and refuses as for `input`.
   */
  | { kind: 'content_policy'; stage?: 'input' | 'output' }
  | { kind: 'hang' }
) & {
  /** Only a request to this route consumes the fault; without it, the next request to any route does. */
  route?: FakeRoute;
};

export type FakeFaultKind = FakeFault['kind'];

export interface RecordedFile {
  filename: string;
  type: string;
  size: number;
}

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/v1/chat/completions`. */
  path: string;
  route: FakeRoute | 'files' | null;
  headers: IncomingHttpHeaders;
  /** When the request arrived (Date.now()). */
  receivedAt: number;
  /** Parsed JSON body (OpenAI routes). */
  body?: unknown;
  /** Multipart fields (Stability routes). */
  fields?: Record<string, string | RecordedFile>;
  /** Every multipart part in order, files with the sha256 of their bytes (image edits). */
  parts?: RecordedPart[];
  /** The fault this request consumed, if any. */
  fault?: FakeFaultKind;
}

export interface SchemaViolation {
  direction: 'request' | 'response';
  route: FakeRoute;
  /** An OpenAI component schema name, or `response_format:<name>` for the JSON schema a chat request asked for. */
  schema: string;
  violations: string[];
}

export type ChatRequestBody = OpenAI.Chat.ChatCompletionCreateParams;
export type ImageRequestBody = OpenAI.ImageGenerateParams;
/** A string is sent as the message content verbatim; anything else is sent JSON-encoded. */
export type ChatReply = string | Record<string, unknown> | unknown[];
/** Returning `undefined` falls back to the default answer. */
export type ChatReplyHandler = (request: ChatRequestBody) => ChatReply | undefined | Promise<ChatReply | undefined>;
export type ImageResponseFormat = 'b64_json' | 'url';

export interface FakeProviderOptions {
  /** When set, only `Authorization: Bearer <apiKey>` is accepted; otherwise any non-empty bearer token is. */
  apiKey?: string;
  /** Validate the fake's own OpenAI answers against the published schemas (default true). */
  validateResponses?: boolean;
}

export interface FakeProvider {
  /** OpenAI-style base URL, e.g. `http://127.0.0.1:PORT/v1`. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT`, the base for Stability routes (`/v2beta/stable-image/generate/core`). */
  readonly origin: string;
  readonly requests: RecordedRequest[];
  readonly schemaViolations: SchemaViolation[];
  /** The `/v1/videos` routes: how videos progress, and how many were created (test/support/fake-videos.ts). */
  readonly videos: FakeVideosControl;
  /** Stability's edit, upscale and results routes (test/support/fake-stability-studio.ts). */
  readonly stabilityStudio: FakeStabilityStudioControl;
  /** Faults not yet consumed, in order. */
  readonly pendingFaults: readonly FakeFault[];
  /** Milliseconds between two streamed partial images (`stream: true`): how long a client sees each one. */
  streamGapMs: number;
  enqueue(...faults: FakeFault[]): void;
  setChatReply(handler: ChatReplyHandler | null): void;
  /** Forces the image answer format; `null` honours the request (`response_format`, default `b64_json`). */
  setImageResponseFormat(format: ImageResponseFormat | null): void;
  /** Base of the links given in `url` mode (default: this server's origin, which serves `/files/<id>.<ext>`). */
  setImageUrlBase(base: string | null): void;
  requestsTo(route: FakeRoute): RecordedRequest[];
  /** Throws listing every recorded schema violation. */
  assertNoSchemaViolations(): void;
  /** Forgets requests, violations, faults, stored images and every setting made through the setters. */
  reset(): void;
  close(): Promise<void>;
}

/** The variables that point the service's OpenAI and Stability providers at `fake`. */
export function fakeProviderEnvironment(fake: FakeProvider, apiKey: string): Record<string, string> {
  return {
    OPENAI_API_KEY: apiKey,
    OPENAI_BASE_URL: fake.baseUrl,
    STABILITY_API_KEY: apiKey,
    STABILITY_BASE_URL: fake.origin,
  };
}

export async function startFakeProvider(options: FakeProviderOptions = {}): Promise<FakeProvider> {
  const provider = new FakeProviderServer(options);
  await provider.listen();
  return provider;
}

/** The fake's deterministic token count: one token per four characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

// Output tokens of gpt-image-1 for a 1024x1024 image, per quality; other sizes scale with their area.
const IMAGE_OUTPUT_TOKENS_1024: Record<'low' | 'medium' | 'high', number> = { low: 272, medium: 1056, high: 4160 };
const DEFAULT_IMAGE_SIZE = '1024x1024';

/** Output tokens the fake reports per GPT image (`auto`, `standard` and `hd` count as `medium`). */
export function imageOutputTokens(size: string | null | undefined, quality: string | null | undefined): number {
  const dimensions = parseImageSize(size) ?? { width: 1024, height: 1024 };
  return Math.ceil(
    (IMAGE_OUTPUT_TOKENS_1024[gptImageQuality(quality)] * dimensions.width * dimensions.height) / 1024 ** 2,
  );
}

const STABILITY_ASPECT_RATIOS: Record<string, { width: number; height: number }> = {
  '1:1': { width: 1024, height: 1024 },
  '16:9': { width: 1344, height: 768 },
  '9:16': { width: 768, height: 1344 },
  '21:9': { width: 1536, height: 640 },
  '9:21': { width: 640, height: 1536 },
  '3:2': { width: 1216, height: 832 },
  '2:3': { width: 832, height: 1216 },
  '5:4': { width: 1088, height: 896 },
  '4:5': { width: 896, height: 1088 },
};

/** Pixel size of a Stability image for an `aspect_ratio` field (default `1:1`). */
export function stabilityImageSize(aspectRatio = '1:1'): { width: number; height: number } | undefined {
  return STABILITY_ASPECT_RATIOS[aspectRatio];
}

type JsonObject = Record<string, unknown>;
type ImageFormat = 'png' | 'jpeg' | 'webp';
type MalformedVariant = NonNullable<Extract<FakeFault, { kind: 'malformed_json' }>['variant']>;

/** How a fault that lets the request through alters the normal answer. */
type AnswerTwist = { kind: 'malformed'; variant: MalformedVariant } | { kind: 'filtered' };

/** After a fault: either it dealt with the request (answered, or left hanging), or normal handling goes on. */
type FaultOutcome = { handled: true } | { handled: false; twist?: AnswerTwist };

interface OpenAiError {
  status: number;
  error: { message: string; type: string; param: string | null; code: string | null };
}

interface StabilityError {
  status: number;
  name: string;
  message: string;
}

function invalidRequest(
  status: number,
  message: string,
  param: string | null = null,
  code: string | null = null,
): OpenAiError {
  return { status, error: { message, type: 'invalid_request_error', param, code } };
}

// Messages follow what the real services answer.
const OPENAI_ERRORS = {
  missingKey: invalidRequest(
    401,
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
      '(i.e. Authorization: Bearer YOUR_KEY).',
  ),
  wrongKey: invalidRequest(401, 'Incorrect API key provided.', null, 'invalid_api_key'),
  unparsableJson: invalidRequest(
    400,
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
      'correctly. The OpenAI API expects a JSON payload.)',
  ),
  streaming: invalidRequest(400, 'The fake provider does not implement streaming.', 'stream'),
  contentPolicy: invalidRequest(
    400,
    'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by ' +
      'our safety system.',
    null,
    'content_policy_violation',
  ),
  /** The GPT image models' refusal, on /v1/images/edits: its own type and code, no param. */
  moderationBlocked: {
    status: 400,
    error: {
      message:
        'Your request was rejected by the safety system. If you believe this is an error, contact us at ' +
        'help.openai.com and include the request ID req_fake.',
      type: 'image_generation_user_error',
      param: null,
      code: 'moderation_blocked',
    },
  },
  serverError: {
    status: 500,
    error: {
      message: 'The server had an error while processing your request. Sorry about that!',
      type: 'server_error',
      param: null,
      code: null,
    },
  },
  rateLimited: (seconds: number): OpenAiError => ({
    status: 429,
    error: {
      message: `Rate limit reached for requests. Please try again in ${seconds}s.`,
      type: 'requests',
      param: null,
      code: 'rate_limit_exceeded',
    },
  }),
} as const;

const STABILITY_ERRORS = {
  unauthorised: { status: 401, name: 'unauthorized', message: 'authorization: invalid or missing header value' },
  rateLimited: {
    status: 429,
    name: 'rate_limit_exceeded',
    message: 'You have exceeded the rate limit of 150 requests within a 10 second period.',
  },
  serverError: { status: 500, name: 'internal_error', message: 'An unexpected server error has occurred.' },
  contentModeration: {
    status: 403,
    name: 'content_moderation',
    message:
      'Your request was flagged by our content moderation system, as a result your request was denied and you ' +
      'were not charged.',
  },
  badRequest: (message: string): StabilityError => ({ status: 400, name: 'bad_request', message }),
} as const;

interface StoredFile {
  bytes: Buffer;
  contentType: string;
}

const STABILITY_PATH = /^\/v2beta\/stable-image\/generate\/(core|sd3|ultra)$/;
const FILES_PATH = /^\/files\/([\w-]+\.(?:png|jpeg|webp))$/;
const IMAGE_FORMATS: readonly ImageFormat[] = ['png', 'jpeg', 'webp'];
const GPT_IMAGE_SIZES = new Set(['1024x1024', '1024x1536', '1536x1024']);

class FakeProviderServer implements FakeProvider {
  readonly requests: RecordedRequest[] = [];
  readonly schemaViolations: SchemaViolation[] = [];
  readonly videos = new FakeVideos(() => this.nextId());
  readonly stabilityStudio = new FakeStabilityStudio(() => this.nextId());
  private readonly faults: FakeFault[] = [];
  private readonly files = new Map<string, StoredFile>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private chatReply: ChatReplyHandler | null = null;
  private imageFormat: ImageResponseFormat | null = null;
  private imageUrlBase: string | null = null;
  private sequence = 0;
  private port = 0;
  /** Milliseconds between two streamed partial images. */
  streamGapMs = 300;

  constructor(private readonly options: FakeProviderOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => this.crash(res, error));
    });
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get baseUrl(): string {
    return `${this.origin}/v1`;
  }

  get pendingFaults(): readonly FakeFault[] {
    return [...this.faults];
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => resolve());
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  enqueue(...faults: FakeFault[]): void {
    this.faults.push(...faults);
  }

  setChatReply(handler: ChatReplyHandler | null): void {
    this.chatReply = handler;
  }

  setImageResponseFormat(format: ImageResponseFormat | null): void {
    this.imageFormat = format;
  }

  setImageUrlBase(base: string | null): void {
    this.imageUrlBase = base === null ? null : base.replace(/\/+$/, '');
  }

  requestsTo(route: FakeRoute): RecordedRequest[] {
    return this.requests.filter((request) => request.route === route);
  }

  assertNoSchemaViolations(): void {
    if (this.schemaViolations.length === 0) return;
    const lines = this.schemaViolations.map(
      (v) => `${v.direction} ${v.route} vs ${v.schema}:\n${v.violations.map((line) => `    - ${line}`).join('\n')}`,
    );
    throw new Error(`Fake provider recorded schema violations:\n${lines.join('\n')}`);
  }

  reset(): void {
    this.requests.length = 0;
    this.schemaViolations.length = 0;
    this.faults.length = 0;
    this.files.clear();
    this.chatReply = null;
    this.imageFormat = null;
    this.imageUrlBase = null;
    this.videos.reset();
    this.stabilityStudio.reset();
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Hanging requests keep their sockets open; drop them so close() resolves.
    this.server.closeAllConnections();
    await closed;
  }

  // ---------------------------------------------------------------------------------------------
  // Dispatch

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', this.origin).pathname;
    const route = routeOf(method, path);
    const raw = await readBody(req);
    const record: RecordedRequest = { method, path, route, headers: req.headers, receivedAt: Date.now() };
    this.requests.push(record);

    if (route === 'files') return this.serveFile(res, path);
    if (route === null) {
      return this.sendOpenAiError(res, null, invalidRequest(404, `Invalid URL (${method} ${path})`));
    }

    if (route === 'stability') {
      const studio = STABILITY_STUDIO_PATH.test(path);
      const read = studio ? await readParts(req.headers['content-type'], raw, this.origin) : undefined;
      const fields = studio ? undefined : await parseMultipart(req.headers['content-type'], raw, this.origin);
      if (fields) record.fields = fields;
      if (read) record.parts = read.parts;
      if (!this.authorised(req)) return this.sendStabilityError(res, STABILITY_ERRORS.unauthorised);
      const outcome = await this.applyFault(record, res);
      if (outcome.handled) return;
      if (studio) {
        const filtered = outcome.twist?.kind === 'filtered';
        return this.stabilityStudio.handle(res, { method, path, filtered, ...read }, this.stabilityStudioResponder);
      }
      return this.handleStability(req, res, path, fields, outcome.twist);
    }

    if (route === 'videos') return this.handleVideos(req, res, record, raw);
    if (route === 'image_edits') return this.handleImageEdits(req, res, record, raw);

    const body = parseJson(raw);
    if (body !== undefined) record.body = body;
    if (!this.authorised(req)) {
      return this.sendOpenAiError(
        res,
        route,
        req.headers.authorization ? OPENAI_ERRORS.wrongKey : OPENAI_ERRORS.missingKey,
      );
    }
    if (body === undefined) return this.sendOpenAiError(res, route, OPENAI_ERRORS.unparsableJson);
    const outcome = await this.applyFault(record, res);
    if (outcome.handled) return;
    if (route === 'speech')
      return handleSpeech(res, body, {
        accept: (speech) => this.acceptOpenAiRequest(res, route, 'CreateSpeechRequest', speech),
      });
    return route === 'chat' ? this.handleChat(res, body, outcome.twist) : this.handleImages(res, body);
  }

  private async handleVideos(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, raw: Buffer) {
    const fields = await parseMultipart(req.headers['content-type'], raw, this.origin);
    if (fields) record.fields = fields;
    if (!this.authorised(req)) {
      return this.sendOpenAiError(
        res,
        'videos',
        req.headers.authorization ? OPENAI_ERRORS.wrongKey : OPENAI_ERRORS.missingKey,
      );
    }
    const outcome = await this.applyFault(record, res);
    if (outcome.handled) return;
    const query = new URL(req.url ?? '/', this.origin).searchParams;
    return this.videos.handle(res, { method: record.method, path: record.path, query, fields }, this.videoResponder);
  }

  private async handleImageEdits(req: IncomingMessage, res: ServerResponse, record: RecordedRequest, raw: Buffer) {
    const read = await readParts(req.headers['content-type'], raw, this.origin);
    if (read) record.parts = read.parts;
    if (!this.authorised(req)) {
      return this.sendOpenAiError(
        res,
        'image_edits',
        req.headers.authorization ? OPENAI_ERRORS.wrongKey : OPENAI_ERRORS.missingKey,
      );
    }
    const outcome = await this.applyFault(record, res);
    if (outcome.handled) return;
    if (!read) {
      return this.sendOpenAiError(
        res,
        'image_edits',
        invalidRequest(400, 'The edits endpoint takes multipart/form-data', null, 'invalid_request'),
      );
    }
    return handleImageEdit(res, read, {
      acceptRequest: (answer, schema, body) => this.acceptOpenAiRequest(answer, 'image_edits', schema, body),
      json: (answer, status, body, schema) => this.sendOpenAiJson(answer, 'image_edits', status, body, schema),
      badRequest: (answer, message, param) =>
        this.sendOpenAiError(answer, 'image_edits', invalidRequest(400, message, param, 'invalid_value')),
      event: (answer, type, data, schema) => this.sendOpenAiEvent(answer, 'image_edits', type, data, schema),
      streamGapMs: this.streamGapMs,
    });
  }

  /** One server-sent event of an OpenAI stream, checked against its schema like every answer. */
  private sendOpenAiEvent(res: ServerResponse, route: FakeRoute, type: string, data: unknown, schema: string): void {
    if (this.options.validateResponses !== false) {
      const violations = validateAgainstOpenAiSchema(schema, data);
      if (violations.length > 0) this.schemaViolations.push({ direction: 'response', route, schema, violations });
    }
    res.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  private readonly stabilityStudioResponder: StabilityStudioResponder = {
    badRequest: (res, message) => this.sendStabilityError(res, STABILITY_ERRORS.badRequest(message)),
    notFound: (res, message) => this.sendStabilityError(res, { status: 404, name: 'not_found', message }),
    json: (res, status, body) => this.sendJson(res, status, body),
    image: (res, bytes, format, filtered) => {
      res
        .writeHead(200, {
          'content-type': `image/${format}`,
          'content-length': bytes.length,
          'finish-reason': filtered ? 'CONTENT_FILTERED' : 'SUCCESS',
          seed: '42',
        })
        .end(bytes);
    },
  };

  private readonly videoResponder: VideoResponder = {
    acceptRequest: (res, schema, body) => this.acceptOpenAiRequest(res, 'videos', schema, body),
    json: (res, status, body, schema, headers) => this.sendOpenAiJson(res, 'videos', status, body, schema, headers),
    notFound: (res, message) => this.sendOpenAiError(res, 'videos', invalidRequest(404, message)),
  };

  private crash(res: ServerResponse, error: unknown): void {
    const message = `Fake provider failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(500, { 'content-type': 'text/plain' }).end(message);
  }

  private authorised(req: IncomingMessage): boolean {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1]?.trim();
    return Boolean(token) && (this.options.apiKey === undefined || token === this.options.apiKey);
  }

  // ---------------------------------------------------------------------------------------------
  // Faults

  /** Consumes and applies the first queued fault meant for this route. */
  private async applyFault(record: RecordedRequest, res: ServerResponse): Promise<FaultOutcome> {
    const route = record.route as FakeRoute;
    const index = this.faults.findIndex((fault) => fault.route === undefined || fault.route === route);
    if (index === -1) return { handled: false };
    const [fault] = this.faults.splice(index, 1);
    record.fault = fault.kind;
    switch (fault.kind) {
      case 'latency':
        await this.delay(fault.ms);
        return { handled: false };
      case 'hang':
        // Never answered; close() drops the socket.
        return { handled: true };
      case 'malformed_json':
        // On chat the envelope stays valid and only the message content is broken.
        if (route === 'chat') {
          return { handled: false, twist: { kind: 'malformed', variant: fault.variant ?? 'invalid_json' } };
        }
        this.sendMalformed(res, route, record);
        return { handled: true };
      case 'rate_limit':
        if (route === 'stability') {
          this.sendStabilityError(res, STABILITY_ERRORS.rateLimited, {
            'retry-after': String(fault.retryAfterSeconds),
          });
        } else {
          this.sendOpenAiError(res, route, OPENAI_ERRORS.rateLimited(fault.retryAfterSeconds), {
            'retry-after': String(fault.retryAfterSeconds),
            'x-ratelimit-remaining-requests': '0',
            'x-ratelimit-reset-requests': `${fault.retryAfterSeconds}s`,
          });
        }
        return { handled: true };
      case 'server_error':
        if (route === 'stability') this.sendStabilityError(res, STABILITY_ERRORS.serverError);
        else this.sendOpenAiError(res, route, OPENAI_ERRORS.serverError);
        return { handled: true };
      case 'content_policy':
        if (fault.stage === 'output' && route !== 'images' && route !== 'speech')
          return { handled: false, twist: { kind: 'filtered' } };
        if (route === 'stability') this.sendStabilityError(res, STABILITY_ERRORS.contentModeration);
        else if (route === 'image_edits') this.sendOpenAiError(res, route, OPENAI_ERRORS.moderationBlocked);
        else this.sendOpenAiError(res, route, OPENAI_ERRORS.contentPolicy);
        return { handled: true };
    }
  }

  private sendMalformed(res: ServerResponse, route: FakeRoute, record: RecordedRequest): void {
    const wantsImage = route === 'stability' && !String(record.headers.accept ?? '').includes('application/json');
    if (wantsImage) {
      res
        .writeHead(200, { 'content-type': 'image/png', 'finish-reason': 'SUCCESS', seed: '1' })
        .end('this is not a PNG');
      return;
    }
    const truncated = '{"created": 1700000000, "data": [{"b64_json": "iVBORw0KGgo';
    res.writeHead(200, { 'content-type': 'application/json' }).end(truncated);
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }

  // ---------------------------------------------------------------------------------------------
  // POST /v1/chat/completions

  private async handleChat(res: ServerResponse, body: unknown, twist?: AnswerTwist): Promise<void> {
    if (!this.acceptOpenAiRequest(res, 'chat', 'CreateChatCompletionRequest', body)) return;
    const request = body as ChatRequestBody;
    if (request.stream) {
      return this.sendOpenAiError(res, 'chat', OPENAI_ERRORS.streaming);
    }

    const choiceCount = request.n ?? 1;
    const contents: (string | null)[] = [];
    for (let index = 0; index < choiceCount; index++) {
      if (twist?.kind === 'filtered') contents.push(null);
      else if (twist?.kind === 'malformed') contents.push(malformedContent(twist.variant));
      else contents.push(await this.chatContent(request));
    }

    const promptTokens = request.messages.reduce((sum, message) => sum + estimateTokens(messageText(message)), 0);
    const completionTokens = contents.reduce((sum, content) => sum + estimateTokens(content ?? ''), 0);
    const completion: OpenAI.Chat.ChatCompletion = {
      id: `chatcmpl-fake${this.nextId()}`,
      object: 'chat.completion',
      created: unixNow(),
      model: request.model,
      choices: contents.map((content, index) => ({
        index,
        message: { role: 'assistant', content, refusal: null, annotations: [] },
        finish_reason: content === null ? 'content_filter' : 'stop',
        logprobs: null,
      })),
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 0,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
      service_tier: 'default',
      system_fingerprint: 'fp_fake',
    };
    this.sendOpenAiJson(res, 'chat', 200, completion, 'CreateChatCompletionResponse');
  }

  private async chatContent(request: ChatRequestBody): Promise<string> {
    const custom = this.chatReply ? await this.chatReply(request) : undefined;
    if (custom !== undefined) return typeof custom === 'string' ? custom : JSON.stringify(custom);

    const format = request.response_format;
    if (format?.type === 'json_schema') {
      const schema = format.json_schema.schema ?? {};
      const document = sampleFromJsonSchema(schema);
      const drift = validateAgainstJsonSchema(schema, document);
      if (drift.length > 0) {
        const schemaName = `response_format:${format.json_schema.name}`;
        this.schemaViolations.push({ direction: 'response', route: 'chat', schema: schemaName, violations: drift });
      }
      return JSON.stringify(document);
    }
    const echo = `Fake reply to: ${lastUserText(request.messages).slice(0, 200)}`;
    return format?.type === 'json_object' ? JSON.stringify({ reply: echo }) : echo;
  }

  // ---------------------------------------------------------------------------------------------
  // POST /v1/images/generations

  private async handleImages(res: ServerResponse, body: unknown): Promise<void> {
    if (!this.acceptOpenAiRequest(res, 'images', 'CreateImageRequest', body)) return;
    const request = body as ImageRequestBody;
    if (request.stream) return this.streamImages(res, request);
    const dimensions = parseImageSize(request.size);
    if (!dimensions) {
      const error = invalidRequest(
        400,
        `Invalid value for 'size': '${String(request.size)}'.`,
        'size',
        'invalid_value',
      );
      return this.sendOpenAiError(res, 'images', error);
    }

    const model = request.model ?? 'dall-e-2';
    const gptImage = model.startsWith('gpt-image') || model.startsWith('chatgpt-image');
    // GPT image models always answer base64; DALL-E honours response_format.
    const responseFormat = this.imageFormat ?? (gptImage ? 'b64_json' : (request.response_format ?? 'b64_json'));
    // The published schema limits output_format to png|jpeg|webp, and the request was validated above.
    const outputFormat = (gptImage ? (request.output_format ?? 'png') : 'png') as ImageFormat;
    const transparent = gptImage && request.background === 'transparent';
    const count = request.n ?? 1;

    const data: OpenAI.Image[] = [];
    for (let index = 0; index < count; index++) {
      const bytes = await renderImage(dimensions, colourFor(`${request.prompt}#${index}`), outputFormat, transparent);
      const image: OpenAI.Image =
        responseFormat === 'url'
          ? { url: this.storeFile(bytes, outputFormat) }
          : { b64_json: bytes.toString('base64') };
      if (model === 'dall-e-3') image.revised_prompt = request.prompt;
      data.push(image);
    }

    const answer: OpenAI.ImagesResponse = { created: unixNow(), data };
    if (gptImage) {
      const size = `${dimensions.width}x${dimensions.height}`;
      const inputTokens = estimateTokens(request.prompt);
      const outputTokens = count * imageOutputTokens(size, request.quality);
      answer.background = transparent ? 'transparent' : 'opaque';
      answer.output_format = outputFormat;
      answer.quality = gptImageQuality(request.quality);
      if (GPT_IMAGE_SIZES.has(size)) answer.size = size;
      answer.usage = {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
        input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
        output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 },
      };
    }
    this.sendOpenAiJson(res, 'images', 200, answer, 'ImagesResponse');
  }

  /** `stream: true`: `image_generation.partial_image` events (partial_images of them), then `.completed`. */
  private async streamImages(res: ServerResponse, request: ImageRequestBody): Promise<void> {
    const dimensions = parseImageSize(request.size) ?? { width: 1024, height: 1024 };
    const format = (request.output_format ?? 'png') as ImageFormat;
    const common = {
      created_at: unixNow(),
      size: GPT_IMAGE_SIZES.has(`${dimensions.width}x${dimensions.height}`)
        ? `${dimensions.width}x${dimensions.height}`
        : 'auto',
      quality: gptImageQuality(request.quality),
      background: 'opaque',
      output_format: format,
    };
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const partials = Number((request as { partial_images?: number }).partial_images ?? 0);
    for (let index = 0; index < partials; index++) {
      const bytes = await renderImage(dimensions, colourFor(`${request.prompt}#partial${index}`), format, false);
      const event = {
        type: 'image_generation.partial_image',
        b64_json: bytes.toString('base64'),
        ...common,
        partial_image_index: index,
      };
      this.sendOpenAiEvent(res, 'images', event.type, event, 'ImageGenStreamEvent');
      // Time for a client to see each partial before the next.
      await new Promise((resolve) => setTimeout(resolve, this.streamGapMs));
    }
    const inputTokens = estimateTokens(request.prompt);
    const outputTokens = imageOutputTokens(common.size, request.quality);
    const bytes = await renderImage(dimensions, colourFor(`${request.prompt}#0`), format, false);
    const done = {
      type: 'image_generation.completed',
      b64_json: bytes.toString('base64'),
      ...common,
      usage: {
        input_tokens: inputTokens,
        output_tokens: outputTokens,
        total_tokens: inputTokens + outputTokens,
        input_tokens_details: { text_tokens: inputTokens, image_tokens: 0 },
      },
    };
    this.sendOpenAiEvent(res, 'images', done.type, done, 'ImageGenStreamEvent');
    res.end();
  }

  private storeFile(bytes: Buffer, format: ImageFormat): string {
    const name = `img-${this.nextId()}.${format}`;
    this.files.set(name, { bytes, contentType: `image/${format}` });
    return `${this.imageUrlBase ?? this.origin}/files/${name}`;
  }

  // GET /files/<id>.<ext>: the links handed out in url mode. Unauthenticated, like signed blob URLs.
  private serveFile(res: ServerResponse, path: string): void {
    const file = this.files.get(FILES_PATH.exec(path)?.[1] ?? '');
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.contentType, 'content-length': file.bytes.length }).end(file.bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // POST /v2beta/stable-image/generate/{core,sd3,ultra}

  private async handleStability(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    fields: Record<string, string | RecordedFile> | undefined,
    twist: AnswerTwist | undefined,
  ): Promise<void> {
    const bad = (message: string) => this.sendStabilityError(res, STABILITY_ERRORS.badRequest(message));
    if (!fields) return bad('content-type: must be multipart/form-data');
    const text = (name: string): string | undefined => {
      const value = fields[name];
      return typeof value === 'string' ? value : undefined;
    };

    const prompt = text('prompt')?.trim();
    if (!prompt) return bad('prompt: cannot be empty');
    const outputFormat = (text('output_format') ?? 'png') as ImageFormat;
    if (!IMAGE_FORMATS.includes(outputFormat)) {
      return bad(`output_format: must be one of ${IMAGE_FORMATS.join(', ')}`);
    }
    const dimensions = stabilityImageSize(text('aspect_ratio') ?? '1:1');
    if (!dimensions) {
      const allowed = Object.keys(STABILITY_ASPECT_RATIOS).join(', ');
      return bad(`aspect_ratio: must be one of ${allowed}`);
    }
    const requestedSeed = Number(text('seed') ?? 0);
    if (!Number.isInteger(requestedSeed) || requestedSeed < 0 || requestedSeed > 4294967294) {
      return bad('seed: must be an integer between 0 and 4294967294');
    }
    // Seed 0 means "random" at Stability; the fake derives one from the prompt so answers stay deterministic.
    const seed = requestedSeed === 0 ? (digest(prompt).readUInt32BE(0) % 4294967294) + 1 : requestedSeed;

    // A filtered answer is still an image (Stability blurs it); the fake sends plain grey.
    const filtered = twist?.kind === 'filtered';
    const colour = filtered ? { r: 128, g: 128, b: 128 } : colourFor(`${path}#${prompt}#${seed}`);
    const bytes = await renderImage(dimensions, colour, outputFormat, false);
    const finishReason = filtered ? 'CONTENT_FILTERED' : 'SUCCESS';
    const accept = String(req.headers.accept ?? 'image/*');
    if (accept.includes('application/json')) {
      this.sendJson(res, 200, { image: bytes.toString('base64'), finish_reason: finishReason, seed });
      return;
    }
    res
      .writeHead(200, {
        'content-type': `image/${outputFormat}`,
        'content-length': bytes.length,
        'finish-reason': finishReason,
        seed: String(seed),
      })
      .end(bytes);
  }

  // ---------------------------------------------------------------------------------------------
  // Sending

  /** Validates a request body; on violations records them and answers 400. Returns whether it is valid. */
  private acceptOpenAiRequest(res: ServerResponse, route: FakeRoute, schema: string, body: unknown): boolean {
    const violations = validateAgainstOpenAiSchema(schema, body);
    if (violations.length === 0) return true;
    this.schemaViolations.push({ direction: 'request', route, schema, violations });
    this.sendOpenAiError(res, route, invalidRequest(400, `Invalid request body (${schema}): ${violations.join('; ')}`));
    return false;
  }

  private sendOpenAiJson(
    res: ServerResponse,
    route: FakeRoute | null,
    status: number,
    body: unknown,
    schema: string,
    headers: Record<string, string> = {},
  ): void {
    if (route !== null && this.options.validateResponses !== false) {
      const violations = validateAgainstOpenAiSchema(schema, body);
      if (violations.length > 0) this.schemaViolations.push({ direction: 'response', route, schema, violations });
    }
    const requestId = `req_fake${this.nextId()}`;
    this.sendJson(res, status, body, { 'x-request-id': requestId, 'openai-processing-ms': '1', ...headers });
  }

  private sendOpenAiError(
    res: ServerResponse,
    route: FakeRoute | null,
    failure: OpenAiError,
    headers: Record<string, string> = {},
  ): void {
    this.sendOpenAiJson(res, route, failure.status, { error: failure.error }, 'ErrorResponse', headers);
  }

  // Stability's error shape: { id, name, errors: [message] }.
  private sendStabilityError(res: ServerResponse, failure: StabilityError, headers: Record<string, string> = {}): void {
    const body = { id: randomBytes(16).toString('hex'), name: failure.name, errors: [failure.message] };
    this.sendJson(res, failure.status, body, headers);
  }

  private sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    const payload = JSON.stringify(body);
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(payload),
        ...headers,
      })
      .end(payload);
  }

  private nextId(): string {
    this.sequence += 1;
    return this.sequence.toString(36).padStart(6, '0');
  }
}

// -----------------------------------------------------------------------------------------------
// Request helpers

function routeOf(method: string, path: string): RecordedRequest['route'] {
  if (method === 'GET' && FILES_PATH.test(path)) return 'files';
  if (isVideoPath(path)) return 'videos';
  if (STABILITY_STUDIO_PATH.test(path)) return 'stability';
  if (method !== 'POST') return null;
  if (path === '/v1/chat/completions') return 'chat';
  if (path === '/v1/images/generations') return 'images';
  if (path === '/v1/images/edits') return 'image_edits';
  if (path === '/v1/audio/speech') return 'speech';
  if (STABILITY_PATH.test(path)) return 'stability';
  return null;
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses multipart/form-data with the platform's fetch implementation; undefined for other bodies. */
async function parseMultipart(
  contentType: string | undefined,
  raw: Buffer,
  origin: string,
): Promise<Record<string, string | RecordedFile> | undefined> {
  if (!contentType?.startsWith('multipart/form-data')) return undefined;
  try {
    const request = new Request(origin, { method: 'POST', headers: { 'content-type': contentType }, body: raw });
    const form = await request.formData();
    const fields: Record<string, string | RecordedFile> = {};
    for (const [name, value] of form.entries()) {
      fields[name] = typeof value === 'string' ? value : { filename: value.name, type: value.type, size: value.size };
    }
    return fields;
  } catch {
    return undefined;
  }
}

function messageText(message: OpenAI.Chat.ChatCompletionMessageParam): string {
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part: unknown) => (part && typeof part === 'object' && 'text' in part ? String(part.text) : ''))
    .join('\n');
}

function lastUserText(messages: OpenAI.Chat.ChatCompletionMessageParam[]): string {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  return last ? messageText(last) : '';
}

function malformedContent(variant: MalformedVariant): string {
  return variant === 'invalid_json'
    ? '{"result": "this JSON document never ends'
    : JSON.stringify({ unexpected: 'this document ignores the requested schema' });
}

function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

function gptImageQuality(quality: string | null | undefined): 'low' | 'medium' | 'high' {
  return quality === 'low' || quality === 'high' ? quality : 'medium';
}

function parseImageSize(size: string | null | undefined): { width: number; height: number } | undefined {
  const requested = size === undefined || size === null || size === 'auto' ? DEFAULT_IMAGE_SIZE : size;
  const match = /^(\d{2,4})x(\d{2,4})$/.exec(requested);
  if (!match) return undefined;
  const width = Number(match[1]);
  const height = Number(match[2]);
  return width >= 16 && height >= 16 && width <= 4096 && height <= 4096 ? { width, height } : undefined;
}

// -----------------------------------------------------------------------------------------------
// Images

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

function colourFor(text: string): { r: number; g: number; b: number } {
  const [r, g, b] = digest(text);
  return { r, g, b };
}

async function renderImage(
  size: { width: number; height: number },
  colour: { r: number; g: number; b: number },
  format: ImageFormat,
  transparent: boolean,
): Promise<Buffer> {
  const image = sharp({
    create: {
      width: size.width,
      height: size.height,
      channels: 4,
      background: { ...colour, alpha: transparent ? 0 : 1 },
    },
  });
  if (format === 'jpeg') return image.jpeg({ quality: 80 }).toBuffer();
  if (format === 'webp') return image.webp({ quality: 80 }).toBuffer();
  return image.png().toBuffer();
}

// -----------------------------------------------------------------------------------------------
// JSON schema sampling: produce a document that satisfies the schema a chat request asks for.

interface SampleContext {
  root: JsonObject;
  depth: number;
  /** Index of the nearest enclosing array item; varies strings, enums and numbers across items. */
  index: number;
  /** Name of the property being generated, used as the stem of generated strings. */
  name: string;
}

const MAX_SAMPLE_DEPTH = 12;
const DEFAULT_ARRAY_LENGTH = 3;

/**
 * A deterministic document satisfying `schema`: every property present, arrays of
 * max(minItems, min(maxItems, 3)) items, enums cycling with the array index, strings `<property> <n>`.
 * Covers the JSON schema subset structured outputs accept ($ref/$defs, anyOf, enum, const, bounds, formats).
 */
export function sampleFromJsonSchema(schema: object): unknown {
  return sampleValue(schema, { root: schema as JsonObject, depth: 0, index: 0, name: 'value' });
}

function sampleValue(schema: unknown, ctx: SampleContext): unknown {
  if (schema === true || schema === undefined) return sampleString({}, ctx);
  if (!schema || typeof schema !== 'object') throw new Error(`Cannot sample schema ${JSON.stringify(schema)}`);
  const s = schema as JsonObject;
  if (ctx.depth > MAX_SAMPLE_DEPTH * 2) throw new Error('Schema recursion too deep to sample');

  if (typeof s.$ref === 'string') {
    const { $ref, ...siblings } = s;
    const target = resolvePointer(ctx.root, $ref);
    const next = hasAssertions(siblings) ? { allOf: [target, siblings] } : target;
    return sampleValue(next, { ...ctx, depth: ctx.depth + 1 });
  }
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum)) return s.enum[ctx.index % s.enum.length];
  if (Array.isArray(s.allOf)) return sampleValue(mergeAllOf(s, ctx.root), ctx);
  const choices = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(choices) && choices.length > 0) {
    const preferNull = ctx.depth >= MAX_SAMPLE_DEPTH;
    const pick = choices.find((choice) => isNullSchema(choice) === preferNull) ?? choices[0];
    return sampleValue(pick, ctx);
  }

  switch (schemaType(s, ctx.depth >= MAX_SAMPLE_DEPTH)) {
    case 'object':
      return sampleObject(s, ctx);
    case 'array':
      return sampleArray(s, ctx);
    case 'integer':
      return sampleNumber(s, ctx, true);
    case 'number':
      return sampleNumber(s, ctx, false);
    case 'boolean':
      return ctx.index % 2 === 0;
    case 'null':
      return null;
    default:
      return sampleString(s, ctx);
  }
}

const ANNOTATIONS = new Set(['title', 'description', 'default', 'examples', 'deprecated', '$comment']);

function hasAssertions(schema: JsonObject): boolean {
  return Object.keys(schema).some((key) => !ANNOTATIONS.has(key));
}

function resolvePointer(root: JsonObject, ref: string): unknown {
  if (!ref.startsWith('#')) throw new Error(`Only local $ref can be sampled, got ${ref}`);
  return ref
    .slice(1)
    .split('/')
    .filter(Boolean)
    .map((token) => decodeURIComponent(token).replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, token) => {
      if (!node || typeof node !== 'object' || !(token in node)) throw new Error(`Unresolvable $ref ${ref}`);
      return (node as JsonObject)[token];
    }, root);
}

function mergeAllOf(schema: JsonObject, root: JsonObject): JsonObject {
  const { allOf, ...rest } = schema;
  const merged: JsonObject = { ...rest };
  for (const branch of allOf as unknown[]) {
    let part = branch as JsonObject;
    while (typeof part?.$ref === 'string') part = resolvePointer(root, part.$ref) as JsonObject;
    if (!part || typeof part !== 'object') continue;
    const nested = Array.isArray(part.allOf) ? mergeAllOf(part, root) : part;
    for (const [key, value] of Object.entries(nested)) {
      if (key === 'properties') {
        merged.properties = { ...(merged.properties as JsonObject | undefined), ...(value as JsonObject) };
      } else if (key === 'required') {
        merged.required = [...new Set([...((merged.required as string[] | undefined) ?? []), ...(value as string[])])];
      } else {
        merged[key] ??= value;
      }
    }
  }
  return merged;
}

function isNullSchema(schema: unknown): boolean {
  return !!schema && typeof schema === 'object' && (schema as JsonObject).type === 'null';
}

function schemaType(s: JsonObject, preferNull: boolean): string {
  if (Array.isArray(s.type)) {
    const types = s.type as string[];
    if (preferNull && types.includes('null')) return 'null';
    return types.find((type) => type !== 'null') ?? 'null';
  }
  if (typeof s.type === 'string') return s.type;
  if ('properties' in s || 'required' in s || 'additionalProperties' in s) return 'object';
  if ('items' in s || 'prefixItems' in s) return 'array';
  if ('minimum' in s || 'maximum' in s || 'exclusiveMinimum' in s || 'exclusiveMaximum' in s) return 'number';
  return 'string';
}

function sampleObject(s: JsonObject, ctx: SampleContext): JsonObject {
  const properties = (s.properties ?? {}) as JsonObject;
  const required = new Set((s.required as string[] | undefined) ?? []);
  const out: JsonObject = {};
  for (const [key, subschema] of Object.entries(properties)) {
    // Past the depth limit only required properties are generated, so recursive schemas terminate.
    if (!required.has(key) && ctx.depth >= MAX_SAMPLE_DEPTH) continue;
    out[key] = sampleValue(subschema, { ...ctx, depth: ctx.depth + 1, name: key });
  }
  for (const key of required) {
    if (!(key in out)) {
      const extra =
        s.additionalProperties === undefined || s.additionalProperties === false ? true : s.additionalProperties;
      out[key] = sampleValue(extra, { ...ctx, depth: ctx.depth + 1, name: key });
    }
  }
  return out;
}

function sampleArray(s: JsonObject, ctx: SampleContext): unknown[] {
  const prefix = Array.isArray(s.prefixItems) ? (s.prefixItems as unknown[]) : [];
  const minItems = typeof s.minItems === 'number' ? s.minItems : 0;
  const maxItems = typeof s.maxItems === 'number' ? s.maxItems : undefined;
  let count = Math.max(minItems, Math.min(maxItems ?? DEFAULT_ARRAY_LENGTH, DEFAULT_ARRAY_LENGTH));
  if (ctx.depth >= MAX_SAMPLE_DEPTH) count = minItems;
  if (s.items === false) count = Math.max(minItems, Math.min(count, prefix.length));
  const items: unknown[] = [];
  for (let index = 0; index < count; index++) {
    const itemSchema = index < prefix.length ? prefix[index] : s.items;
    items.push(sampleValue(itemSchema, { ...ctx, depth: ctx.depth + 1, index }));
  }
  return items;
}

function sampleNumber(s: JsonObject, ctx: SampleContext, integer: boolean): number {
  const num = (key: string): number | undefined => (typeof s[key] === 'number' ? s[key] : undefined);
  const minimum = num('minimum');
  const maximum = num('maximum');
  const exclusiveMinimum = num('exclusiveMinimum');
  const exclusiveMaximum = num('exclusiveMaximum');
  const multipleOf = num('multipleOf');

  let value = ctx.index + 1;
  if (minimum !== undefined && value < minimum) value = minimum;
  if (exclusiveMinimum !== undefined && value <= exclusiveMinimum) {
    value = integer ? Math.floor(exclusiveMinimum) + 1 : exclusiveMinimum + 1;
  }
  if (maximum !== undefined && value > maximum) value = maximum;
  if (exclusiveMaximum !== undefined && value >= exclusiveMaximum) {
    const lower = minimum ?? exclusiveMinimum ?? exclusiveMaximum - 2;
    value = integer ? Math.ceil(exclusiveMaximum) - 1 : (lower + exclusiveMaximum) / 2;
  }
  if (integer) value = Math.ceil(value);
  if (multipleOf !== undefined && multipleOf > 0) {
    value = Math.ceil(value / multipleOf) * multipleOf;
    const upper = maximum ?? exclusiveMaximum;
    if (upper !== undefined && value > upper) value = Math.floor(upper / multipleOf) * multipleOf;
  }
  return value;
}

function sampleString(s: JsonObject, ctx: SampleContext): string {
  const n = ctx.index + 1;
  const hash = digest(`${ctx.name}#${n}`).toString('hex');
  let value: string;
  switch (s.format) {
    case 'date-time':
      value = new Date(Date.UTC(2026, 0, n)).toISOString();
      break;
    case 'date':
      value = new Date(Date.UTC(2026, 0, n)).toISOString().slice(0, 10);
      break;
    case 'time':
      value = '12:00:00Z';
      break;
    case 'email':
      value = `user${n}@example.com`;
      break;
    case 'uri':
    case 'url':
    case 'iri':
      value = `https://example.com/${encodeURIComponent(ctx.name)}/${n}`;
      break;
    case 'uuid':
      value = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-4${hash.slice(13, 16)}-8${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
      break;
    case 'hostname':
      value = 'example.com';
      break;
    case 'ipv4':
      value = '192.0.2.1';
      break;
    default:
      value = `${ctx.name} ${n}`;
  }
  const minLength = typeof s.minLength === 'number' ? s.minLength : 0;
  while (value.length < minLength) value += ' lorem ipsum';
  if (typeof s.maxLength === 'number') value = value.slice(0, s.maxLength);
  return value;
}
