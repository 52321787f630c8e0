import OpenAI, {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
  toFile,
} from 'openai';
import sharp from 'sharp';
import {
  estimateTokens,
  imageOutputTokens,
  sampleFromJsonSchema,
  startFakeProvider,
  type FakeProvider,
} from './fake-provider';
import { fakeSpeechDuration } from './fake-speech';
import {
  assertMatchesOpenAiSchema,
  OpenAiSchemaError,
  validateAgainstJsonSchema,
  validateAgainstOpenAiSchema,
} from './openai-schema';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function ideasSchema(count: number) {
  return {
    type: 'object',
    properties: {
      ideas: {
        type: 'array',
        minItems: count,
        maxItems: count,
        items: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 3 },
            angle: { type: 'string', enum: ['funny', 'serious', 'bold'] },
            score: { type: 'integer', minimum: 1, maximum: 10 },
            evergreen: { type: 'boolean' },
          },
          required: ['title', 'angle', 'score', 'evergreen'],
          additionalProperties: false,
        },
      },
    },
    required: ['ideas'],
    additionalProperties: false,
  };
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('Expected the promise to reject');
}

describe('OpenAI schema validator', () => {
  const validChatRequest = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hello' }] };

  it('accepts a valid chat request', () => {
    expect(() => assertMatchesOpenAiSchema('CreateChatCompletionRequest', validChatRequest)).not.toThrow();
  });

  it('rejects a chat request without messages, listing the violation', () => {
    const error = (() => {
      try {
        assertMatchesOpenAiSchema('CreateChatCompletionRequest', { model: 'gpt-4o-mini' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OpenAiSchemaError);
    expect((error as OpenAiSchemaError).violations).toEqual([expect.stringContaining("required property 'messages'")]);
    expect((error as Error).message).toContain('CreateChatCompletionRequest');
  });

  it.each([
    ['an empty messages array', { model: 'gpt-4o-mini', messages: [] }],
    ['an unknown message role', { model: 'gpt-4o-mini', messages: [{ role: 'wizard', content: 'x' }] }],
    [
      'a json_schema response_format without its schema block',
      { ...validChatRequest, response_format: { type: 'json_schema' } },
    ],
    ['a temperature above 2', { ...validChatRequest, temperature: 3 }],
  ])('rejects a chat request with %s', (_label, body) => {
    expect(validateAgainstOpenAiSchema('CreateChatCompletionRequest', body)).not.toEqual([]);
  });

  it('rejects an images response without created', () => {
    expect(() => assertMatchesOpenAiSchema('ImagesResponse', { data: [{ b64_json: 'AAAA' }] })).toThrow(
      /required property 'created'/,
    );
  });

  it('rejects invalid image requests and accepts nullable fields as OpenAPI intends', () => {
    expect(validateAgainstOpenAiSchema('CreateImageRequest', { size: '1024x1024' })).not.toEqual([]);
    expect(validateAgainstOpenAiSchema('CreateImageRequest', { prompt: 'x', n: 11 })).not.toEqual([]);
    expect(validateAgainstOpenAiSchema('CreateImageRequest', { prompt: 'x', quality: 'ultra' })).not.toEqual([]);
    const nullable = { prompt: 'x', quality: null, n: null, size: '256x256' };
    expect(validateAgainstOpenAiSchema('CreateImageRequest', nullable)).toEqual([]);
  });

  it('rejects chat responses and error bodies missing required fields', () => {
    const withoutChoices = { id: 'x', object: 'chat.completion', created: 1, model: 'm' };
    expect(validateAgainstOpenAiSchema('CreateChatCompletionResponse', withoutChoices)).not.toEqual([]);
    expect(
      validateAgainstOpenAiSchema('CreateChatCompletionResponse', {
        id: 'x',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: 'hi' } }],
      }),
    ).toEqual([expect.stringContaining("required property 'refusal'")]);
    expect(validateAgainstOpenAiSchema('ErrorResponse', { error: { message: 'x', type: 'y' } })).not.toEqual([]);
  });

  it('refuses schema names that are not in the fixture', () => {
    expect(() => validateAgainstOpenAiSchema('NoSuchSchema', {})).toThrow(/Unknown OpenAI schema/);
  });
});

describe('sampleFromJsonSchema', () => {
  it.each([
    ['exact item counts', ideasSchema(4)],
    [
      '$defs, $ref and nullable anyOf',
      {
        type: 'object',
        $defs: {
          tag: { type: 'object', properties: { label: { type: 'string', maxLength: 5 } }, required: ['label'] },
        },
        properties: {
          tags: { type: 'array', items: { $ref: '#/$defs/tag' }, minItems: 2 },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
          ratio: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
          steps: { type: 'integer', minimum: 10, multipleOf: 5 },
          kind: { const: 'plan' },
        },
        required: ['tags', 'note', 'ratio', 'steps', 'kind'],
        additionalProperties: false,
      },
    ],
    [
      'formats and nullable types',
      {
        type: 'object',
        properties: {
          at: { type: 'string', format: 'date-time' },
          link: { type: 'string', format: 'uri' },
          id: { type: 'string', format: 'uuid' },
          maybe: { type: ['integer', 'null'] },
        },
        required: ['at', 'link', 'id', 'maybe'],
      },
    ],
    [
      'recursive schemas',
      {
        $ref: '#/$defs/node',
        $defs: {
          node: {
            type: 'object',
            properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } },
            required: ['name', 'children'],
          },
        },
      },
    ],
  ])('satisfies %s', (_label, schema) => {
    expect(validateAgainstJsonSchema(schema, sampleFromJsonSchema(schema))).toEqual([]);
  });
});

describe('fake provider', () => {
  let provider: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    provider = await startFakeProvider();
    client = new OpenAI({ apiKey: 'test', baseURL: provider.baseUrl, maxRetries: 0 });
  });

  afterEach(() => {
    try {
      provider.assertNoSchemaViolations();
    } finally {
      provider.reset();
    }
  });

  afterAll(async () => {
    await provider.close();
  });

  describe('chat completions', () => {
    it('answers a json_schema request with a document matching the schema, with the exact item count', async () => {
      const schema = ideasSchema(5);
      const messages: OpenAI.Chat.ChatCompletionMessageParam[] = [
        { role: 'system', content: 'You generate content ideas.' },
        { role: 'user', content: 'Five ideas about urban gardening' },
      ];
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages,
        response_format: { type: 'json_schema', json_schema: { name: 'ideas', schema, strict: true } },
      });

      const content = completion.choices[0].message.content ?? '';
      const parsed = JSON.parse(content) as { ideas: unknown[] };
      expect(validateAgainstJsonSchema(schema, parsed)).toEqual([]);
      expect(parsed.ideas).toHaveLength(5);
      assertMatchesOpenAiSchema('CreateChatCompletionResponse', completion);

      const promptTokens =
        estimateTokens('You generate content ideas.') + estimateTokens('Five ideas about urban gardening');
      expect(completion.usage).toMatchObject({
        prompt_tokens: promptTokens,
        completion_tokens: estimateTokens(content),
        total_tokens: promptTokens + estimateTokens(content),
      });
    });

    it('records the request, which is valid against CreateChatCompletionRequest', async () => {
      await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0.2,
      });

      expect(provider.requests).toHaveLength(1);
      const [request] = provider.requests;
      expect(request).toMatchObject({ method: 'POST', path: '/v1/chat/completions', route: 'chat' });
      expect(request.headers.authorization).toBe('Bearer test');
      expect(request.body).toMatchObject({ model: 'gpt-4o-mini', temperature: 0.2 });
      assertMatchesOpenAiSchema('CreateChatCompletionRequest', request.body);
    });

    it('echoes the last user message in a text answer', async () => {
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [
          { role: 'user', content: 'first question' },
          { role: 'assistant', content: 'first answer' },
          { role: 'user', content: [{ type: 'text', text: 'tell me about otters' }] },
        ],
        n: 2,
      });
      expect(completion.choices).toHaveLength(2);
      expect(completion.choices[0].message.content).toContain('tell me about otters');
    });

    it('answers with programmed content', async () => {
      provider.setChatReply((request) => (request.model === 'special' ? { verdict: 'programmed' } : undefined));

      const special = await client.chat.completions.create({
        model: 'special',
        messages: [{ role: 'user', content: 'x' }],
      });
      const regular = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'y' }],
      });

      expect(JSON.parse(special.choices[0].message.content ?? '')).toEqual({ verdict: 'programmed' });
      expect(regular.choices[0].message.content).toContain('y');
    });

    it('answers 400 to an invalid body and records the violation', async () => {
      const response = await fetch(`${provider.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { authorization: 'Bearer test', 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini' }),
      });
      const body = await response.json();

      expect(response.status).toBe(400);
      assertMatchesOpenAiSchema('ErrorResponse', body);
      expect(provider.schemaViolations).toEqual([
        expect.objectContaining({ direction: 'request', route: 'chat', schema: 'CreateChatCompletionRequest' }),
      ]);
      expect(() => provider.assertNoSchemaViolations()).toThrow(/messages/);
      provider.reset();
    });
  });

  describe('image generations', () => {
    it('answers b64_json PNGs of the requested size, with GPT image usage', async () => {
      const prompt = 'a red fox in the snow';
      const answer = await client.images.generate({
        model: 'gpt-image-1',
        prompt,
        size: '256x256',
        n: 2,
        quality: 'low',
      });

      assertMatchesOpenAiSchema('ImagesResponse', answer);
      expect(answer.data).toHaveLength(2);
      const bytes = Buffer.from(answer.data?.[0].b64_json ?? '', 'base64');
      expect(bytes.subarray(0, 8)).toEqual(PNG_SIGNATURE);
      expect(await sharp(bytes).metadata()).toMatchObject({ format: 'png', width: 256, height: 256 });

      const outputTokens = 2 * imageOutputTokens('256x256', 'low');
      expect(answer.usage).toEqual({
        input_tokens: estimateTokens(prompt),
        output_tokens: outputTokens,
        total_tokens: estimateTokens(prompt) + outputTokens,
        input_tokens_details: { text_tokens: estimateTokens(prompt), image_tokens: 0 },
        output_tokens_details: { image_tokens: outputTokens, text_tokens: 0 },
      });
      assertMatchesOpenAiSchema('CreateImageRequest', provider.requests[0].body);
    });

    it('defaults to a 1024x1024 image and reports the size for GPT image models', async () => {
      const answer = await client.images.generate({ model: 'gpt-image-1', prompt: 'default size' });
      const bytes = Buffer.from(answer.data?.[0].b64_json ?? '', 'base64');

      expect(await sharp(bytes).metadata()).toMatchObject({ width: 1024, height: 1024 });
      expect(answer).toMatchObject({ size: '1024x1024', quality: 'medium', output_format: 'png' });
      expect(answer.usage?.output_tokens).toBe(1056);
    });

    it('answers url entries served by the fake in url mode', async () => {
      provider.setImageResponseFormat('url');
      const answer = await client.images.generate({ model: 'dall-e-3', prompt: 'a lighthouse', size: '256x256' });

      const url = answer.data?.[0].url ?? '';
      expect(url).toMatch(new RegExp(`^${provider.origin}/files/.+\\.png$`));
      expect(answer.usage).toBeUndefined();
      const download = await fetch(url);
      expect(download.headers.get('content-type')).toBe('image/png');
      expect(await sharp(Buffer.from(await download.arrayBuffer())).metadata()).toMatchObject({
        width: 256,
        height: 256,
      });
    });

    it('points url entries at a configured base', async () => {
      provider.setImageResponseFormat('url');
      provider.setImageUrlBase('https://cdn.example.test/images/');
      const answer = await client.images.generate({ model: 'dall-e-2', prompt: 'a boat', size: '256x256' });

      expect(answer.data?.[0].url).toMatch(/^https:\/\/cdn\.example\.test\/images\/files\/.+\.png$/);
    });
  });

  describe('audio speech', () => {
    it('answers real audio of the requested format and of the duration fakeSpeechDuration gives', async () => {
      const magic: Record<string, (bytes: Buffer) => boolean> = {
        mp3: (bytes) => bytes.subarray(0, 3).toString('ascii') === 'ID3',
        wav: (bytes) => bytes.subarray(0, 4).toString('ascii') === 'RIFF',
        aac: (bytes) => bytes.readUInt16BE(0) === 0xfff1,
        opus: (bytes) => bytes.subarray(0, 4).toString('ascii') === 'OggS',
        flac: (bytes) => bytes.subarray(0, 4).toString('ascii') === 'fLaC',
        pcm: (bytes) => bytes.length === Math.round(fakeSpeechDuration('pcm', 'Hello there', 2) * 48_000),
      };
      for (const format of ['mp3', 'wav', 'aac', 'opus', 'flac', 'pcm'] as const) {
        const response = await client.audio.speech.create({
          model: 'tts-1',
          voice: 'alloy',
          input: 'Hello there',
          response_format: format,
          speed: 2,
        });
        const bytes = Buffer.from(await response.arrayBuffer());
        expect(magic[format](bytes)).toBe(true);
      }
      expect(provider.requestsTo('speech')).toHaveLength(6);
      expect(fakeSpeechDuration('mp3', 'Hello there', 2)).toBeLessThan(fakeSpeechDuration('mp3', 'Hello there'));
    });

    it('answers 400 to a body that breaks CreateSpeechRequest and records the violation', async () => {
      const error = await caught(
        client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'x'.repeat(4097) }),
      );
      expect(error).toBeInstanceOf(BadRequestError);
      expect(provider.schemaViolations).toEqual([
        expect.objectContaining({ direction: 'request', route: 'speech', schema: 'CreateSpeechRequest' }),
      ]);
      provider.reset();
    });

    it('refuses speech on a content-policy fault, whatever the stage', async () => {
      provider.enqueue({ kind: 'content_policy', stage: 'output', route: 'speech' });
      const error = await caught(client.audio.speech.create({ model: 'tts-1', voice: 'alloy', input: 'Hi' }));
      expect(error).toMatchObject({ status: 400, code: 'content_policy_violation' });
    });
  });

  describe('faults', () => {
    const chat = () =>
      client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    it('answers 429 with Retry-After', async () => {
      provider.enqueue({ kind: 'rate_limit', retryAfterSeconds: 7 });
      const error = await caught(chat());

      expect(error).toBeInstanceOf(RateLimitError);
      const rateLimit = error as RateLimitError;
      expect(rateLimit.status).toBe(429);
      expect(rateLimit.headers.get('retry-after')).toBe('7');
      expect(rateLimit.code).toBe('rate_limit_exceeded');
      assertMatchesOpenAiSchema('ErrorResponse', { error: rateLimit.error });
      expect(provider.requests[0].fault).toBe('rate_limit');
    });

    it('answers 500 with an OpenAI error body', async () => {
      provider.enqueue({ kind: 'server_error' });
      const error = await caught(chat());

      expect(error).toBeInstanceOf(InternalServerError);
      expect((error as APIError).status).toBe(500);
      expect((error as APIError).type).toBe('server_error');
    });

    it('answers a content policy violation', async () => {
      provider.enqueue({ kind: 'content_policy' });
      const error = await caught(
        client.images.generate({ model: 'gpt-image-1', prompt: 'forbidden', size: '256x256' }),
      );

      expect(error).toBeInstanceOf(BadRequestError);
      expect((error as APIError).code).toBe('content_policy_violation');
    });

    it('refuses an image edit as the GPT image models do: 400 moderation_blocked', async () => {
      provider.enqueue({ kind: 'content_policy', route: 'image_edits' });
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .png()
        .toBuffer();
      const error = await caught(
        client.images.edit({
          model: 'gpt-image-1',
          prompt: 'forbidden',
          image: await toFile(png, 'source.png', { type: 'image/png' }),
        }),
      );

      expect(error).toBeInstanceOf(BadRequestError);
      expect(error).toMatchObject({ code: 'moderation_blocked', type: 'image_generation_user_error' });
      assertMatchesOpenAiSchema('ErrorResponse', { error: (error as APIError).error });
    });

    it('filters a chat answer when the policy applies to the output', async () => {
      provider.enqueue({ kind: 'content_policy', stage: 'output' });
      const completion = await chat();

      expect(completion.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
    });

    it('answers chat content that is not JSON', async () => {
      provider.enqueue({ kind: 'malformed_json' });
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'ideas' }],
        response_format: { type: 'json_schema', json_schema: { name: 'ideas', schema: ideasSchema(2), strict: true } },
      });

      assertMatchesOpenAiSchema('CreateChatCompletionResponse', completion);
      expect(() => JSON.parse(completion.choices[0].message.content ?? '')).toThrow(SyntaxError);
    });

    it('answers chat JSON that ignores the requested schema', async () => {
      provider.enqueue({ kind: 'malformed_json', variant: 'schema_mismatch' });
      const schema = ideasSchema(2);
      const completion = await client.chat.completions.create({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'ideas' }],
        response_format: { type: 'json_schema', json_schema: { name: 'ideas', schema, strict: true } },
      });

      const parsed: unknown = JSON.parse(completion.choices[0].message.content ?? '');
      expect(validateAgainstJsonSchema(schema, parsed)).not.toEqual([]);
    });

    it('truncates an images body on malformed_json', async () => {
      provider.enqueue({ kind: 'malformed_json', route: 'images' });
      await expect(client.images.generate({ model: 'gpt-image-1', prompt: 'x', size: '256x256' })).rejects.toThrow();
    });

    it('delays an answer on latency', async () => {
      provider.enqueue({ kind: 'latency', ms: 150 });
      const started = Date.now();
      await chat();
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });

    it('never answers on hang, until the client gives up', async () => {
      provider.enqueue({ kind: 'hang' });
      const impatient = new OpenAI({ apiKey: 'test', baseURL: provider.baseUrl, maxRetries: 0, timeout: 200 });

      const started = Date.now();
      const error = await caught(
        impatient.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }),
      );

      // Plain Node gives APIConnectionTimeoutError (a subclass). Under Jest the abort DOMException comes from
      // another realm, fails the SDK's `instanceof Error` check, and surfaces as a plain connection error.
      expect(error).toBeInstanceOf(APIConnectionError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(190);
      expect(provider.requests[0].fault).toBe('hang');
    });

    it('applies faults one per request, in order, honouring their route', async () => {
      provider.enqueue({ kind: 'server_error', route: 'images' }, { kind: 'rate_limit', retryAfterSeconds: 1 });

      await expect(chat()).rejects.toBeInstanceOf(RateLimitError);
      await expect(client.images.generate({ prompt: 'x', size: '256x256' })).rejects.toBeInstanceOf(
        InternalServerError,
      );
      await expect(chat()).resolves.toMatchObject({ object: 'chat.completion' });
      expect(provider.pendingFaults).toEqual([]);
    });
  });

  describe('transport', () => {
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(`${provider.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });

    it('checks credentials before parsing the body, then refuses JSON it cannot parse', async () => {
      expect((await post('{not json')).status).toBe(401);
      const response = await post('{not json', { authorization: 'Bearer test' });
      expect(response.status).toBe(400);
      assertMatchesOpenAiSchema('ErrorResponse', await response.json());
    });

    it('answers 404 with an OpenAI error body on unknown routes', async () => {
      const response = await fetch(`${provider.baseUrl}/embeddings`, {
        method: 'POST',
        headers: { authorization: 'Bearer test' },
      });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ error: { message: 'Invalid URL (POST /v1/embeddings)' } });
    });
  });

  describe('authentication', () => {
    it('answers 401 without a bearer token', async () => {
      const response = await fetch(`${provider.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] }),
      });
      expect(response.status).toBe(401);
      assertMatchesOpenAiSchema('ErrorResponse', await response.json());
    });

    it('checks the key when one is configured', async () => {
      const strict = await startFakeProvider({ apiKey: 'sk-right' });
      try {
        const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: strict.baseUrl, maxRetries: 0 });
        const error = await caught(wrong.images.generate({ prompt: 'x' }));
        expect(error).toBeInstanceOf(AuthenticationError);
        expect((error as APIError).code).toBe('invalid_api_key');
        strict.assertNoSchemaViolations();
      } finally {
        await strict.close();
      }
    });
  });

  describe('Stability stable-image', () => {
    function form(fields: Record<string, string>): FormData {
      const body = new FormData();
      for (const [name, value] of Object.entries(fields)) body.append(name, value);
      return body;
    }

    it('answers raw image bytes with finish-reason and seed headers', async () => {
      const response = await fetch(`${provider.origin}/v2beta/stable-image/generate/core`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-stability', accept: 'image/*' },
        body: form({
          prompt: 'a castle',
          negative_prompt: 'fog',
          seed: '42',
          aspect_ratio: '16:9',
          output_format: 'png',
        }),
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('finish-reason')).toBe('SUCCESS');
      expect(response.headers.get('seed')).toBe('42');
      expect(response.headers.get('content-type')).toBe('image/png');
      const metadata = await sharp(Buffer.from(await response.arrayBuffer())).metadata();
      expect(metadata).toMatchObject({ format: 'png', width: 1344, height: 768 });
      expect(provider.requests[0]).toMatchObject({
        route: 'stability',
        fields: { prompt: 'a castle', negative_prompt: 'fog', seed: '42', aspect_ratio: '16:9', output_format: 'png' },
      });
    });

    it('answers base64 JSON with Accept: application/json', async () => {
      const response = await fetch(`${provider.origin}/v2beta/stable-image/generate/sd3`, {
        method: 'POST',
        headers: { authorization: 'Bearer sk-stability', accept: 'application/json' },
        body: form({ prompt: 'a meadow', output_format: 'webp' }),
      });
      const body = (await response.json()) as { image: string; finish_reason: string; seed: number };

      expect(body).toMatchObject({ finish_reason: 'SUCCESS', seed: expect.any(Number) });
      const metadata = await sharp(Buffer.from(body.image, 'base64')).metadata();
      expect(metadata).toMatchObject({ format: 'webp', width: 1024, height: 1024 });
    });

    it('rejects missing credentials, missing prompts and faults with Stability error bodies', async () => {
      const url = `${provider.origin}/v2beta/stable-image/generate/ultra`;
      const unauthorised = await fetch(url, { method: 'POST', body: form({ prompt: 'x' }) });
      expect(unauthorised.status).toBe(401);

      const noPrompt = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: form({ seed: '1' }),
      });
      expect(noPrompt.status).toBe(400);
      expect(await noPrompt.json()).toMatchObject({ name: 'bad_request', errors: [expect.stringContaining('prompt')] });

      provider.enqueue(
        { kind: 'content_policy', route: 'stability' },
        { kind: 'rate_limit', retryAfterSeconds: 3, route: 'stability' },
      );
      const moderated = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: form({ prompt: 'x' }),
      });
      expect(moderated.status).toBe(403);
      expect(await moderated.json()).toMatchObject({ name: 'content_moderation' });
      const limited = await fetch(url, {
        method: 'POST',
        headers: { authorization: 'Bearer k' },
        body: form({ prompt: 'x' }),
      });
      expect(limited.status).toBe(429);
      expect(limited.headers.get('retry-after')).toBe('3');
    });

    it('answers a filtered image when the policy applies to the output', async () => {
      provider.enqueue({ kind: 'content_policy', stage: 'output' });
      const response = await fetch(`${provider.origin}/v2beta/stable-image/generate/core`, {
        method: 'POST',
        headers: { authorization: 'Bearer k', accept: 'image/*' },
        body: form({ prompt: 'x' }),
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('finish-reason')).toBe('CONTENT_FILTERED');
    });

    it('moderates the studio routes too: a refused edit, a filtered upscale and a filtered creative result', async () => {
      const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
        .png()
        .toBuffer();
      const studio = (route: string) => {
        const body = new FormData();
        body.append('image', new Blob([png], { type: 'image/png' }), 'source.png');
        body.append('prompt', 'x');
        return fetch(`${provider.origin}/v2beta/stable-image/${route}`, {
          method: 'POST',
          headers: { authorization: 'Bearer k', accept: 'image/*' },
          body,
        });
      };
      provider.enqueue(
        { kind: 'content_policy', route: 'stability' },
        { kind: 'content_policy', stage: 'output', route: 'stability' },
        { kind: 'content_policy', stage: 'output', route: 'stability' },
      );
      const refused = await studio('edit/erase');
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({ name: 'content_moderation' });
      const upscaled = await studio('upscale/fast');
      expect(upscaled.headers.get('finish-reason')).toBe('CONTENT_FILTERED');
      const { id } = (await (await studio('upscale/creative')).json()) as { id: string };
      const result = await fetch(`${provider.origin}/v2beta/results/${id}`, {
        headers: { authorization: 'Bearer k', accept: 'image/*' },
      });
      expect(result.status).toBe(200);
      expect(result.headers.get('finish-reason')).toBe('CONTENT_FILTERED');
    });
  });
});
