import type OpenAI from 'openai';
import { ContentCreationService } from '../src/content-creation/content-creation.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, templateBody } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { RecordedExchange, RecordingProxy, startRecordingProxy } from './support/fake-provider-ext';
import { assertMatchesOpenAiSchema } from './support/openai-schema';

const DEFAULT_BLOG_INTRO_ID = 'c0ffee00-7e4d-4a7e-9000-000000000001';
const DEFAULT_PRODUCT_PHOTO_ID = 'c0ffee00-7e4d-4a7e-9000-000000000008';
// Test prices big enough that a handful of tokens gives a visible, exactly representable cost.
const PRICE = { inputPerMillion: 1000, outputPerMillion: 3000 };

type ChatBody = OpenAI.Chat.ChatCompletionCreateParamsNonStreaming;
type ChatAnswer = OpenAI.Chat.ChatCompletion;

describe('content creation', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let proxy: RecordingProxy;
  let secondFake: FakeProvider;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-primary' });
    secondFake = await startFakeProvider({ apiKey: 'sk-secondary' });
    proxy = await startRecordingProxy(fake.origin);
    t = await createTestApp({
      TEXT_PROVIDERS: JSON.stringify([
        {
          name: 'primary',
          baseUrl: proxy.baseUrl,
          apiKey: 'sk-primary',
          organization: 'org-test',
          models: ['fake-gpt-*'],
          maxRetries: 2,
        },
        { name: 'strict', baseUrl: proxy.baseUrl, apiKey: 'sk-primary', models: ['strict-*'], maxRetries: 1 },
        {
          name: 'impatient',
          baseUrl: fake.baseUrl,
          apiKey: 'sk-primary',
          models: ['slow-*'],
          maxRetries: 0,
          timeoutMs: 1000,
        },
        { name: 'secondary', baseUrl: secondFake.baseUrl, apiKey: 'sk-secondary', models: ['claude-*'] },
      ]),
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
      PROVIDER_PRICING: JSON.stringify({ text: { 'fake-gpt-*': PRICE, 'strict-*': PRICE } }),
    });
  });

  afterAll(async () => {
    await t?.close();
    await proxy?.close();
    await fake?.close();
    await secondFake?.close();
  });

  afterEach(() => {
    // A test that leaves a fault queued would leak it into the next one.
    expect(fake.pendingFaults).toEqual([]);
  });

  /** Exchanges recorded by the proxy during `action`. */
  async function recording<T>(action: () => Promise<T>): Promise<{ result: T; exchanges: RecordedExchange[] }> {
    const before = proxy.exchanges.length;
    const result = await action();
    return { result, exchanges: proxy.exchanges.slice(before) };
  }

  const post = (path: string, userId: string, body: Record<string, unknown>) =>
    t.http.post(`${BASE}${path}`).set(bearer(userId)).send(body);
  const countAssets = (userId: string) => t.prisma.creativeAsset.count({ where: { userId } });
  const expectedCost = (answers: ChatAnswer[]) =>
    answers.reduce(
      (sum, answer) =>
        sum +
        answer.usage!.prompt_tokens * PRICE.inputPerMillion +
        answer.usage!.completion_tokens * PRICE.outputPerMillion,
      0,
    ) / 1_000_000;

  describe('POST /content/generate', () => {
    it('generates with the content type’s instructions and options, and saves a text asset with usage and exact cost', async () => {
      const user = newUserId();
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', user, {
          prompt: 'Announce our autumn oat latte',
          contentType: 'social_post',
          tone: 'playful',
          length: 'short',
          audience: 'students',
          language: 'French',
          temperature: 0.7,
          maxTokens: 300,
          tags: ['Autumn'],
          category: 'social',
        }).expect(201),
      );
      expect(exchanges).toHaveLength(1);
      const sent = exchanges[0].requestBody as ChatBody;
      const answer = exchanges[0].responseBody as ChatAnswer;
      expect(sent).toMatchObject({ model: 'fake-gpt-mini', temperature: 0.7, max_completion_tokens: 300 });
      expect(sent.response_format).toBeUndefined();
      const system = sent.messages[0].content as string;
      expect(system).toContain('social media post');
      expect(system).toContain('Tone: playful.');
      expect(system).toContain('Audience: students.');
      expect(system).toContain('French');
      expect(system).toContain('about 50 to 150 words');
      expect(sent.messages[1]).toEqual({ role: 'user', content: 'Announce our autumn oat latte' });

      const cost = expectedCost([answer]);
      expect(cost).toBeGreaterThan(0);
      expect(res.body).toEqual({
        success: true,
        content: answer.choices[0].message.content,
        contentType: 'social_post',
        provider: 'primary',
        model: 'fake-gpt-mini',
        usage: {
          inputTokens: answer.usage!.prompt_tokens,
          outputTokens: answer.usage!.completion_tokens,
          totalTokens: answer.usage!.total_tokens,
        },
        cost,
        generationTimeMs: expect.any(Number),
        assetId: expect.any(String),
      });

      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset).toMatchObject({
        userId: user,
        type: 'text',
        sourceModule: 'content_creation',
        content: res.body.content,
        prompt: 'Announce our autumn oat latte',
        provider: 'primary',
        model: 'fake-gpt-mini',
        title: 'Announce our autumn oat latte',
        tags: ['autumn'],
        category: 'social',
        generationTimeMs: res.body.generationTimeMs,
      });
      expect(Number(asset.cost)).toBe(cost);
      expect(asset.metadata).toMatchObject({ operation: 'generate', attempts: 1, usage: res.body.usage });
      expect(asset.parameters).toMatchObject({
        contentType: 'social_post',
        tone: 'playful',
        length: 'short',
        temperature: 0.7,
      });
    });

    it('takes the content type as `type` (the documented field), `contentType` being its older name', async () => {
      const user = newUserId();
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', user, { type: 'blog_post', prompt: 'Brewing at home' }).expect(201),
      );
      expect((exchanges[0].requestBody as ChatBody).messages[0].content).toContain('blog post');
      expect(res.body.contentType).toBe('blog_post');
      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset.parameters).toMatchObject({ contentType: 'blog_post' });

      const both = await post('/content/generate', user, {
        type: 'email',
        contentType: 'email',
        prompt: 'Hello',
        save: false,
      }).expect(201);
      expect(both.body.contentType).toBe('email');
      const { result: differ, exchanges: none } = await recording(() =>
        post('/content/generate', user, { type: 'email', contentType: 'blog_post', prompt: 'Hello' }).expect(400),
      );
      expect(differ.body).toMatchObject({
        success: false,
        statusCode: 400,
        error: 'VALIDATION_FAILED',
        details: [{ field: 'type', problems: [expect.any(String)] }],
      });
      expect(none).toHaveLength(0);
    });

    it('ContentCreationService.generateContent(userId, type, prompt, options) is the documented host-app call', async () => {
      const service = t.app.get(ContentCreationService);
      const { result, exchanges } = await recording(() =>
        service.generateContent(newUserId(), 'email', 'Welcome new members', { save: false, tone: 'warm' }),
      );
      expect(result).toMatchObject({ success: true, contentType: 'email', assetId: null });
      expect((exchanges[0].requestBody as ChatBody).messages[0].content).toContain('Tone: warm.');
      expect((exchanges[0].requestBody as ChatBody).messages[1]).toEqual({
        role: 'user',
        content: 'Welcome new members',
      });
      await expect(
        service.generateContent(newUserId(), { type: 'email', contentType: 'blog_post', prompt: 'x' }),
      ).rejects.toThrow('disagree');
      await expect(service.generateContent(newUserId(), 'poem' as never, 'x')).rejects.toThrow('type must be one of');
    });

    it('does not send temperature or a token limit unless asked, and uses TEXT_DEFAULT_MODEL', async () => {
      const { exchanges } = await recording(() =>
        post('/content/generate', newUserId(), { prompt: 'Hello' }).expect(201),
      );
      const sent = exchanges[0].requestBody as ChatBody;
      expect(sent.model).toBe('fake-gpt-mini');
      expect(sent).not.toHaveProperty('temperature');
      expect(sent).not.toHaveProperty('max_completion_tokens');
    });

    it('with save: false returns the content and saves nothing', async () => {
      const user = newUserId();
      const res = await post('/content/generate', user, { prompt: 'Hello', save: false }).expect(201);
      expect(res.body.assetId).toBeNull();
      expect(res.body.content).toContain('Hello');
      expect(await countAssets(user)).toBe(0);
    });

    it.each([
      [{}, 'prompt'],
      [{ prompt: '   ' }, 'prompt'],
      [{ prompt: 'x'.repeat(8001) }, 'prompt'],
      [{ prompt: 'x', contentType: 'poem-ish' }, 'contentType'],
      [{ prompt: 'x', type: 'poem-ish' }, 'type'],
      [{ prompt: 'x', type: 'blog_post', contentType: 'email' }, 'type'],
      [{ prompt: 'x', length: 'epic' }, 'length'],
      [{ prompt: 'x', temperature: 2.5 }, 'temperature'],
      [{ prompt: 'x', maxTokens: 0 }, 'maxTokens'],
      [{ prompt: 'x', save: 'no' }, 'save'],
      [{ prompt: 'x', tone: 'y'.repeat(61) }, 'tone'],
      [{ prompt: 'x', userId: 'someone-else' }, 'userId'],
    ])('refuses %j with a 400 naming the field', async (body, field) => {
      const res = await post('/content/generate', newUserId(), body).expect(400);
      expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
      expect(res.body.message).toContain(field);
    });

    it('refuses a model no endpoint serves and an unknown provider with a 400', async () => {
      const unrouted = await post('/content/generate', newUserId(), { prompt: 'x', model: 'llama-3' }).expect(400);
      expect(unrouted.body.message).toContain('No configured text provider serves model "llama-3"');
      const unknown = await post('/content/generate', newUserId(), { prompt: 'x', provider: 'nope' }).expect(400);
      expect(unknown.body.message).toContain('Unknown text provider "nope"');
    });
  });

  describe('per-model routing', () => {
    it('sends each model to its endpoint with that endpoint’s key and organisation', async () => {
      const before = secondFake.requests.length;
      const res = await post('/content/generate', newUserId(), { prompt: 'Bonjour', model: 'claude-test-1' }).expect(
        201,
      );
      expect(res.body).toMatchObject({ provider: 'secondary', model: 'claude-test-1', cost: null });
      const received = secondFake.requests.slice(before);
      expect(received).toHaveLength(1);
      expect(received[0].headers.authorization).toBe('Bearer sk-secondary');

      const { exchanges } = await recording(() => post('/content/generate', newUserId(), { prompt: 'Hi' }).expect(201));
      expect(exchanges).toHaveLength(1);
      const primary = fake.requests[fake.requests.length - 1];
      expect(primary.headers.authorization).toBe('Bearer sk-primary');
      expect(primary.headers['openai-organization']).toBe('org-test');
    });

    it('an explicit provider overrides routing by model', async () => {
      const res = await post('/content/generate', newUserId(), {
        prompt: 'x',
        model: 'claude-test-1',
        provider: 'primary',
      }).expect(201);
      expect(res.body.provider).toBe('primary');
    });
  });

  describe('POST /content/improve', () => {
    it('asks for a strict JSON schema and returns { improved, suggestions }, saved as a text asset', async () => {
      const user = newUserId();
      const { result: res, exchanges } = await recording(() =>
        post('/content/improve', user, {
          original: 'Our product are good.',
          goal: 'more persuasive',
          tone: 'confident',
        }).expect(201),
      );
      const sent = exchanges[0].requestBody as ChatBody;
      expect(sent.response_format).toMatchObject({
        type: 'json_schema',
        json_schema: { name: 'improved_content', strict: true },
      });
      expect(sent.messages[0].content).toContain('more persuasive');
      expect(sent.messages[1]).toEqual({ role: 'user', content: 'Our product are good.' });
      const answer = JSON.parse((exchanges[0].responseBody as ChatAnswer).choices[0].message.content!);
      expect(res.body).toMatchObject({
        success: true,
        improved: answer.improved,
        suggestions: answer.suggestions,
        provider: 'primary',
      });
      expect(res.body.suggestions.length).toBeGreaterThanOrEqual(1);
      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset).toMatchObject({
        content: answer.improved,
        sourceModule: 'content_creation',
        prompt: 'Our product are good.',
      });
      expect(asset.metadata).toMatchObject({ operation: 'improve', suggestions: answer.suggestions });
    });

    it('refuses a missing or oversized original', async () => {
      await post('/content/improve', newUserId(), {}).expect(400);
      const res = await post('/content/improve', newUserId(), { original: 'x'.repeat(20_001) }).expect(400);
      expect(res.body.message).toContain('original');
    });
  });

  describe('POST /content/ideas', () => {
    it.each([1, 7, 50])('returns exactly %i ideas, asked for with minItems = maxItems = count', async (count) => {
      const { result: res, exchanges } = await recording(() =>
        post('/content/ideas', newUserId(), { topic: 'Coffee blog', count, contentType: 'blog_post' }).expect(201),
      );
      const schema = (exchanges[0].requestBody as ChatBody).response_format as OpenAI.ResponseFormatJSONSchema;
      expect((schema.json_schema.schema as { properties: { ideas: object } }).properties.ideas).toMatchObject({
        minItems: count,
        maxItems: count,
      });
      expect(res.body.ideas).toHaveLength(count);
      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset.metadata).toMatchObject({ operation: 'ideas', ideas: res.body.ideas });
      expect(asset.content).toBe(
        res.body.ideas.map((idea: string, index: number) => `${index + 1}. ${idea}`).join('\n'),
      );
    });

    it('takes `type` as well as `contentType` for what the ideas are for; both different is a 400', async () => {
      const { result: res, exchanges } = await recording(() =>
        post('/content/ideas', newUserId(), { topic: 'Tea shop', count: 2, type: 'social_post' }).expect(201),
      );
      expect((exchanges[0].requestBody as ChatBody).messages[0].content).toContain('social post');
      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset.parameters).toMatchObject({ contentType: 'social_post' });
      const differ = await post('/content/ideas', newUserId(), {
        topic: 'Tea shop',
        type: 'social_post',
        contentType: 'email',
      }).expect(400);
      expect(differ.body.details).toEqual([{ field: 'type', problems: [expect.any(String)] }]);
    });

    it.each([0, 51, 2.5, 'many'])('refuses count %j', async (count) => {
      const res = await post('/content/ideas', newUserId(), { topic: 'x', count }).expect(400);
      expect(res.body.message).toContain('count');
    });

    it('retries a wrong-sized answer once, bills both attempts, and succeeds', async () => {
      const user = newUserId();
      let calls = 0;
      fake.setChatReply(() => (++calls === 1 ? { ideas: ['only one'] } : undefined));
      try {
        const { result: res, exchanges } = await recording(() =>
          post('/content/ideas', user, { topic: 'Tea', count: 3 }).expect(201),
        );
        expect(exchanges).toHaveLength(2);
        expect(res.body.ideas).toHaveLength(3);
        const answers = exchanges.map((exchange) => exchange.responseBody as ChatAnswer);
        expect(res.body.cost).toBe(expectedCost(answers));
        expect(res.body.usage.inputTokens).toBe(answers[0].usage!.prompt_tokens + answers[1].usage!.prompt_tokens);
        const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
        expect(asset.metadata).toMatchObject({ attempts: 2 });
      } finally {
        fake.setChatReply(null);
      }
    });
  });

  describe('provider failures', () => {
    it('429 then success: retried after Retry-After, and succeeds', async () => {
      fake.enqueue({ kind: 'rate_limit', retryAfterSeconds: 1 });
      const started = Date.now();
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', newUserId(), { prompt: 'Busy' }).expect(201),
      );
      // The SDK's own backoff for a first retry is at most 0.5 s: waiting 1 s shows Retry-After was honoured.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(exchanges.map((exchange) => exchange.status)).toEqual([429, 200]);
      expect(res.body.content).toContain('Busy');
    });

    it('500 twice then success: succeeds within a retry limit of 2', async () => {
      fake.enqueue({ kind: 'server_error' }, { kind: 'server_error' });
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', newUserId(), { prompt: 'Flaky' }).expect(201),
      );
      expect(exchanges.map((exchange) => exchange.status)).toEqual([500, 500, 200]);
      expect(res.body.cost).toBe(expectedCost([exchanges[2].responseBody as ChatAnswer]));
    });

    it('500 twice with a retry limit of 1: 502 after exactly two calls, nothing saved', async () => {
      const user = newUserId();
      fake.enqueue({ kind: 'server_error' }, { kind: 'server_error' });
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', user, { prompt: 'Flaky', model: 'strict-1' }).expect(502),
      );
      expect(exchanges.map((exchange) => exchange.status)).toEqual([500, 500]);
      expect(res.body).toMatchObject({ success: false, statusCode: 502, error: 'PROVIDER_FAILED' });
      expect(res.body.message).toContain('strict answered HTTP 500');
      expect(await countAssets(user)).toBe(0);
    });

    it('a content-policy refusal fails at once with a 422 naming it, without retries', async () => {
      const user = newUserId();
      fake.enqueue({ kind: 'content_policy' });
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', user, { prompt: 'Something bad' }).expect(422),
      );
      expect(exchanges).toHaveLength(1);
      expect(res.body).toMatchObject({ success: false, statusCode: 422, error: 'CONTENT_POLICY_VIOLATION' });
      expect(res.body.message).toContain('primary refused the request under its content policy');
      expect(res.body.message).toContain('safety system');
      expect(await countAssets(user)).toBe(0);
    });

    it('an answer withheld by the content filter (finish_reason content_filter) is a 422 at once, nothing saved', async () => {
      const user = newUserId();
      fake.enqueue({ kind: 'content_policy', stage: 'output' });
      const { result: res, exchanges } = await recording(() =>
        post('/content/generate', user, { prompt: 'Something borderline' }).expect(422),
      );
      expect(exchanges).toHaveLength(1);
      expect(res.body).toMatchObject({ success: false, statusCode: 422, error: 'CONTENT_POLICY_VIOLATION' });
      expect(res.body.message).toContain('withheld by its content filter');
      expect(await countAssets(user)).toBe(0);
    });

    it.each([
      ['/content/improve', { original: 'Fix me' }],
      ['/content/ideas', { topic: 'Tea', count: 4 }],
    ])('%s: malformed JSON twice → 502, nothing saved', async (path, body) => {
      const user = newUserId();
      fake.enqueue({ kind: 'malformed_json' }, { kind: 'malformed_json', variant: 'schema_mismatch' });
      const { result: res, exchanges } = await recording(() => post(path, user, body).expect(502));
      expect(exchanges).toHaveLength(2);
      expect(res.body.error).toBe('PROVIDER_FAILED');
      expect(res.body.message).toContain('gave no usable answer after 2 attempts');
      expect(await countAssets(user)).toBe(0);
    });

    it('malformed JSON once → retried and succeeds', async () => {
      fake.enqueue({ kind: 'malformed_json' });
      const { result: res, exchanges } = await recording(() =>
        post('/content/improve', newUserId(), { original: 'Fix me' }).expect(201),
      );
      expect(exchanges).toHaveLength(2);
      expect(typeof res.body.improved).toBe('string');
    });

    it('an endpoint that does not answer within its timeout is a 502', async () => {
      const user = newUserId();
      fake.enqueue({ kind: 'hang' });
      const started = Date.now();
      const res = await post('/content/generate', user, { prompt: 'x', model: 'slow-1' }).expect(502);
      // The endpoint's 1 s timeout cut the call. Under Node the SDK reports it as a timeout; inside Jest's VM
      // realm the fetch AbortError loses its name on the way, so the SDK reports a connection error instead.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(res.body.error).toBe('PROVIDER_FAILED');
      expect(res.body.message).toMatch(/^impatient (did not answer within 1000 ms|could not be reached)/);
      expect(await countAssets(user)).toBe(0);
    });
  });

  describe('POST /content/from-template', () => {
    it('renders a text template, generates with its parameters, saves the asset and counts the use', async () => {
      const user = newUserId();
      const before = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: DEFAULT_BLOG_INTRO_ID } });
      const { result: res, exchanges } = await recording(() =>
        post('/content/from-template', user, {
          templateId: DEFAULT_BLOG_INTRO_ID,
          variables: { title: 'Brewing at home' },
        }).expect(201),
      );
      const sent = exchanges[0].requestBody as ChatBody;
      const prompt =
        'Write the introduction of a blog post titled "Brewing at home" for a general audience. Open with a hook, state the problem the post solves and promise what the reader will learn. Tone: friendly and clear. Keep it under 150 words.';
      expect(sent.messages[1]).toEqual({ role: 'user', content: prompt });
      expect(sent.messages[0].content).toContain('blog post');
      expect(res.body).toMatchObject({
        success: true,
        templateId: DEFAULT_BLOG_INTRO_ID,
        prompt,
        contentType: 'blog_post',
        provider: 'primary',
      });
      const asset = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.assetId } });
      expect(asset).toMatchObject({
        title: 'Blog post introduction',
        category: 'blog',
        sourceModule: 'content_creation',
        prompt,
      });
      expect(asset.metadata).toMatchObject({ operation: 'template', templateId: DEFAULT_BLOG_INTRO_ID });
      const after = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: DEFAULT_BLOG_INTRO_ID } });
      expect(after.usageCount).toBe(before.usageCount + 1);
    });

    it('a request `type` (or `contentType`) overrides the template’s stored content type', async () => {
      const user = newUserId();
      for (const body of [{ type: 'email' }, { contentType: 'email' }, { type: 'email', contentType: 'email' }]) {
        const { result: res, exchanges } = await recording(() =>
          post('/content/from-template', user, {
            templateId: DEFAULT_BLOG_INTRO_ID,
            variables: { title: 'Brewing at home' },
            save: false,
            ...body,
          }).expect(201),
        );
        expect(res.body.contentType).toBe('email');
        expect((exchanges[0].requestBody as ChatBody).messages[0].content).not.toContain('blog post');
      }
      await post('/content/from-template', user, {
        templateId: DEFAULT_BLOG_INTRO_ID,
        variables: { title: 'x' },
        type: 'email',
        contentType: 'blog_post',
      }).expect(400);
      const image = await post('/content/from-template', user, {
        templateId: DEFAULT_PRODUCT_PHOTO_ID,
        variables: { product: 'a mug' },
        type: 'email',
      }).expect(400);
      expect(image.body.message).toContain('type');
    });

    it('uses the template’s model unless the request names one', async () => {
      const user = newUserId();
      const template = await post('/template', user, templateBody({ model: 'claude-template' })).expect(201);
      const res = await post('/content/from-template', user, {
        templateId: template.body.id,
        variables: { topic: 'tea' },
      }).expect(201);
      expect(res.body).toMatchObject({ provider: 'secondary', model: 'claude-template' });
      const overridden = await post('/content/from-template', user, {
        templateId: template.body.id,
        variables: { topic: 'tea' },
        model: 'fake-gpt-x',
      }).expect(201);
      expect(overridden.body.provider).toBe('primary');
    });

    it('names every missing required variable (400) and calls no provider', async () => {
      const user = newUserId();
      const template = await post(
        '/template',
        user,
        templateBody({
          prompt: '{{a}} {{b}} {{c}}',
          variables: [{ name: 'a' }, { name: 'b' }, { name: 'c', required: false }],
        }),
      ).expect(201);
      const { result: res, exchanges } = await recording(() =>
        post('/content/from-template', user, { templateId: template.body.id, variables: {} }).expect(400),
      );
      expect(res.body.message).toBe('Cannot render the template: missing required variables: a, b');
      expect(exchanges).toHaveLength(0);
    });

    it('inserts values as text, without expanding placeholders inside them', async () => {
      const user = newUserId();
      const template = await post(
        '/template',
        user,
        templateBody({ prompt: 'Say {{first}} then {{second}}', variables: [{ name: 'first' }, { name: 'second' }] }),
      ).expect(201);
      const res = await post('/content/from-template', user, {
        templateId: template.body.id,
        variables: { first: '{{second}}', second: 'done' },
        save: false,
      }).expect(201);
      expect(res.body.prompt).toBe('Say {{second}} then done');
    });

    it('a failed generation saves nothing and does not count the use', async () => {
      const user = newUserId();
      const template = await post('/template', user, templateBody()).expect(201);
      fake.enqueue({ kind: 'content_policy' });
      await post('/content/from-template', user, { templateId: template.body.id, variables: { topic: 'x' } }).expect(
        422,
      );
      const row = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: template.body.id } });
      expect(row.usageCount).toBe(0);
      expect(await countAssets(user)).toBe(0);
    });

    it('with save: false still counts the use', async () => {
      const user = newUserId();
      const template = await post('/template', user, templateBody()).expect(201);
      const res = await post('/content/from-template', user, {
        templateId: template.body.id,
        variables: { topic: 'x' },
        save: false,
      }).expect(201);
      expect(res.body.assetId).toBeNull();
      const row = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id: template.body.id } });
      expect(row.usageCount).toBe(1);
    });

    it("someone else's private template is a 404", async () => {
      const template = await post('/template', newUserId(), templateBody()).expect(201);
      await post('/content/from-template', newUserId(), {
        templateId: template.body.id,
        variables: { topic: 'x' },
      }).expect(404);
    });

    it('refuses a malformed templateId or variables', async () => {
      await post('/content/from-template', newUserId(), { templateId: 'nope' }).expect(400);
      await post('/content/from-template', newUserId(), {
        templateId: DEFAULT_BLOG_INTRO_ID,
        variables: 'title=x',
      }).expect(400);
    });

    it('an image template queues an image job (202)', async () => {
      const user = newUserId();
      const res = await post('/content/from-template', user, {
        templateId: DEFAULT_PRODUCT_PHOTO_ID,
        variables: { product: 'a red mug' },
      }).expect(202);
      expect(res.body).toMatchObject({
        success: true,
        jobId: expect.any(String),
        statusUrl: expect.stringContaining(res.body.jobId),
      });
      const job = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: res.body.jobId } });
      expect(job).toMatchObject({ userId: user, templateId: DEFAULT_PRODUCT_PHOTO_ID });
      expect(job.prompt).toContain('a red mug');
    });

    it('an image template refuses text-only options', async () => {
      const res = await post('/content/from-template', newUserId(), {
        templateId: DEFAULT_PRODUCT_PHOTO_ID,
        variables: { product: 'a mug' },
        tone: 'playful',
      }).expect(400);
      expect(res.body.message).toBe('These options apply to text templates only: tone');
    });
  });

  describe('provider fidelity', () => {
    it('every request the service sent and every answer the fake gave match the published OpenAI schemas', async () => {
      // Make sure this test has traffic of each kind even when run alone.
      await post('/content/generate', newUserId(), { prompt: 'x', temperature: 1, maxTokens: 50 }).expect(201);
      await post('/content/improve', newUserId(), { original: 'x' }).expect(201);
      await post('/content/ideas', newUserId(), { topic: 'x', count: 2 }).expect(201);

      const chat = proxy.exchanges.filter((exchange) => exchange.path === '/v1/chat/completions');
      expect(chat.length).toBeGreaterThanOrEqual(3);
      for (const exchange of chat) {
        assertMatchesOpenAiSchema('CreateChatCompletionRequest', exchange.requestBody);
        assertMatchesOpenAiSchema(
          exchange.status === 200 ? 'CreateChatCompletionResponse' : 'ErrorResponse',
          exchange.responseBody,
        );
      }
      for (const request of [...fake.requestsTo('chat'), ...secondFake.requestsTo('chat')]) {
        assertMatchesOpenAiSchema('CreateChatCompletionRequest', request.body);
      }
      fake.assertNoSchemaViolations();
      secondFake.assertNoSchemaViolations();
    });
  });
});

describe('content creation without a text provider', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it.each([
    ['/content/generate', { prompt: 'x' }],
    ['/content/improve', { original: 'x' }],
    ['/content/ideas', { topic: 'x', count: 3 }],
    ['/content/from-template', { templateId: DEFAULT_BLOG_INTRO_ID, variables: { title: 'x' } }],
  ])('%s answers 503 naming the variables to set', async (path, body) => {
    const user = newUserId();
    const res = await t.http.post(`${BASE}${path}`).set(bearer(user)).send(body).expect(503);
    expect(res.body).toMatchObject({ success: false, statusCode: 503, error: 'PROVIDER_NOT_CONFIGURED' });
    expect(res.body.message).toContain('OPENAI_API_KEY');
    expect(res.body.message).toContain('TEXT_PROVIDERS');
    expect(await t.prisma.creativeAsset.count({ where: { userId: user } })).toBe(0);
  });
});
