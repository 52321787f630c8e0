import type { Response } from 'supertest';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import {
  assetRow,
  audioRequest,
  collectionRow,
  imageRequest,
  jobRow,
  newUserId,
  pngBytes,
  templateBody,
  templateRow,
} from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';

/**
 * Every /api/creative route (as /docs-json lists them) called by the owner of a row, by another user
 * against a private row and against a public one, and without a token, with the contract's answer for
 * each (docs/ARCHITECTURE.md §3): someone else's private row is a 404, a visible row the caller may not change is a
 * 403, no token is a 401. A route Swagger lists that this table does not cover fails the suite.
 */

type Method = 'get' | 'post' | 'patch' | 'delete';
/** The row a route acts on: named by its path parameter (or, for from-template, by the body). */
type RowKind = 'asset' | 'image' | 'collection' | 'template' | 'job' | 'finishedJob' | 'webhook';

/** A webhook target every rule accepts without DNS: https on a public IP literal. */
const WEBHOOK_URL = 'https://93.184.216.34/hooks';

interface Row {
  id: string;
}

interface CallContext {
  caller: string;
  row?: Row;
  /** An asset of the caller's own, for bodies that name assets. */
  ownAsset: () => Promise<string>;
}

interface RouteCase {
  method: Method;
  /** The OpenAPI path, e.g. /api/creative/asset/{id}. */
  path: string;
  /** Distinguishes several cases of one route. */
  variant?: string;
  row?: RowKind;
  /** The row is not in the path (e.g. templateId in the body). */
  rowInBody?: boolean;
  body?: (context: CallContext) => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Sent as a multipart form with a PNG in the `file` field (the body's values as fields). */
  multipart?: boolean;
  owner: number;
  /**
   * Another user. Against a row: `private`/`public` statuses (public undefined: the row kind is never
   * public). Without a row (lists): 200, and the owner's private row must not show.
   */
  stranger?: { private: number; public?: number } | 'list';
}

const READ = { private: 404, public: 200 };
const CHANGE = { private: 404, public: 403 };
const PRIVATE_ONLY = { private: 404 };
/** Using someone's public template or image is reading it: allowed, and what it makes is the caller's own. */
const READ_AND_CREATE = (created: number) => ({ private: 404, public: created });

const CASES: RouteCase[] = [
  { method: 'get', path: `${BASE}/me`, owner: 200 },
  { method: 'get', path: `${BASE}/models`, owner: 200 },
  { method: 'get', path: `${BASE}/limits`, owner: 200 },

  { method: 'get', path: `${BASE}/assets`, row: 'asset', owner: 200, stranger: 'list' },
  { method: 'get', path: `${BASE}/assets/stats`, owner: 200 },
  { method: 'get', path: `${BASE}/asset/{id}`, row: 'asset', owner: 200, stranger: READ },
  { method: 'get', path: `${BASE}/asset/{id}/lineage`, row: 'asset', owner: 200, stranger: READ },
  { method: 'post', path: `${BASE}/assets/upload`, multipart: true, body: () => ({ title: 'Matrix' }), owner: 201 },
  {
    method: 'patch',
    path: `${BASE}/asset/{id}`,
    row: 'asset',
    body: () => ({ title: 'Renamed' }),
    owner: 200,
    stranger: CHANGE,
  },
  { method: 'delete', path: `${BASE}/asset/{id}`, row: 'asset', owner: 200, stranger: CHANGE },
  { method: 'post', path: `${BASE}/asset/{id}/favorite`, row: 'asset', owner: 200, stranger: CHANGE },
  {
    method: 'post',
    path: `${BASE}/asset/{id}/tags`,
    row: 'asset',
    body: () => ({ tags: ['matrix'] }),
    owner: 200,
    stranger: CHANGE,
  },
  {
    method: 'post',
    path: `${BASE}/asset/{id}/usage`,
    variant: 'view',
    row: 'asset',
    body: () => ({ action: 'view' }),
    owner: 200,
    stranger: READ,
  },
  {
    method: 'post',
    path: `${BASE}/asset/{id}/usage`,
    variant: 'use',
    row: 'asset',
    body: () => ({ action: 'use' }),
    owner: 200,
    stranger: CHANGE,
  },
  { method: 'get', path: `${BASE}/asset/{id}/file`, row: 'asset', owner: 200, stranger: READ },
  { method: 'get', path: `${BASE}/asset/{id}/thumbnail`, row: 'image', owner: 200, stranger: READ },

  { method: 'post', path: `${BASE}/collections`, body: () => ({ name: 'Matrix' }), owner: 201 },
  { method: 'get', path: `${BASE}/collections`, row: 'collection', owner: 200, stranger: 'list' },
  { method: 'get', path: `${BASE}/collection/{id}`, row: 'collection', owner: 200, stranger: READ },
  {
    method: 'patch',
    path: `${BASE}/collection/{id}`,
    row: 'collection',
    body: () => ({ name: 'Renamed' }),
    owner: 200,
    stranger: CHANGE,
  },
  { method: 'delete', path: `${BASE}/collection/{id}`, row: 'collection', owner: 200, stranger: CHANGE },
  {
    method: 'post',
    path: `${BASE}/collection/{id}/assets`,
    row: 'collection',
    body: async ({ ownAsset }) => ({ assetIds: [await ownAsset()] }),
    owner: 200,
    stranger: CHANGE,
  },
  {
    method: 'delete',
    path: `${BASE}/collection/{id}/assets`,
    row: 'collection',
    body: async ({ ownAsset }) => ({ assetIds: [await ownAsset()] }),
    owner: 200,
    stranger: CHANGE,
  },

  { method: 'post', path: `${BASE}/template`, body: () => templateBody(), owner: 201 },
  { method: 'get', path: `${BASE}/template/{id}`, row: 'template', owner: 200, stranger: READ },
  { method: 'get', path: `${BASE}/templates`, row: 'template', owner: 200, stranger: 'list' },
  {
    method: 'patch',
    path: `${BASE}/template/{id}`,
    row: 'template',
    body: () => ({ name: 'Renamed' }),
    owner: 200,
    stranger: CHANGE,
  },
  { method: 'delete', path: `${BASE}/template/{id}`, row: 'template', owner: 200, stranger: CHANGE },

  { method: 'post', path: `${BASE}/content/generate`, body: () => ({ prompt: 'A haiku about rain' }), owner: 201 },
  {
    method: 'post',
    path: `${BASE}/content/improve`,
    body: () => ({ original: 'We sell good coffe', goal: 'clearer' }),
    owner: 201,
  },
  { method: 'post', path: `${BASE}/content/ideas`, body: () => ({ topic: 'Autumn menu', count: 3 }), owner: 201 },
  {
    method: 'post',
    path: `${BASE}/content/from-template`,
    row: 'template',
    rowInBody: true,
    body: ({ row }) => ({ templateId: row!.id, variables: { topic: 'rain' } }),
    owner: 201,
    stranger: READ_AND_CREATE(201),
  },

  { method: 'post', path: `${BASE}/image/generate`, body: () => imageRequest(), owner: 202 },
  { method: 'get', path: `${BASE}/image/{jobId}/status`, row: 'job', owner: 200, stranger: PRIVATE_ONLY },
  {
    method: 'post',
    path: `${BASE}/image/{assetId}/regenerate`,
    row: 'image',
    body: () => ({ steps: 3 }),
    owner: 202,
    stranger: READ_AND_CREATE(202),
  },
  { method: 'get', path: `${BASE}/images`, row: 'image', owner: 200, stranger: 'list' },
  {
    method: 'post',
    path: `${BASE}/image/{assetId}/edit`,
    row: 'image',
    body: () => ({ prompt: 'Make it winter' }),
    owner: 202,
    stranger: READ_AND_CREATE(202),
  },
  {
    method: 'post',
    path: `${BASE}/image/{assetId}/upscale`,
    row: 'image',
    body: () => ({ mode: 'fast' }),
    owner: 202,
    stranger: READ_AND_CREATE(202),
  },
  {
    method: 'post',
    path: `${BASE}/video/generate`,
    row: 'image',
    rowInBody: true,
    body: ({ row }) => ({ prompt: 'The scene comes alive', model: 'placeholder-video', referenceAssetId: row!.id }),
    owner: 202,
    stranger: READ_AND_CREATE(202),
  },
  { method: 'post', path: `${BASE}/audio/generate`, body: () => audioRequest(), owner: 202 },

  { method: 'get', path: `${BASE}/jobs`, row: 'job', owner: 200, stranger: 'list' },
  { method: 'get', path: `${BASE}/jobs/{jobId}`, row: 'job', owner: 200, stranger: PRIVATE_ONLY },
  { method: 'post', path: `${BASE}/jobs/{jobId}/cancel`, row: 'job', owner: 200, stranger: PRIVATE_ONLY },
  { method: 'get', path: `${BASE}/jobs/{jobId}/events`, row: 'finishedJob', owner: 200, stranger: PRIVATE_ONLY },

  {
    method: 'post',
    path: `${BASE}/webhooks`,
    body: () => ({ url: WEBHOOK_URL, events: ['job.completed'] }),
    owner: 201,
  },
  { method: 'get', path: `${BASE}/webhooks`, row: 'webhook', owner: 200, stranger: 'list' },
  { method: 'get', path: `${BASE}/webhook/{id}`, row: 'webhook', owner: 200, stranger: PRIVATE_ONLY },
  { method: 'delete', path: `${BASE}/webhook/{id}`, row: 'webhook', owner: 200, stranger: PRIVATE_ONLY },
  { method: 'post', path: `${BASE}/webhook/{id}/rotate-secret`, row: 'webhook', owner: 200, stranger: PRIVATE_ONLY },
  { method: 'get', path: `${BASE}/webhook/{id}/deliveries`, row: 'webhook', owner: 200, stranger: PRIVATE_ONLY },
];

/** Collects any body (JSON, bytes, an event stream) as text. */
function collectText(res: Response, done: (error: Error | null, body: string) => void): void {
  const stream = res as unknown as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
}

describe('access matrix: every route × owner, another user (private and public rows), no token', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let documentedRoutes: string[];
  let imageBytes: Buffer;

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      WORKER_ENABLED: 'false',
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-access-matrix`,
      OPENAI_API_KEY: 'sk-test-matrix',
      OPENAI_BASE_URL: fake.baseUrl,
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
    });
    imageBytes = await pngBytes(64, 48);
    const spec = (await t.http.get('/docs-json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    documentedRoutes = Object.entries(spec.paths)
      // A signed link is its own proof of access, whoever calls: test/signed-links.e2e-spec.ts covers it.
      .filter(([path]) => path.startsWith(`${BASE}/`) && !path.startsWith(`${BASE}/signed/`))
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const routeKey = (entry: RouteCase) => `${entry.method.toUpperCase()} ${entry.path}`;

  it('covers every /api/creative route Swagger lists, and lists no route Swagger does not know', () => {
    const covered = new Set(CASES.map(routeKey));
    expect(documentedRoutes.filter((route) => !covered.has(route))).toEqual([]);
    expect([...covered].filter((route) => !documentedRoutes.includes(route))).toEqual([]);
  });

  async function createRow(kind: RowKind, owner: string, isPublic: boolean): Promise<Row> {
    switch (kind) {
      case 'asset': {
        const row = assetRow(owner, { isPublic });
        await t.prisma.creativeAsset.createMany({ data: [row] as never });
        return row;
      }
      case 'image': {
        const asset = await t.app.get(AssetsService).saveAsset(owner, {
          type: 'image',
          sourceModule: 'image_generation',
          title: 'Matrix image',
          bytes: imageBytes,
          prompt: 'A lighthouse at dawn',
          provider: 'placeholder',
          model: 'placeholder',
        });
        await t.prisma.creativeAsset.update({ where: { id: asset.id }, data: { isPublic } });
        return asset;
      }
      case 'collection': {
        const row = collectionRow(owner, { isPublic });
        await t.prisma.assetCollection.createMany({ data: [row] as never });
        return row;
      }
      case 'template': {
        const row = templateRow(owner, { isPublic });
        await t.prisma.creativeTemplate.createMany({ data: [row] as never });
        return row;
      }
      case 'job':
      case 'finishedJob': {
        const row = jobRow(
          owner,
          kind === 'job' ? {} : { status: 'completed', progress: 100, completedAt: new Date() },
        );
        await t.prisma.generationJob.createMany({ data: [row] as never });
        return row;
      }
      case 'webhook':
        return t.prisma.webhookEndpoint.create({
          data: { userId: owner, url: WEBHOOK_URL, events: ['asset.created'], secret: 'whsec_matrix' },
        });
    }
  }

  async function call(
    entry: RouteCase,
    caller: string | undefined,
    row: Row | undefined,
  ): Promise<{ status: number; text: string }> {
    const url = entry.path.replace(/\{[^}]+\}/, () => (entry.rowInBody || !row ? '' : row.id));
    const userForBody = caller ?? newUserId();
    const context: CallContext = {
      caller: userForBody,
      row,
      ownAsset: async () => (await createRow('asset', userForBody, false)).id,
    };
    let request = t.http[entry.method](url).buffer(true).parse(collectText);
    if (caller) request = request.set(bearer(caller));
    const body = entry.body ? await entry.body(context) : undefined;
    if (entry.multipart) {
      for (const [name, value] of Object.entries(body ?? {})) request = request.field(name, String(value));
      request = request.attach('file', imageBytes, 'matrix.png');
    }
    const res = await (body && !entry.multipart ? request.send(body) : request);
    return { status: res.status, text: res.body as string };
  }

  const expectStatus = async (
    entry: RouteCase,
    result: Promise<{ status: number; text: string }>,
    expected: number,
    who: string,
  ) => {
    const { status, text } = await result;
    expect({
      route: routeKey(entry),
      variant: entry.variant,
      who,
      status,
      body: status === expected ? undefined : text.slice(0, 300),
    }).toEqual({
      route: routeKey(entry),
      variant: entry.variant,
      who,
      status: expected,
      body: undefined,
    });
    if (status >= 400)
      expect(JSON.parse(text)).toMatchObject({
        success: false,
        statusCode: expected,
        error: expect.any(String),
        message: expect.any(String),
      });
    return text;
  };

  describe.each(
    CASES.map((entry) => [`${routeKey(entry)}${entry.variant ? ` (${entry.variant})` : ''}`, entry] as const),
  )('%s', (_name, entry) => {
    it(`owner → ${entry.owner}`, async () => {
      const owner = newUserId('owner');
      const row = entry.row ? await createRow(entry.row, owner, false) : undefined;
      await expectStatus(entry, call(entry, owner, row), entry.owner, 'owner');
    });

    it('no token → 401', async () => {
      const row = entry.row ? await createRow(entry.row, newUserId('owner'), false) : undefined;
      await expectStatus(entry, call(entry, undefined, row), 401, 'anonymous');
    });

    const stranger = entry.stranger;
    if (stranger === 'list') {
      it('another user → 200 without the owner’s private row', async () => {
        const privateRow = await createRow(entry.row!, newUserId('owner'), false);
        const text = await expectStatus(entry, call(entry, newUserId('stranger'), undefined), 200, 'stranger');
        expect(text).not.toContain(privateRow.id);
      });
    } else if (stranger) {
      it(`another user, private row → ${stranger.private}`, async () => {
        const row = await createRow(entry.row!, newUserId('owner'), false);
        await expectStatus(entry, call(entry, newUserId('stranger'), row), stranger.private, 'stranger/private');
      });
      if (stranger.public !== undefined) {
        const expected = stranger.public;
        it(`another user, public row → ${expected}`, async () => {
          const row = await createRow(entry.row!, newUserId('owner'), true);
          await expectStatus(entry, call(entry, newUserId('stranger'), row), expected, 'stranger/public');
        });
      }
    }
  });
});
