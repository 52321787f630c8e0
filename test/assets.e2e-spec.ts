import { mkdir, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AssetStatsService } from '../src/assets/asset-stats.service';
import { AssetsService } from '../src/assets/assets.service';
import { StoredFilesService } from '../src/assets/stored-files';
import { BASE as API, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId, pngBytes } from './support/factories';

describe('asset library: single-asset routes', () => {
  let t: TestApp;
  let assets: AssetsService;
  let deletions: StoredFilesService;

  beforeAll(async () => {
    t = await createTestApp();
    assets = t.app.get(AssetsService);
    deletions = t.app.get(StoredFilesService);
  });
  afterAll(() => t.close());

  const saveImage = async (userId: string, overrides: Partial<Parameters<AssetsService['saveAsset']>[1]> = {}) =>
    assets.saveAsset(userId, {
      type: 'image',
      sourceModule: 'image_generation',
      title: 'A red square',
      bytes: await pngBytes(),
      ...overrides,
    });
  const diskPath = (key: string) => path.join(t.config.storageDir, key);
  const exists = (file: string) =>
    stat(file).then(
      () => true,
      () => false,
    );
  const storedKeys = async (id: string) => {
    const row = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } });
    return { storageKey: row.storageKey as string, thumbnailKey: row.thumbnailKey as string };
  };
  async function countStoredFiles(): Promise<number> {
    const entries = await readdir(t.config.storageDir, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((entry) => entry.isFile()).length;
  }

  describe('saveAsset', () => {
    it('stores the file and a 320px WebP thumbnail, fills metadata from the bytes and hides storage keys', async () => {
      const owner = newUserId();
      const asset = await saveImage(owner, {
        tags: [' Logo', 'logo', 'BLUE'],
        cost: 0.04,
        seed: '18446744073709551',
        provider: 'placeholder',
      });
      expect(asset).toMatchObject({
        type: 'image',
        width: 640,
        height: 480,
        format: 'png',
        mimeType: 'image/png',
        cost: 0.04,
        seed: '18446744073709551',
        tags: ['logo', 'blue'],
        url: `${API}/asset/${asset.id}/file`,
        thumbnailUrl: `${API}/asset/${asset.id}/thumbnail`,
      });
      expect(asset).not.toHaveProperty('storageKey');
      expect(asset).not.toHaveProperty('thumbnailKey');
      const keys = await storedKeys(asset.id);
      expect(keys.storageKey).toMatch(/^\d{4}\/\d{2}\/[0-9a-f-]{36}\.png$/);
      expect(keys.thumbnailKey).toMatch(/\.webp$/);

      const file = await t.http.get(`${API}/asset/${asset.id}/file`).set(bearer(owner)).expect(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(file.body as Buffer, await pngBytes())).toBe(0);
      const thumbnail = await t.http.get(`${API}/asset/${asset.id}/thumbnail`).set(bearer(owner)).expect(200);
      expect(thumbnail.headers['content-type']).toBe('image/webp');
      const sharp = (await import('sharp')).default;
      expect(await sharp(thumbnail.body as Buffer).metadata()).toMatchObject({
        format: 'webp',
        width: 320,
        height: 240,
      });
    });

    it('saves a text asset whose file is its content as text/plain', async () => {
      const owner = newUserId();
      const asset = await assets.saveAsset(owner, {
        type: 'text',
        sourceModule: 'content_creation',
        title: 'Slogan',
        content: 'Bold ideas, gently made.',
      });
      expect(asset).toMatchObject({
        type: 'text',
        content: 'Bold ideas, gently made.',
        mimeType: 'text/plain',
        fileSize: 24,
        thumbnailUrl: null,
      });
      const file = await t.http.get(`${API}/asset/${asset.id}/file`).set(bearer(owner)).expect(200);
      expect(file.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(file.text).toBe('Bold ideas, gently made.');
      await t.http.get(`${API}/asset/${asset.id}/thumbnail`).set(bearer(owner)).expect(404);
    });

    it('refuses bad input with a ValidationError listing every problem, storing nothing', async () => {
      const before = await countStoredFiles();
      await expect(
        assets.saveAsset(newUserId(), {
          type: 'image',
          sourceModule: 'bad module!',
          title: ' ',
          bytes: Buffer.from('not an image'),
          cost: -1,
        }),
      ).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        details: expect.arrayContaining([
          expect.objectContaining({ field: 'title' }),
          expect.objectContaining({ field: 'cost' }),
          expect.objectContaining({ field: 'sourceModule' }),
        ]),
      });
      await expect(
        assets.saveAsset(newUserId(), { type: 'image', sourceModule: 'x', title: 'x', bytes: Buffer.from('<svg/>') }),
      ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await countStoredFiles()).toBe(before);
    });

    it('deletes the stored files when the insert fails (foreign generationId)', async () => {
      const other = newUserId();
      const job = await t.prisma.generationJob.create({
        data: { userId: other, type: 'image_generation', prompt: 'p' },
      });
      const before = await countStoredFiles();
      await expect(saveImage(newUserId(), { generationId: job.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await countStoredFiles()).toBe(before);
    });

    it("two-phase API: the row is inserted inside the caller's transaction, and discarded files vanish on rollback", async () => {
      const owner = newUserId();
      const prepared = await assets.prepareAssetFiles(owner, {
        type: 'image',
        sourceModule: 'image_generation',
        title: 'two-phase',
        bytes: await pngBytes(),
      });
      expect(prepared.url).toBe(`${API}/asset/${prepared.id}/file`);
      await expect(
        t.prisma.$transaction(async (tx) => {
          await assets.createPreparedAsset(owner, prepared, tx);
          throw new Error("the caller's transaction fails");
        }),
      ).rejects.toThrow("the caller's transaction fails");
      expect(await t.prisma.creativeAsset.findUnique({ where: { id: prepared.id } })).toBeNull();
      await assets.discardPreparedAsset(prepared);
      for (const { key } of prepared.storedFiles) expect(await exists(diskPath(key))).toBe(false);

      const committed = await assets.prepareAssetFiles(owner, {
        type: 'image',
        sourceModule: 'image_generation',
        title: 'two-phase ok',
        bytes: await pngBytes(),
      });
      const saved = await t.prisma.$transaction((tx) => assets.createPreparedAsset(owner, committed, tx));
      expect(saved.id).toBe(committed.id);
      await expect(assets.createPreparedAsset(owner, committed)).rejects.toMatchObject({ code: 'P2002' });
    });
  });

  describe("visibility: someone else's private asset is 404 everywhere; a public one is readable, not changeable", () => {
    const owner = newUserId('owner');
    const stranger = newUserId('stranger');
    let privateId: string;
    let publicId: string;
    let strangersCollectionId: string;

    beforeAll(async () => {
      privateId = (await saveImage(owner, { title: 'private' })).id;
      publicId = (await saveImage(owner, { title: 'public', isPublic: true })).id;
      strangersCollectionId = (
        await t.http.post(`${API}/collections`).set(bearer(stranger)).send({ name: 'mine' }).expect(201)
      ).body.id;
    });

    type Call = (id: string) => { method: 'get' | 'post' | 'patch' | 'delete'; url: string; body?: object };
    const routes: [string, Call, number][] = [
      // [route, request, status for someone else's PUBLIC asset]
      ['GET /asset/:id', (id) => ({ method: 'get', url: `/asset/${id}` }), 200],
      ['GET /asset/:id/file', (id) => ({ method: 'get', url: `/asset/${id}/file` }), 200],
      ['GET /asset/:id/thumbnail', (id) => ({ method: 'get', url: `/asset/${id}/thumbnail` }), 200],
      [
        'POST /asset/:id/usage view',
        (id) => ({ method: 'post', url: `/asset/${id}/usage`, body: { action: 'view' } }),
        200,
      ],
      [
        'POST /asset/:id/usage download',
        (id) => ({ method: 'post', url: `/asset/${id}/usage`, body: { action: 'download' } }),
        200,
      ],
      [
        'POST /asset/:id/usage share',
        (id) => ({ method: 'post', url: `/asset/${id}/usage`, body: { action: 'share' } }),
        200,
      ],
      [
        'POST /asset/:id/usage use',
        (id) => ({ method: 'post', url: `/asset/${id}/usage`, body: { action: 'use' } }),
        403,
      ],
      ['PATCH /asset/:id', (id) => ({ method: 'patch', url: `/asset/${id}`, body: { title: 'hijacked' } }), 403],
      ['POST /asset/:id/favorite', (id) => ({ method: 'post', url: `/asset/${id}/favorite` }), 403],
      ['POST /asset/:id/tags', (id) => ({ method: 'post', url: `/asset/${id}/tags`, body: { tags: ['spam'] } }), 403],
      [
        'POST /collection/:own/assets',
        (id) => ({ method: 'post', url: `/collection/${strangersCollectionId}/assets`, body: { assetIds: [id] } }),
        403,
      ],
      ['DELETE /asset/:id', (id) => ({ method: 'delete', url: `/asset/${id}` }), 403],
    ];

    it.each(routes)('%s', async (_name, call, publicStatus) => {
      const send = (id: string) => {
        const { method, url, body } = call(id);
        const req = t.http[method](`${API}${url}`).set(bearer(stranger));
        return body ? req.send(body) : req;
      };
      const hidden = await send(privateId);
      expect(hidden.status).toBe(404);
      expect(hidden.body).toMatchObject({ success: false, statusCode: 404, error: 'NOT_FOUND' });
      const shown = await send(publicId);
      expect(shown.status).toBe(publicStatus);
      if (publicStatus === 403) expect(shown.body).toMatchObject({ success: false, error: 'FORBIDDEN' });
      // Nothing a stranger did changed the owner's rows.
      const rows = await t.prisma.creativeAsset.findMany({
        where: { id: { in: [privateId, publicId] } },
        orderBy: { title: 'asc' },
      });
      expect(rows.map((row) => [row.title, row.isFavorite, row.tags, row.useCount])).toEqual([
        ['private', false, [], 0],
        ['public', false, [], 0],
      ]);
    });

    it('a missing asset is a 404 on usage (never a silent success), and a bad id a 400', async () => {
      await t.http
        .post(`${API}/asset/00000000-0000-4000-8000-000000000000/usage`)
        .set(bearer(owner))
        .send({ action: 'view' })
        .expect(404);
      await t.http.get(`${API}/asset/not-a-uuid`).set(bearer(owner)).expect(400);
    });

    it("GET /assets lists only the caller's own assets, public or not", async () => {
      const res = await t.http.get(`${API}/assets`).set(bearer(stranger)).expect(200);
      expect(res.body).toEqual({ items: [], nextCursor: null });
    });
  });

  describe('PATCH /asset/:id', () => {
    const owner = newUserId();
    let id: string;
    beforeAll(async () => {
      id = (await saveImage(owner, { cost: 0.02, provider: 'openai' })).id;
    });

    it('edits the user-editable fields, normalizing tags', async () => {
      const res = await t.http
        .patch(`${API}/asset/${id}`)
        .set(bearer(owner))
        .send({
          title: ' New title ',
          description: 'd',
          category: 'ads',
          tags: ['A', 'a', ' b '],
          isPublic: true,
          isFavorite: true,
          metadata: { campaign: 7 },
        })
        .expect(200);
      expect(res.body).toMatchObject({
        title: 'New title',
        description: 'd',
        category: 'ads',
        tags: ['a', 'b'],
        isPublic: true,
        isFavorite: true,
        metadata: { campaign: 7 },
      });
    });

    it.each([
      ['userId', 'someone-else'],
      ['url', '/etc/passwd'],
      ['storageKey', '../../etc/passwd'],
      ['thumbnailKey', '2026/01/x.webp'],
      ['cost', 0],
      ['provider', 'free'],
      ['model', 'x'],
      ['viewCount', 1000],
      ['downloadCount', 1000],
      ['shareCount', 1000],
      ['useCount', 1000],
      ['type', 'video'],
      ['sourceModule', 'x'],
      ['createdAt', '2020-01-01T00:00:00Z'],
      ['id', '00000000-0000-4000-8000-000000000000'],
    ])('rejects the server-owned field %s with 400 and changes nothing', async (field, value) => {
      const before = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } });
      const res = await t.http
        .patch(`${API}/asset/${id}`)
        .set(bearer(owner))
        .send({ title: 'sneaky', [field]: value })
        .expect(400);
      expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
      expect(res.body.message).toContain(field);
      expect(await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } })).toEqual(before);
    });

    it('refuses invalid tags and oversized metadata', async () => {
      await t.http
        .patch(`${API}/asset/${id}`)
        .set(bearer(owner))
        .send({ tags: ['x'.repeat(65)] })
        .expect(400);
      await t.http
        .patch(`${API}/asset/${id}`)
        .set(bearer(owner))
        .send({ tags: ['  '] })
        .expect(400);
      await t.http
        .patch(`${API}/asset/${id}`)
        .set(bearer(owner))
        .send({ metadata: { blob: 'x'.repeat(70_000) } })
        .expect(400);
      await t.http.patch(`${API}/asset/${id}`).set(bearer(owner)).send({ title: '' }).expect(400);
    });
  });

  describe('favorite and tags', () => {
    it('favorite toggles and answers { success, isFavorite }', async () => {
      const owner = newUserId();
      const { id } = await assets.saveAsset(owner, { type: 'text', sourceModule: 'm', title: 't', content: 'c' });
      expect((await t.http.post(`${API}/asset/${id}/favorite`).set(bearer(owner)).expect(200)).body).toEqual({
        success: true,
        isFavorite: true,
      });
      expect((await t.http.post(`${API}/asset/${id}/favorite`).set(bearer(owner)).expect(200)).body).toEqual({
        success: true,
        isFavorite: false,
      });
      // An empty JSON body (or one without `favorite`) toggles too.
      expect((await t.http.post(`${API}/asset/${id}/favorite`).set(bearer(owner)).send({}).expect(200)).body).toEqual({
        success: true,
        isFavorite: true,
      });
      expect((await t.http.post(`${API}/asset/${id}/favorite`).set(bearer(owner)).send({}).expect(200)).body).toEqual({
        success: true,
        isFavorite: false,
      });
    });

    it('favorite with { favorite: true|false } sets that value, idempotently', async () => {
      const owner = newUserId();
      const { id } = await assets.saveAsset(owner, { type: 'text', sourceModule: 'm', title: 't', content: 'c' });
      const favorite = async (body: Record<string, unknown>) =>
        (await t.http.post(`${API}/asset/${id}/favorite`).set(bearer(owner)).send(body).expect(200)).body;
      const stored = async () => (await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } })).isFavorite;
      expect(await favorite({ favorite: false })).toEqual({ success: true, isFavorite: false });
      expect(await favorite({ favorite: false })).toEqual({ success: true, isFavorite: false });
      expect(await stored()).toBe(false);
      expect(await favorite({ favorite: true })).toEqual({ success: true, isFavorite: true });
      expect(await favorite({ favorite: true })).toEqual({ success: true, isFavorite: true });
      expect(await stored()).toBe(true);
      expect(await favorite({ favorite: false })).toEqual({ success: true, isFavorite: false });
      expect(await stored()).toBe(false);
    });

    it.each([['yes'], ['false'], [0], [null], [{}]])(
      'favorite refuses favorite: %j with a 400 and changes nothing',
      async (value) => {
        const owner = newUserId();
        const { id } = await assets.saveAsset(owner, { type: 'text', sourceModule: 'm', title: 't', content: 'c' });
        const res = await t.http
          .post(`${API}/asset/${id}/favorite`)
          .set(bearer(owner))
          .send({ favorite: value })
          .expect(400);
        expect(res.body).toMatchObject({
          success: false,
          statusCode: 400,
          error: 'VALIDATION_FAILED',
          details: [{ field: 'favorite', problems: [expect.any(String)] }],
        });
        expect((await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } })).isFavorite).toBe(false);
        await t.http
          .post(`${API}/asset/${id}/favorite`)
          .set(bearer(owner))
          .send({ favorite: true, other: 1 })
          .expect(400);
      },
    );

    it('tags are trimmed, lowercased, deduplicated, merged with existing ones and capped at 50', async () => {
      const owner = newUserId();
      const { id } = await assets.saveAsset(owner, {
        type: 'text',
        sourceModule: 'm',
        title: 't',
        content: 'c',
        tags: ['logo'],
      });
      const res = await t.http
        .post(`${API}/asset/${id}/tags`)
        .set(bearer(owner))
        .send({ tags: [' LOGO ', 'Blue', 'blue', 'ad'] })
        .expect(200);
      expect(res.body.tags).toEqual(['logo', 'blue', 'ad']);
      await t.http
        .post(`${API}/asset/${id}/tags`)
        .set(bearer(owner))
        .send({ tags: ['x'.repeat(65)] })
        .expect(400);
      await t.http
        .post(`${API}/asset/${id}/tags`)
        .set(bearer(owner))
        .send({ tags: [''] })
        .expect(400);
      await t.http.post(`${API}/asset/${id}/tags`).set(bearer(owner)).send({ tags: [] }).expect(400);
      const fortySeven = Array.from({ length: 47 }, (_, i) => `t${i}`);
      await t.http.post(`${API}/asset/${id}/tags`).set(bearer(owner)).send({ tags: fortySeven }).expect(200);
      const tooMany = await t.http
        .post(`${API}/asset/${id}/tags`)
        .set(bearer(owner))
        .send({ tags: ['one-more'] })
        .expect(400);
      expect(tooMany.body.message).toContain('at most 50');
      expect((await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } })).tags).toHaveLength(50);
    });

    it('concurrent tag additions never exceed the cap', async () => {
      const owner = newUserId();
      const { id } = await assets.saveAsset(owner, {
        type: 'text',
        sourceModule: 'm',
        title: 't',
        content: 'c',
        tags: Array.from({ length: 45 }, (_, i) => `t${i}`),
      });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.http
            .post(`${API}/asset/${id}/tags`)
            .set(bearer(owner))
            .send({ tags: [`new${i}`] }),
        ),
      );
      expect(results.filter((res) => res.status === 200)).toHaveLength(5);
      expect(results.filter((res) => res.status === 400)).toHaveLength(5);
      expect((await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } })).tags).toHaveLength(50);
    });
  });

  describe('usage', () => {
    it('200 concurrent usage posts count exactly 200 and set lastUsedAt, without touching updatedAt', async () => {
      const owner = newUserId();
      const { id, updatedAt } = await assets.saveAsset(owner, {
        type: 'text',
        sourceModule: 'm',
        title: 't',
        content: 'c',
      });
      const responses = await Promise.all(
        Array.from({ length: 200 }, () =>
          t.http.post(`${API}/asset/${id}/usage`).set(bearer(owner)).send({ action: 'download' }),
        ),
      );
      expect(responses.every((res) => res.status === 200)).toBe(true);
      const row = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ downloadCount: 200, viewCount: 0, shareCount: 0, useCount: 0 });
      expect(row.lastUsedAt).not.toBeNull();
      expect(row.updatedAt).toEqual(updatedAt);
      expect(Math.max(...responses.map((res) => res.body.downloadCount))).toBe(200);
    });

    it('each action increments its own counter; unknown actions are a 400', async () => {
      const owner = newUserId();
      const { id } = await assets.saveAsset(owner, { type: 'text', sourceModule: 'm', title: 't', content: 'c' });
      for (const action of ['view', 'share', 'use', 'use']) {
        await t.http.post(`${API}/asset/${id}/usage`).set(bearer(owner)).send({ action }).expect(200);
      }
      const res = await t.http.post(`${API}/asset/${id}/usage`).set(bearer(owner)).send({ action: 'view' }).expect(200);
      expect(res.body).toMatchObject({
        success: true,
        action: 'view',
        viewCount: 2,
        downloadCount: 0,
        shareCount: 1,
        useCount: 2,
      });
      await t.http.post(`${API}/asset/${id}/usage`).set(bearer(owner)).send({ action: 'like' }).expect(400);
    });
  });

  describe('DELETE /asset/:id', () => {
    it('removes the row, its collection links and its files; file and thumbnail become unreachable', async () => {
      const owner = newUserId();
      const asset = await saveImage(owner);
      const keys = await storedKeys(asset.id);
      const collection = (await t.http.post(`${API}/collections`).set(bearer(owner)).send({ name: 'c' }).expect(201))
        .body;
      await t.http
        .post(`${API}/collection/${collection.id}/assets`)
        .set(bearer(owner))
        .send({ assetIds: [asset.id] })
        .expect(200);
      expect(await exists(diskPath(keys.storageKey))).toBe(true);
      expect(await exists(diskPath(keys.thumbnailKey))).toBe(true);

      await t.http.delete(`${API}/asset/${asset.id}`).set(bearer(owner)).expect(200, { success: true });

      expect(await exists(diskPath(keys.storageKey))).toBe(false);
      expect(await exists(diskPath(keys.thumbnailKey))).toBe(false);
      await t.http.get(`${API}/asset/${asset.id}`).set(bearer(owner)).expect(404);
      await t.http.get(`${API}/asset/${asset.id}/file`).set(bearer(owner)).expect(404);
      await t.http.get(`${API}/asset/${asset.id}/thumbnail`).set(bearer(owner)).expect(404);
      expect(await t.prisma.assetCollectionItem.count({ where: { assetId: asset.id } })).toBe(0);
      expect(
        (await t.http.get(`${API}/collection/${collection.id}`).set(bearer(owner)).expect(200)).body.assetCount,
      ).toBe(0);
      expect(
        await t.prisma.pendingFileDeletion.count({ where: { key: { in: [keys.storageKey, keys.thumbnailKey] } } }),
      ).toBe(0);
    });

    it('a file that cannot be deleted is recorded and deleted by the retry sweep; the row is gone at once', async () => {
      const owner = newUserId();
      const asset = await saveImage(owner);
      const { storageKey } = await storedKeys(asset.id);
      // A non-empty directory where the file was: removing it fails until it is emptied.
      await unlink(diskPath(storageKey));
      await mkdir(diskPath(storageKey));
      await writeFile(path.join(diskPath(storageKey), 'blocker'), 'x');

      await t.http.delete(`${API}/asset/${asset.id}`).set(bearer(owner)).expect(200);
      expect(await t.prisma.creativeAsset.findUnique({ where: { id: asset.id } })).toBeNull();
      const pending = await t.prisma.pendingFileDeletion.findUniqueOrThrow({ where: { key: storageKey } });
      expect(pending.attempts).toBe(1);
      expect(pending.lastError).toBeTruthy();

      await rm(diskPath(storageKey), { recursive: true });
      await writeFile(diskPath(storageKey), 'the file is back and deletable');
      expect(await deletions.retryPendingDeletions()).toMatchObject({ deleted: 1, failed: 0 });
      expect(await exists(diskPath(storageKey))).toBe(false);
      expect(await t.prisma.pendingFileDeletion.findUnique({ where: { key: storageKey } })).toBeNull();
    });
  });

  it('listAssets is callable from host code with only the filters it needs (GET /images passes type=image)', async () => {
    const owner = newUserId();
    const image = await saveImage(owner);
    await assets.saveAsset(owner, { type: 'text', sourceModule: 'm', title: 't', content: 'c' });
    expect(await assets.listAssets(owner, { type: 'image' })).toEqual({
      items: [expect.objectContaining({ id: image.id })],
      nextCursor: null,
    });
    expect((await assets.listAssets(owner, { limit: 1 })).nextCursor).toEqual(expect.any(String));
  });

  it('documents every asset and collection route in OpenAPI, without storage keys in the asset schema', async () => {
    const { body } = await t.http.get('/docs-json').expect(200);
    for (const route of [
      '/assets',
      '/assets/stats',
      '/asset/{id}',
      '/asset/{id}/favorite',
      '/asset/{id}/tags',
      '/asset/{id}/usage',
      '/asset/{id}/file',
      '/asset/{id}/thumbnail',
      '/collections',
      '/collection/{id}',
      '/collection/{id}/assets',
    ]) {
      expect(body.paths).toHaveProperty([`${API}${route}`]);
    }
    expect(Object.keys(body.components.schemas.AssetResponseDto.properties)).not.toEqual(
      expect.arrayContaining(['storageKey']),
    );
    expect(body.components.schemas.AssetResponseDto.properties).not.toHaveProperty('thumbnailKey');
    expect(body.components.schemas.AssetResponseDto.properties).not.toHaveProperty('searchVector');
  });

  it('GET /assets/stats aggregates counts, cost by provider/model/day and usage over a date range', async () => {
    const owner = newUserId();
    const day1 = new Date('2026-03-01T10:00:00Z');
    const day2 = new Date('2026-03-02T23:59:00Z');
    await t.prisma.creativeAsset.createMany({
      data: [
        assetRow(owner, {
          type: 'image',
          sourceModule: 'image_generation',
          provider: 'openai',
          model: 'gpt-image-1',
          cost: '0.040000',
          createdAt: day1,
          viewCount: 3,
        }),
        assetRow(owner, {
          type: 'image',
          sourceModule: 'image_generation',
          provider: 'openai',
          model: 'gpt-image-2',
          cost: '0.010000',
          createdAt: day2,
          downloadCount: 2,
        }),
        assetRow(owner, {
          type: 'text',
          sourceModule: 'content_creation',
          provider: 'openai',
          model: 'gpt-5-mini',
          cost: '0.000500',
          createdAt: day2,
          useCount: 1,
        }),
        assetRow(owner, { type: 'text', sourceModule: 'crm', createdAt: day2, shareCount: 4 }),
        assetRow(owner, {
          type: 'image',
          sourceModule: 'image_generation',
          provider: 'openai',
          model: 'gpt-image-1',
          cost: '9.000000',
          createdAt: new Date('2026-04-01T00:00:00Z'),
        }),
        assetRow(newUserId(), {
          type: 'image',
          provider: 'openai',
          model: 'gpt-image-1',
          cost: '5.000000',
          createdAt: day1,
        }),
      ] as never,
    });
    const res = await t.http
      .get(`${API}/assets/stats`)
      .query({ createdFrom: '2026-03-01', createdTo: '2026-03-03' })
      .set(bearer(owner))
      .expect(200);
    expect(res.body).toEqual({
      totalAssets: 4,
      totalCost: 0.0505,
      usage: { views: 3, downloads: 2, shares: 4, uses: 1 },
      byType: expect.arrayContaining([
        { type: 'image', count: 2, cost: 0.05 },
        { type: 'text', count: 2, cost: 0.0005 },
      ]),
      bySourceModule: expect.arrayContaining([
        { sourceModule: 'image_generation', count: 2, cost: 0.05 },
        { sourceModule: 'content_creation', count: 1, cost: 0.0005 },
        { sourceModule: 'crm', count: 1, cost: 0 },
      ]),
      costByProvider: [
        { provider: 'openai', count: 3, cost: 0.0505 },
        { provider: null, count: 1, cost: 0 },
      ],
      costByModel: [
        { provider: 'openai', model: 'gpt-image-1', count: 1, cost: 0.04 },
        { provider: 'openai', model: 'gpt-image-2', count: 1, cost: 0.01 },
        { provider: 'openai', model: 'gpt-5-mini', count: 1, cost: 0.0005 },
        { provider: null, model: null, count: 1, cost: 0 },
      ],
      costByDay: [
        { day: '2026-03-01', count: 1, cost: 0.04 },
        { day: '2026-03-02', count: 3, cost: 0.0105 },
      ],
    });
    expect(res.body.byType).toHaveLength(2);
    expect(res.body.bySourceModule).toHaveLength(3);
    // The body is the JSON text PostgreSQL wrote, sent as it is; host apps get the same answer as an object.
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text));
    await expect(
      t.app.get(AssetStatsService).getStats(owner, { createdFrom: '2026-03-01', createdTo: '2026-03-03' }),
    ).resolves.toEqual(res.body);
    const empty = await t.http.get(`${API}/assets/stats`).set(bearer(newUserId())).expect(200);
    expect(empty.body).toMatchObject({ totalAssets: 0, totalCost: 0, byType: [], costByDay: [] });
    await t.http
      .get(`${API}/assets/stats`)
      .query({ createdFrom: '2026-03-03', createdTo: '2026-03-01' })
      .set(bearer(owner))
      .expect(400);
    await t.http.get(`${API}/assets/stats`).query({ createdFrom: 'yesterday' }).set(bearer(owner)).expect(400);
  });
});
