import fc from 'fast-check';
import { AssetLinks } from '../src/assets/asset-links';
import type { Response } from 'supertest';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { collectionRow, jobRow, newUserId, pngBytes, templateRow } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import {
  ContractChecker,
  type JsonSchema,
  objectFor,
  type OpenApi,
  type Operation,
  valueFor,
  violationOf,
} from './support/openapi-contract';

/**
 * The OpenAPI document is the contract clients are generated from: this spec holds the service to it.
 * For every operation of /docs-json it generates requests from the document itself —
 * - positive ones (every value fits its schema): each must be answered with a status the operation declares
 *   and a body that fits that status's schema, and must not be refused as invalid (save for the rules the
 *   document states in words, see MODEL_OR_STATE_RULES);
 * - negative ones (one declared rule broken: a type, a bound, a length, a format, an enum, `required`,
 *   `additionalProperties: false`): each must be a 400 in the declared error shape;
 * - and every method a path does not declare must be a 405 naming the ones it does (Allow).
 * A DTO whose validators and document disagree fails here. CONTRACT_RUNS=<n> generates more cases.
 */

const POSITIVE_RUNS = Number(process.env.CONTRACT_RUNS ?? 12);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Fields whose valid values the document can only describe in words: they depend on the chosen model (sizes,
 * qualities, seeds, voices, audio formats, instructions … per model), on other fields (a template's placeholders and its variables, a date
 * range's order), on configuration (the text providers an operator set up) or on stored state (the tags already on an asset, the members of a collection).
 */
const MODEL_OR_STATE_RULES = new Set([
  'prompt',
  'negativePrompt',
  'model',
  'provider',
  'n',
  'size',
  'aspectRatio',
  'quality',
  'style',
  'background',
  'outputFormat',
  'seed',
  'steps',
  'guidance',
  'templateId',
  'variables',
  'tags',
  'coverAssetId',
  'createdFrom',
  'createdTo',
  'seconds',
  'referenceAssetId',
  'voice',
  'format',
  'instructions',
  // A webhook target must be https on a public address, which its name must resolve to here.
  'url',
  // Image Studio: which operations and upscale modes a provider can do, a mask's alpha and size, search_and_replace's searchPrompt.
  'operation',
  'mode',
  'maskAssetId',
  'searchPrompt',
  'partialImages',
]);

/** A webhook target every rule accepts without DNS: https on a public IP literal. */
const PUBLIC_WEBHOOK_URL = 'https://93.184.216.34/hooks';

/** A seed per operation, so that adding a route changes no other operation's generated cases. */
const seedOf = (method: string, path: string) =>
  [...`${method} ${path}`].reduce((hash, char) => (hash * 31 + char.charCodeAt(0)) >>> 0, 20261201);

interface ContractRequest {
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  /** Sent as multipart/form-data (every value as text, a binary property as an attached file). */
  form?: boolean;
}

/** Stands for the bytes of a `format: binary` property of a form: the request attaches the fixture image. */
const ATTACHED_FILE = Symbol('attached file');

/** The body schema of an operation, and whether it is a multipart form. */
function bodySchemaOf(operation: Operation): { schema?: JsonSchema; form: boolean } {
  const content = operation.requestBody?.content ?? {};
  const form = content['multipart/form-data'];
  return form ? { schema: form.schema, form: true } : { schema: content['application/json']?.schema, form: false };
}

describe('OpenAPI contract conformance (requests generated from /docs-json)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let checker: ContractChecker;
  let uploadBytes: Buffer;
  const user = newUserId('contract');
  const ids: Record<'image' | 'collection' | 'template' | 'job' | 'queuedJob' | 'webhook', string> = {
    image: '',
    collection: '',
    template: '',
    job: '',
    queuedJob: '',
    webhook: '',
  };

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-contract`,
      ...fakeProviderEnvironment(fake, 'sk-test-contract'),
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
      USER_MAX_ACTIVE_JOBS: '1000',
      WEBHOOK_MAX_ENDPOINTS_PER_USER: '1000',
    });
    checker = new ContractChecker((await t.http.get('/docs-json').expect(200)).body as OpenApi);
    uploadBytes = await pngBytes(24, 24);
  });

  /** Fresh rows for the path parameters, so a test never depends on what an earlier one deleted. */
  beforeEach(async () => {
    const image = await t.app.get(AssetsService).saveAsset(user, {
      type: 'image',
      sourceModule: 'image_generation',
      title: 'Contract image',
      bytes: await pngBytes(32, 32),
      prompt: 'A lighthouse',
      provider: 'placeholder',
      model: 'placeholder',
    });
    const [collection, template, job, queuedJob] = [
      collectionRow(user),
      templateRow(user, { prompt: 'Write a haiku about the sea', variables: [] }),
      jobRow(user, { status: 'completed' }),
      // Waiting for its retry: GET /jobs shows a nextAttemptAt that is set.
      jobRow(user, {
        status: 'queued',
        attempts: 1,
        errorMessage: 'Attempt 1 failed, will retry: HTTP 503',
        nextAttemptAt: new Date(Date.now() + 60_000),
      }),
    ];
    await t.prisma.assetCollection.createMany({ data: [collection] as never });
    await t.prisma.creativeTemplate.createMany({ data: [template] as never });
    await t.prisma.generationJob.createMany({ data: [job, queuedJob] as never });
    const webhook = await t.prisma.webhookEndpoint.create({
      data: { userId: user, url: PUBLIC_WEBHOOK_URL, events: ['job.completed'], secret: 'whsec_contract' },
    });
    Object.assign(ids, {
      webhook: webhook.id,
      image: image.id,
      collection: collection.id,
      template: template.id,
      job: job.id,
      queuedJob: queuedJob.id,
    });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Deletions last (of a member before its container), so the other operations still find the fixture rows. */
  const operations = () =>
    Object.entries(checker.spec.paths)
      .filter(([path]) => path.startsWith(`${BASE}/`))
      .flatMap(([path, byMethod]) =>
        Object.entries(byMethod).map(([method, operation]) => ({ method, path, operation })),
      )
      .sort(
        (a, b) =>
          Number(a.method === 'delete') - Number(b.method === 'delete') ||
          (a.method === 'delete' ? b.path.length - a.path.length : 0),
      );

  /** An existing row for a path parameter: the kind follows from the path. */
  /** A path parameter's value: the first of its enum, else the id of a fixture row the route finds. */
  function pathValue(path: string, name: string, schema?: { enum?: unknown[] }): string {
    if (schema?.enum) return String(schema.enum[0]);
    if (name === 'jobId') return ids.job;
    if (name === 'assetId' || path.includes('/asset/')) return ids.image;
    if (path.includes('/collection/')) return ids.collection;
    if (path.includes('/webhook/')) return ids.webhook;
    return ids.template;
  }

  const allIds = () => [ids.image, ids.collection, ids.template, ids.job];

  function positiveRequest(path: string, operation: Operation): fc.Arbitrary<ContractRequest> {
    const parameters = operation.parameters ?? [];
    const concretePath = parameters
      .filter((p) => p.in === 'path')
      .reduce((result, p) => result.replace(`{${p.name}}`, pathValue(path, p.name, checker.resolve(p.schema))), path);
    // A cursor is only ever a nextCursor this list returned: no schema can generate one.
    const query = parameters.filter((p) => p.in === 'query' && p.name !== 'cursor');
    const headers = parameters.filter((p) => p.in === 'header');
    const { schema: bodySchema, form } = bodySchemaOf(operation);
    const asQueryText = (value: unknown) => (Array.isArray(value) ? value.join(',') : String(value));
    return fc.record({
      path: fc.constant(concretePath),
      query: fc.record(
        Object.fromEntries(query.map((p) => [p.name, valueFor(checker, p.schema, allIds()).map(asQueryText)])),
        { requiredKeys: query.filter((p) => p.required).map((p) => p.name) },
      ),
      headers: fc.record(Object.fromEntries(headers.map((p) => [p.name, valueFor(checker, p.schema, [])])), {
        requiredKeys: [],
      }) as fc.Arbitrary<Record<string, string>>,
      body: bodySchema
        ? objectFor(checker, checker.resolve(bodySchema), allIds()).map((body) =>
            form ? withAttachedFiles(checker.resolve(bodySchema), body) : body,
          )
        : fc.constant(undefined),
      form: fc.constant(form),
    });
  }

  /** A form's binary properties as the fixture file. */
  function withAttachedFiles(schema: JsonSchema, body: Record<string, unknown>): Record<string, unknown> {
    const binary = Object.entries(schema.properties ?? {})
      .filter(([, property]) => checker.resolve(property).format === 'binary')
      .map(([name]) => name);
    return Object.fromEntries(
      Object.entries(body).map(([name, value]) => [name, binary.includes(name) ? ATTACHED_FILE : value]),
    );
  }

  async function send(method: string, request: ContractRequest): Promise<Response> {
    let call = t.http[method as 'get'](request.path).set(bearer(user)).set(request.headers).query(request.query);
    if (request.form) {
      for (const [name, value] of Object.entries((request.body ?? {}) as Record<string, unknown>)) {
        if (value === ATTACHED_FILE) call = call.attach(name, uploadBytes, 'contract.png');
        else for (const item of Array.isArray(value) ? value : [value]) call = call.field(name, String(item));
      }
      // A form with no field at all is still a multipart body.
      if (Object.keys(request.body ?? {}).length === 0) call = call.field('title', 'only a title');
    } else if (request.body !== undefined)
      call = call.set('Content-Type', 'application/json').send(JSON.stringify(request.body));
    return call.timeout(10_000);
  }

  /** A 400 for positive data is a disagreement unless every field it names has a rule stated in words. */
  function refusedValidData(res: Response): string | undefined {
    if (res.status !== 400) return undefined;
    const fields = ((res.body as { details?: { field: string }[] }).details ?? []).map(
      (detail) => detail.field.split('.')[0],
    );
    const unexplained =
      fields.length === 0 ? ['(no details)'] : fields.filter((field) => !MODEL_OR_STATE_RULES.has(field));
    return unexplained.length
      ? `refused valid data (${unexplained.join(', ')}): ${JSON.stringify(res.body).slice(0, 300)}`
      : undefined;
  }

  it('answers positive requests with a declared status and body, and accepts what the document allows', async () => {
    const failures: string[] = [];
    const accepted = new Map<string, number>();
    for (const { method, path, operation } of operations()) {
      await fc
        .assert(
          fc.asyncProperty(positiveRequest(path, operation), async (request) => {
            const res = await send(method, request);
            if (res.status < 300) accepted.set(`${method} ${path}`, (accepted.get(`${method} ${path}`) ?? 0) + 1);
            const problems = [
              ...checker.problems(method, path, res),
              ...[refusedValidData(res)].filter((problem) => problem !== undefined),
            ];
            if (problems.length)
              throw new Error(`${problems.join('\n')}\nrequest: ${JSON.stringify(request).slice(0, 400)}`);
          }),
          { numRuns: POSITIVE_RUNS, seed: seedOf(method, path), endOnFailure: true },
        )
        .catch((error: Error) =>
          failures.push(
            `${method.toUpperCase()} ${path}: ${String((error.cause as Error | undefined)?.message ?? error.message)}`,
          ),
        );
    }
    expect(failures).toEqual([]);
  }, 240_000);

  /** Only what the document requires, UUIDs naming the fixture row their name says. */
  function minimalRequest(path: string, operation: Operation): ContractRequest {
    const parameters = operation.parameters ?? [];
    const concretePath = parameters
      .filter((p) => p.in === 'path')
      .reduce((result, p) => result.replace(`{${p.name}}`, pathValue(path, p.name, checker.resolve(p.schema))), path);
    const { schema: declared, form } = bodySchemaOf(operation);
    const schema = checker.resolve(declared);
    const required = [...(schema.required ?? []), ...(schema.oneOf?.[0]?.required ?? [])];
    const idFor = (name: string) =>
      /template/i.test(name) ? ids.template : /collection/i.test(name) ? ids.collection : ids.image;
    const valueOf = (name: string): unknown => {
      const property = checker.resolve(schema.properties?.[name]);
      if (property.format === 'binary') return ATTACHED_FILE;
      if (property.format === 'uuid') return idFor(name);
      if (name === 'url') return PUBLIC_WEBHOOK_URL;
      if (property.type === 'array' && checker.resolve(property.items).format === 'uuid') return [idFor(name)];
      return fc.sample(valueFor(checker, property, []), { numRuns: 1, seed: 1 })[0];
    };
    const body = schema.properties ? Object.fromEntries(required.map((name) => [name, valueOf(name)])) : undefined;
    const query = Object.fromEntries(
      parameters
        .filter((p) => p.in === 'query' && p.required)
        .map((p) => [p.name, String(fc.sample(valueFor(checker, p.schema, []), { numRuns: 1, seed: 1 })[0])]),
    );
    return { path: concretePath, query, headers: {}, body, form };
  }

  it('accepts, for every operation, a request with only the required fields (defaults are not required input)', async () => {
    const refused: string[] = [];
    for (const { method, path, operation } of operations()) {
      const request = minimalRequest(path, operation);
      if (path.endsWith('/cancel')) request.path = `${BASE}/jobs/${ids.queuedJob}/cancel`;
      // A signed link is valid only as the service signed it.
      if (path.includes('/signed/')) {
        const link = new URL(
          (
            await t.app
              .get(AssetLinks)
              .linksFor({ id: ids.image, thumbnailUrl: null, storageKey: null, thumbnailKey: null, mimeType: null })
          ).signedUrl,
          'http://x',
        );
        request.path = link.pathname;
        request.query = Object.fromEntries(link.searchParams);
      }
      const res = await send(method, request);
      const problems = checker.problems(method, path, res);
      if (res.status >= 300 || problems.length)
        refused.push(
          `${method.toUpperCase()} ${path} ${JSON.stringify(request.body)} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)} ${problems.join('; ')}`,
        );
    }
    expect(refused).toEqual([]);
  }, 240_000);

  /** One request per broken rule, each a copy of the minimal valid request with one property changed. */
  function negativeRequests(path: string, operation: Operation): { rule: string; request: ContractRequest }[] {
    const valid = minimalRequest(path, operation);
    const cases: { rule: string; request: ContractRequest }[] = [];
    for (const parameter of operation.parameters ?? []) {
      const schema = checker.resolve(parameter.schema);
      if (parameter.in === 'path') {
        const broken = schema.enum ? 'not-one-of-the-enum' : 'not-a-uuid';
        cases.push({
          rule: `path ${parameter.name}: ${broken}`,
          request: { ...valid, path: valid.path.replace(pathValue(path, parameter.name, schema), broken) },
        });
      }
      if (parameter.in === 'query') {
        for (const value of queryViolations(schema))
          cases.push({
            rule: `query ${parameter.name}=${value.slice(0, 20)}`,
            request: { ...valid, query: { ...valid.query, [parameter.name]: value } },
          });
      }
      if (parameter.in === 'header' && schema.pattern)
        cases.push({
          rule: `header ${parameter.name}`,
          request: { ...valid, headers: { ...valid.headers, [parameter.name]: ' spaced key ' } },
        });
    }
    const { schema: declaredBody, form } = bodySchemaOf(operation);
    const bodySchema = checker.resolve(declaredBody);
    if (bodySchema.properties) {
      const body = (valid.body ?? {}) as Record<string, unknown>;
      for (const [name, raw] of Object.entries(bodySchema.properties)) {
        const schema = checker.resolve(raw);
        // A form carries text only: the violations a query string can carry.
        const values = form
          ? schema.format === 'binary'
            ? []
            : queryViolations(schema)
          : [
              ...violationOf(schema),
              ...(schema.items ? violationOf(checker.resolve(schema.items)).map((item) => [item]) : []),
            ];
        for (const value of values)
          cases.push({
            rule: `body ${name}=${JSON.stringify(value).slice(0, 20)}`,
            request: { ...valid, body: { ...body, [name]: value } },
          });
      }
      for (const name of bodySchema.required ?? []) {
        const { [name]: _dropped, ...rest } = body ?? {};
        cases.push({ rule: `body without required ${name}`, request: { ...valid, body: rest } });
      }
      if (bodySchema.additionalProperties === false)
        cases.push({
          rule: 'body with an unknown property',
          request: { ...valid, body: { ...body, notInTheContract: 1 } },
        });
      for (const branch of bodySchema.oneOf ?? []) {
        const others = (bodySchema.oneOf ?? [])
          .filter((other) => other !== branch)
          .flatMap((other) => other.required ?? []);
        const both = Object.fromEntries(
          [...(branch.required ?? []), ...others].map((name) => [
            name,
            fc.sample(valueFor(checker, bodySchema.properties?.[name], allIds()), 1)[0],
          ]),
        );
        cases.push({ rule: `body with more than one of oneOf`, request: { ...valid, body: { ...body, ...both } } });
      }
    }
    return cases;
  }

  /** What a query string can carry that breaks the parameter's schema (strings only: a query has no types). */
  function queryViolations(schema: JsonSchema): string[] {
    const item = schema.type === 'array' ? checker.resolve(schema.items) : schema;
    const values: string[] = [];
    if (item.enum) values.push('not-one-of-them');
    if (item.type === 'integer') values.push('1.5', 'abc');
    if (item.type === 'boolean') values.push('maybe');
    if (item.maximum !== undefined) values.push(String(item.maximum + 1));
    if (item.minimum !== undefined) values.push(String(item.minimum - 1));
    if (item.maxLength !== undefined) values.push('x'.repeat(item.maxLength + 1));
    if (item.format === 'uuid') values.push('not-a-uuid');
    if (item.format === 'date-time') values.push('2026-13-45T25:61:00Z');
    if (schema.maxItems !== undefined)
      values.push(Array.from({ length: schema.maxItems + 1 }, (_, index) => `t${index}`).join(','));
    return values;
  }

  it('refuses every request that breaks a declared rule with a 400 in the declared error shape', async () => {
    const failures: string[] = [];
    let count = 0;
    for (const { method, path, operation } of operations()) {
      for (const { rule, request } of negativeRequests(path, operation)) {
        count += 1;
        const res = await send(method, request);
        const problems =
          res.status === 400
            ? checker.problems(method, path, res)
            : [`answered ${res.status}, not 400: ${JSON.stringify(res.body).slice(0, 200)}`];
        failures.push(...problems.map((problem) => `${method.toUpperCase()} ${path} [${rule}]: ${problem}`));
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThan(300);
  }, 240_000);

  it('answers 405 with Allow for every method a path does not declare', async () => {
    const failures: string[] = [];
    for (const [path, byMethod] of Object.entries(checker.spec.paths)) {
      const declared = Object.keys(byMethod);
      const concrete = path.replace(/\{(\w+)\}/g, (_match, name: string) => pathValue(path, name));
      for (const method of METHODS.filter((candidate) => !declared.includes(candidate))) {
        const res = await t.http[method](concrete).set(bearer(user));
        const allow = (res.headers.allow ?? '').split(/,\s*/).filter(Boolean);
        const expected = declared.map((name) => name.toUpperCase());
        if (
          res.status !== 405 ||
          !expected.every((name) => allow.includes(name)) ||
          res.body.error !== 'METHOD_NOT_ALLOWED'
        ) {
          failures.push(
            `${method.toUpperCase()} ${path}: ${res.status} Allow=${res.headers.allow} ${JSON.stringify(res.body).slice(0, 120)}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
  });
});
