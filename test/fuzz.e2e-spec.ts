import fc from 'fast-check';
import type { Response } from 'supertest';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, collectionRow, jobRow, newUserId, pngBytes, templateRow } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import type { JsonSchema, OpenApi, Operation } from './support/openapi-contract';

/**
 * Property-based bad input on every /api/creative route, driven by /docs-json so a new route is fuzzed
 * without touching this file: generated path params, query strings, headers and bodies (wrong types, huge,
 * empty and unicode strings, nested objects, arrays for scalars, extreme numbers, invalid UUIDs and cursors,
 * unknown fields), mixed with valid values so requests also get past validation into the services.
 * Every answer must be below 500; a 4xx must have the contract's error shape; a refused write must leave
 * the caller's rows (and the built-in templates) exactly as they were.
 *
 * Deterministic by default (fixed seed per route); FUZZ_SEED=<n> explores other cases, FUZZ_RUNS=<n> more of them.
 */

const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 30);
const BASE_SEED = Number(process.env.FUZZ_SEED ?? 20261123);

interface FuzzRequest {
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  /** undefined: no body; `raw`: sent verbatim as application/json (may be invalid JSON). */
  body?: { json: unknown } | { raw: string };
}

/** Values of the wrong kind for any field. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'null',
    'undefined',
    '💥'.repeat(300),
    'x'.repeat(20_000),
    '../../etc/passwd',
    '%00',
    '{{x}}',
    '__proto__',
  ),
  fc.integer(),
  fc.constantFrom(-1, 0, -0, 1e308, -1e308, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, 0.5),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string({ maxLength: 10 }), fc.integer(), fc.constant(null)), { maxLength: 5 }),
  fc.array(fc.string({ maxLength: 5 }), { minLength: 200, maxLength: 300 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }),
  fc.constant({ __proto__: { polluted: true }, constructor: { prototype: { polluted: true } } }),
);

/** Strings that are not what a query or path segment should hold (cursors, UUIDs, dates, numbers). */
const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.uuid(),
  fc.constantFrom(
    '',
    '0',
    '-1',
    '1e400',
    'NaN',
    'true',
    'null',
    '[]',
    '{}',
    '9'.repeat(400),
    'x'.repeat(5_000),
    '2026-13-45',
    'eyJ4Ijo',
  ),
  fc.base64String({ maxLength: 60 }),
  fc.constant(Buffer.from(JSON.stringify({ createdAt: 'not a date', id: 'nope' })).toString('base64url')),
);

describe('bad-input fuzzing of every route (from /docs-json)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let spec: OpenApi;
  const user = newUserId('fuzz');
  const validIds: string[] = [];
  /** How many generated requests got each status, per route: the summary printed at the end. */
  const statuses = new Map<string, Map<number, number>>();

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-fuzz`,
      ...fakeProviderEnvironment(fake, 'sk-test-fuzz'),
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
      // Limits are tested in limits.e2e-spec.ts; here they would only turn every later case into a 429.
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    spec = (await t.http.get('/docs-json').expect(200)).body as OpenApi;

    // Real rows, so generated requests sometimes name something that exists and reach the services.
    const image = await t.app.get(AssetsService).saveAsset(user, {
      type: 'image',
      sourceModule: 'image_generation',
      title: 'Fuzz image',
      bytes: await pngBytes(32, 32),
      prompt: 'A lighthouse',
      provider: 'placeholder',
      model: 'placeholder',
    });
    const [asset, collection, template, job] = [
      assetRow(user),
      collectionRow(user),
      templateRow(user),
      jobRow(user, { status: 'completed' }),
    ];
    await t.prisma.creativeAsset.createMany({ data: [asset] as never });
    await t.prisma.assetCollection.createMany({ data: [collection] as never });
    await t.prisma.creativeTemplate.createMany({ data: [template] as never });
    await t.prisma.generationJob.createMany({ data: [job] as never });
    validIds.push(image.id, asset.id, collection.id, template.id, job.id);
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    const total = [...statuses.values()]
      .flatMap((counts) => [...counts.values()])
      .reduce((sum, count) => sum + count, 0);
    const byStatus = new Map<number, number>();
    for (const counts of statuses.values())
      for (const [status, count] of counts) byStatus.set(status, (byStatus.get(status) ?? 0) + count);
    const summary = [...byStatus]
      .sort(([a], [b]) => a - b)
      .map(([status, count]) => `${status}×${count}`)
      .join(' ');
    process.stdout.write(`fuzz: ${total} generated requests over ${statuses.size} routes (${summary})\n`);
  });

  /** A checksum of every row the fuzzing user owns, and of the built-in templates. */
  async function checksum(): Promise<string> {
    const [row] = await t.prisma.$queryRaw<{ sum: string }[]>`
      SELECT md5(coalesce(string_agg(x, '|' ORDER BY x), '')) AS sum FROM (
        SELECT a::text AS x FROM creative_assets a WHERE a."userId" = ${user}
        UNION ALL SELECT c::text FROM asset_collections c WHERE c."userId" = ${user}
        UNION ALL SELECT i::text FROM asset_collection_items i JOIN asset_collections c ON c.id = i."collectionId" WHERE c."userId" = ${user}
        UNION ALL SELECT tp::text FROM creative_templates tp WHERE tp."userId" = ${user} OR tp."userId" IS NULL
        UNION ALL SELECT j::text FROM generation_jobs j WHERE j."userId" = ${user}
      ) rows`;
    return row.sum;
  }

  function resolve(schema: JsonSchema | undefined): JsonSchema {
    if (!schema) return {};
    if (schema.$ref) return resolve(spec.components.schemas[schema.$ref.split('/').pop()!]);
    if (schema.allOf)
      return schema.allOf
        .map(resolve)
        .reduce(
          (merged, part) => ({ ...merged, ...part, properties: { ...merged.properties, ...part.properties } }),
          {},
        );
    return schema;
  }

  /** A value that fits the declared schema (bounds included), or an existing row's id for a UUID. */
  function plausible(raw: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
    const schema = resolve(raw);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'string':
        if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...validIds), fc.uuid());
        if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
        return fc.oneof(
          fc.string({ maxLength: Math.min(schema.maxLength ?? 40, 40) }),
          fc.constant('x'.repeat(schema.maxLength ?? 1)),
        );
      case 'number':
        return fc.double({
          min: schema.minimum ?? -5,
          max: Math.min(schema.maximum ?? 1000, 1_000_000),
          noNaN: true,
          noDefaultInfinity: true,
        });
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -5, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
      case 'boolean':
        return fc.boolean();
      case 'array':
        return depth > 2 ? fc.constant([]) : fc.array(plausible(schema.items, depth + 1), { maxLength: 4 });
      case 'object':
        return schema.properties && depth <= 2
          ? objectOf(schema, depth + 1)
          : fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  }

  /**
   * Any subset of the declared fields, each plausible or (unless `wellTyped`) hostile, plus unknown fields
   * now and then. Well-typed objects get past validation more often, into the services' own checks.
   */
  function objectOf(schema: JsonSchema, depth = 0, wellTyped = false): fc.Arbitrary<Record<string, unknown>> {
    const fields = Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([name, field]) => [
        name,
        wellTyped
          ? plausible(field, depth)
          : fc.oneof({ weight: 3, arbitrary: plausible(field, depth) }, { weight: 1, arbitrary: hostile }),
      ]),
    );
    const unknownFields = wellTyped
      ? fc.constant({})
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant({}) },
          { weight: 1, arbitrary: fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), hostile, { maxKeys: 2 }) },
        );
    return fc
      .tuple(fc.record(fields, { requiredKeys: [] }), unknownFields)
      .map(([known, extra]) => ({ ...extra, ...known }));
  }

  const asText = (value: unknown) => (typeof value === 'string' ? value : (JSON.stringify(value) ?? ''));

  function requestFor(path: string, operation: Operation): fc.Arbitrary<FuzzRequest> {
    const parameters = operation.parameters ?? [];
    const pathParams = parameters.filter((parameter) => parameter.in === 'path');
    const queryParams = parameters.filter((parameter) => parameter.in === 'query');
    const headerParams = parameters.filter((parameter) => parameter.in === 'header' && /^[A-Z]/.test(parameter.name));
    const bodySchema = operation.requestBody?.content['application/json']?.schema;

    const segment = fc
      .oneof({ weight: 2, arbitrary: fc.constantFrom(...validIds) }, { weight: 3, arbitrary: hostileText })
      .map(encodeURIComponent);
    const pathArbitrary = fc
      .tuple(...pathParams.map(() => segment))
      .map((values) =>
        pathParams.reduce((result, parameter, index) => result.replace(`{${parameter.name}}`, values[index]), path),
      )
      // An empty segment would be a different route (a 404 the router answers), which is fine but uninteresting.
      .map((result) => result.replace(/\/\//g, '/x/'));

    const queryValue = (schema?: JsonSchema) =>
      fc.oneof(
        { weight: 3, arbitrary: plausible(schema).map(asText) },
        { weight: 2, arbitrary: hostileText },
        { weight: 1, arbitrary: fc.array(hostileText, { minLength: 2, maxLength: 3 }) },
      );
    const queryArbitrary = fc
      .tuple(
        fc.record(Object.fromEntries(queryParams.map((parameter) => [parameter.name, queryValue(parameter.schema)])), {
          requiredKeys: [],
        }),
        fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), hostileText, { maxKeys: 2 }),
      )
      .map(([known, extra]) => ({ ...extra, ...known }) as Record<string, string | string[]>);

    const headerArbitrary = fc.record(
      Object.fromEntries(
        headerParams.map((parameter) => [parameter.name, fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,300}$/)]),
      ),
      { requiredKeys: [] },
    ) as fc.Arbitrary<Record<string, string>>;

    const bodyArbitrary: fc.Arbitrary<FuzzRequest['body']> = bodySchema
      ? fc.oneof(
          { weight: 4, arbitrary: objectOf(resolve(bodySchema)).map((json) => ({ json })) },
          { weight: 3, arbitrary: objectOf(resolve(bodySchema), 0, true).map((json) => ({ json })) },
          { weight: 1, arbitrary: hostile.map((json) => ({ json })) },
          {
            weight: 1,
            arbitrary: fc
              .constantFrom('{"unterminated": ', '[1,2', 'not json', '', 'null', '"text"', '{"a":'.repeat(200))
              .map((raw) => ({ raw })),
          },
        )
      : fc.oneof(
          fc.constant(undefined),
          objectOf({ properties: {} }).map((json) => ({ json })),
        );

    return fc.record({ path: pathArbitrary, query: queryArbitrary, headers: headerArbitrary, body: bodyArbitrary });
  }

  async function send(method: string, request: FuzzRequest): Promise<Response> {
    let call = t.http[method as 'get'](request.path).set(bearer(user)).set(request.headers).query(request.query);
    if (request.body && 'raw' in request.body)
      call = call.set('Content-Type', 'application/json').send(request.body.raw);
    else if (request.body) call = call.set('Content-Type', 'application/json').send(JSON.stringify(request.body.json));
    // Event streams of finished jobs end by themselves; the timeout only guards against a stream that never would.
    return call.timeout(10_000);
  }

  const routes = () =>
    Object.entries(spec.paths)
      .filter(([path]) => path.startsWith(`${BASE}/`))
      .flatMap(([path, operations]) =>
        Object.entries(operations).map(([method, operation]) => ({ method, path, operation })),
      );

  it(
    'answers every generated request below 500, with the error shape, and leaves the data of refused writes untouched',
    async () => {
      const failures: string[] = [];
      for (const [index, { method, path, operation }] of routes().entries()) {
        const writes = method !== 'get';
        const counts = new Map<number, number>();
        statuses.set(`${method} ${path}`, counts);
        await fc
          .assert(
            fc.asyncProperty(requestFor(path, operation), async (request) => {
              const before = writes ? await checksum() : undefined;
              const res = await send(method, request);
              counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
              expect(res.status).toBeLessThan(500);
              if (res.status >= 400) {
                expect(res.body).toEqual(
                  expect.objectContaining({
                    success: false,
                    statusCode: res.status,
                    error: expect.stringMatching(/^[A-Z_]+$/),
                    message: expect.any(String),
                  }),
                );
                if (writes) expect(await checksum()).toBe(before);
              }
            }),
            { numRuns: RUNS_PER_ROUTE, seed: BASE_SEED + index, endOnFailure: true },
          )
          .catch((error: Error) =>
            failures.push(`${method.toUpperCase()} ${path}: ${error.message.split('\n').slice(0, 12).join('\n')}`),
          );
      }
      expect(failures).toEqual([]);
    },
    60_000 + RUNS_PER_ROUTE * 1_500,
  );
});

/** Inputs the fuzzing found answering 500 once; each stays a 400 with nothing written. */
describe('fuzz regressions', () => {
  let t: TestApp;
  const user = newUserId('fuzz-regression');

  beforeAll(async () => {
    t = await createTestApp({ WORKER_ENABLED: 'false', QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-fuzz` });
  });

  afterAll(async () => {
    await t?.close();
  });

  // PostgreSQL stores U+0000 neither in text nor in jsonb: the INSERT failed with 22021 (a 500).
  it.each([
    ['post', '/collections', { name: 'a\u0000b' }],
    ['post', '/template', { name: 'T', type: 'text', prompt: 'Hello\u0000', variables: [] }],
    ['post', '/image/generate', { prompt: 'A lighthouse', model: 'placeholder', size: '256x256', title: '\u0000' }],
    ['post', '/content/improve', { original: 'text', goal: 'clearer', title: '\u0000' }],
  ] as const)('%s %s with a NUL character is a 400', async (method, path, body) => {
    const res = await t.http[method](`${BASE}${path}`).set(bearer(user)).send(body).expect(400);
    expect(res.body).toMatchObject({
      success: false,
      error: 'VALIDATION_FAILED',
      message: expect.stringContaining('NUL character'),
    });
  });

  it('a NUL character in a JSON key or a query string is a 400 too', async () => {
    const asset = assetRow(user);
    await t.prisma.creativeAsset.createMany({ data: [asset] as never });
    await t.http
      .patch(`${BASE}/asset/${asset.id}`)
      .set(bearer(user))
      .send({ metadata: { 'k\u0000': 1 } })
      .expect(400);
    await t.http.get(`${BASE}/assets`).query({ search: 'a\u0000' }).set(bearer(user)).expect(400);
    expect(await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: asset.id } })).toMatchObject({
      metadata: null,
    });
  });

  it('saveAsset (the host-app API) refuses NUL characters with a ValidationError', async () => {
    const failure = t.app
      .get(AssetsService)
      .saveAsset(user, { type: 'text', sourceModule: 'host', title: 'T\u0000', content: 'body' });
    await expect(failure).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('title must not contain the NUL character'),
    });
  });
});
