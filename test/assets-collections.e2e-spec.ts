import type request from 'supertest';
import { BASE as API, bearer, createTestApp, TestApp } from './support/app';
import { assetRow, newUserId } from './support/factories';

describe('asset library: collections', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  async function seedAssets(userId: string, count: number, overrides: Record<string, unknown> = {}): Promise<string[]> {
    const rows = Array.from({ length: count }, () => assetRow(userId, overrides));
    await t.prisma.creativeAsset.createMany({ data: rows as never });
    return rows.map((row) => row.id);
  }
  const createCollection = async (userId: string, body: Record<string, unknown> = { name: 'Campaign' }) =>
    (await t.http.post(`${API}/collections`).set(bearer(userId)).send(body).expect(201)).body;

  it('creates, reads, renames and lists collections with correct asset counts', async () => {
    const owner = newUserId();
    const created = await createCollection(owner, {
      name: '  Spring launch ',
      description: 'Hero images',
      isPublic: false,
    });
    expect(created).toMatchObject({
      name: 'Spring launch',
      description: 'Hero images',
      isPublic: false,
      assetCount: 0,
      coverAssetId: null,
      userId: owner,
    });

    const ids = await seedAssets(owner, 3);
    const added = await t.http
      .post(`${API}/collection/${created.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [...ids, ids[0]] })
      .expect(200);
    expect(added.body).toEqual({ success: true, changed: 3, assetCount: 3 });
    const again = await t.http
      .post(`${API}/collection/${created.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [ids[1]] })
      .expect(200);
    expect(again.body).toEqual({ success: true, changed: 0, assetCount: 3 });

    const renamed = await t.http
      .patch(`${API}/collection/${created.id}`)
      .set(bearer(owner))
      .send({ name: 'Summer', coverAssetId: ids[2] })
      .expect(200);
    expect(renamed.body).toMatchObject({ name: 'Summer', coverAssetId: ids[2], assetCount: 3 });

    const inCollection = await t.http
      .get(`${API}/assets`)
      .query({ collectionId: created.id })
      .set(bearer(owner))
      .expect(200);
    expect(inCollection.body.items.map((item: { id: string }) => item.id).sort()).toEqual([...ids].sort());

    const removed = await t.http
      .delete(`${API}/collection/${created.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [ids[0], ids[0]] })
      .expect(200);
    expect(removed.body).toEqual({ success: true, changed: 1, assetCount: 2 });
    expect((await t.http.get(`${API}/collection/${created.id}`).set(bearer(owner)).expect(200)).body.assetCount).toBe(
      2,
    );
  });

  it('an asset can be in several collections; deleting a collection keeps its assets', async () => {
    const owner = newUserId();
    const [assetId] = await seedAssets(owner, 1);
    const first = await createCollection(owner, { name: 'one' });
    const second = await createCollection(owner, { name: 'two' });
    for (const collection of [first, second]) {
      await t.http
        .post(`${API}/collection/${collection.id}/assets`)
        .set(bearer(owner))
        .send({ assetIds: [assetId] })
        .expect(200);
    }
    await t.http.delete(`${API}/collection/${first.id}`).set(bearer(owner)).expect(200, { success: true });
    await t.http.get(`${API}/collection/${first.id}`).set(bearer(owner)).expect(404);
    await t.http.get(`${API}/asset/${assetId}`).set(bearer(owner)).expect(200);
    expect((await t.http.get(`${API}/collection/${second.id}`).set(bearer(owner)).expect(200)).body.assetCount).toBe(1);
  });

  describe('cover', () => {
    const cover = async (userId: string, id: string) =>
      (await t.http.get(`${API}/collection/${id}`).set(bearer(userId)).expect(200)).body.coverAssetId;
    const add = (userId: string, id: string, assetIds: string[]) =>
      t.http.post(`${API}/collection/${id}/assets`).set(bearer(userId)).send({ assetIds }).expect(200);
    const remove = (userId: string, id: string, assetIds: string[]) =>
      t.http.delete(`${API}/collection/${id}/assets`).set(bearer(userId)).send({ assetIds }).expect(200);

    it('defaults to the most recently added member, in GET, the list and PATCH answers alike', async () => {
      const owner = newUserId();
      const collection = await createCollection(owner);
      const [older, newer] = await seedAssets(owner, 2);
      await add(owner, collection.id, [older]);
      expect(await cover(owner, collection.id)).toBe(older);
      await add(owner, collection.id, [newer]);
      expect(await cover(owner, collection.id)).toBe(newer);
      const listed = await t.http.get(`${API}/collections`).set(bearer(owner)).expect(200);
      expect(listed.body.items).toEqual([
        expect.objectContaining({ id: collection.id, coverAssetId: newer, assetCount: 2 }),
      ]);
      const renamed = await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ name: 'renamed' })
        .expect(200);
      expect(renamed.body.coverAssetId).toBe(newer);
      // Re-adding a member does not make it newer; among assets added together, the newest asset wins.
      await add(owner, collection.id, [older]);
      expect(await cover(owner, collection.id)).toBe(newer);
      const [batchOld, batchNew] = await seedAssets(owner, 2);
      await t.prisma.creativeAsset.update({
        where: { id: batchOld },
        data: { createdAt: new Date('2020-01-01T00:00:00Z') },
      });
      await add(owner, collection.id, [batchNew, batchOld]);
      expect(await cover(owner, collection.id)).toBe(batchNew);
    });

    it('falls back to the newest remaining member when the cover is removed or deleted, then to null', async () => {
      const owner = newUserId();
      const collection = await createCollection(owner);
      const [first, second, third] = await seedAssets(owner, 3);
      for (const assetId of [first, second, third]) await add(owner, collection.id, [assetId]);
      expect(await cover(owner, collection.id)).toBe(third);
      await remove(owner, collection.id, [third]);
      expect(await cover(owner, collection.id)).toBe(second);
      await t.http.delete(`${API}/asset/${second}`).set(bearer(owner)).expect(200);
      expect(await cover(owner, collection.id)).toBe(first);
      await remove(owner, collection.id, [first]);
      expect(await cover(owner, collection.id)).toBeNull();
    });

    it('a cover chosen by PATCH stays as members are added, until it is removed, deleted or set to null', async () => {
      const owner = newUserId();
      const collection = await createCollection(owner);
      const [chosen, other, later] = await seedAssets(owner, 3);
      await add(owner, collection.id, [chosen, other]);
      await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ coverAssetId: chosen })
        .expect(200);
      await add(owner, collection.id, [later]);
      expect(await cover(owner, collection.id)).toBe(chosen);
      await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ name: 'still chosen' })
        .expect(200);
      expect(await cover(owner, collection.id)).toBe(chosen);
      // Removing the chosen cover brings back the default, and it does not come back when re-added.
      await remove(owner, collection.id, [chosen]);
      expect(await cover(owner, collection.id)).toBe(later);
      expect(
        (await t.prisma.assetCollection.findUniqueOrThrow({ where: { id: collection.id } })).coverAssetId,
      ).toBeNull();
      await add(owner, collection.id, [chosen]);
      expect(await cover(owner, collection.id)).toBe(chosen);
      await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ coverAssetId: other })
        .expect(200);
      await t.http.delete(`${API}/asset/${other}`).set(bearer(owner)).expect(200);
      expect(await cover(owner, collection.id)).toBe(chosen);
      const cleared = await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ coverAssetId: later })
        .expect(200);
      expect(cleared.body.coverAssetId).toBe(later);
      const reset = await t.http
        .patch(`${API}/collection/${collection.id}`)
        .set(bearer(owner))
        .send({ coverAssetId: null })
        .expect(200);
      expect(reset.body.coverAssetId).toBe(chosen);
    });
  });

  it('the cover must be an asset of the collection', async () => {
    const owner = newUserId();
    const collection = await createCollection(owner);
    const [outsider] = await seedAssets(owner, 1);
    const res = await t.http
      .patch(`${API}/collection/${collection.id}`)
      .set(bearer(owner))
      .send({ coverAssetId: outsider })
      .expect(400);
    expect(res.body.message).toContain('coverAssetId');
  });

  it("GET /collections pages through the caller's collections only, newest first", async () => {
    const owner = newUserId();
    const created: string[] = [];
    for (let i = 0; i < 5; i += 1) created.push((await createCollection(owner, { name: `c${i}` })).id);
    await createCollection(newUserId(), { name: 'not yours', isPublic: true });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: request.Response = await t.http
        .get(`${API}/collections`)
        .query({ limit: 2, ...(cursor ? { cursor } : {}) })
        .set(bearer(owner))
        .expect(200);
      seen.push(...res.body.items.map((item: { id: string }) => item.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    // Newest first, ties on the millisecond broken by id (descending).
    const expected = await t.prisma.assetCollection.findMany({
      where: { userId: owner },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
    expect(seen).toEqual(expected.map((row) => row.id));
    expect([...seen].sort()).toEqual([...created].sort());
  });

  it("only your own assets can be added: others' private → 404, others' public → 403, nothing added", async () => {
    const owner = newUserId();
    const other = newUserId();
    const collection = await createCollection(owner);
    const [mine] = await seedAssets(owner, 1);
    const [theirPrivate] = await seedAssets(other, 1);
    const [theirPublic] = await seedAssets(other, 1, { isPublic: true });
    await t.http
      .post(`${API}/collection/${collection.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [mine, theirPrivate] })
      .expect(404);
    await t.http
      .post(`${API}/collection/${collection.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [mine, theirPublic] })
      .expect(403);
    expect(await t.prisma.assetCollectionItem.count({ where: { collectionId: collection.id } })).toBe(0);
    await t.http
      .post(`${API}/collection/${collection.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: ['not-a-uuid'] })
      .expect(400);
    await t.http
      .post(`${API}/collection/${collection.id}/assets`)
      .set(bearer(owner))
      .send({ assetIds: [] })
      .expect(400);
  });

  describe("visibility: someone else's private collection is 404; a public one is readable, not changeable", () => {
    const owner = newUserId('owner');
    const stranger = newUserId('stranger');
    let privateId: string;
    let publicId: string;
    let assetId: string;
    beforeAll(async () => {
      [assetId] = await seedAssets(owner, 1);
      privateId = (await createCollection(owner, { name: 'private' })).id;
      publicId = (await createCollection(owner, { name: 'public', isPublic: true })).id;
    });

    it.each<
      [string, (id: string) => { method: 'get' | 'post' | 'patch' | 'delete'; url: string; body?: object }, number]
    >([
      ['GET /collection/:id', (id) => ({ method: 'get', url: `/collection/${id}` }), 200],
      ['PATCH /collection/:id', (id) => ({ method: 'patch', url: `/collection/${id}`, body: { name: 'x' } }), 403],
      [
        'POST /collection/:id/assets',
        (id) => ({ method: 'post', url: `/collection/${id}/assets`, body: { assetIds: [assetId] } }),
        403,
      ],
      [
        'DELETE /collection/:id/assets',
        (id) => ({ method: 'delete', url: `/collection/${id}/assets`, body: { assetIds: [assetId] } }),
        403,
      ],
      ['DELETE /collection/:id', (id) => ({ method: 'delete', url: `/collection/${id}` }), 403],
    ])('%s', async (_name, call, publicStatus) => {
      const send = (id: string) => {
        const { method, url, body } = call(id);
        const req = t.http[method](`${API}${url}`).set(bearer(stranger));
        return body ? req.send(body) : req;
      };
      expect((await send(privateId)).status).toBe(404);
      expect((await send(publicId)).status).toBe(publicStatus);
      expect(
        await t.prisma.assetCollection.count({ where: { id: { in: [privateId, publicId] }, userId: owner } }),
      ).toBe(2);
    });

    it("GET /assets?collectionId= of someone else's collection is a 404", async () => {
      await t.http.get(`${API}/assets`).query({ collectionId: publicId }).set(bearer(stranger)).expect(404);
    });
  });
});
