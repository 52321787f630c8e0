import { AssetsService } from '../src/assets/assets.service';
import type { SaveAssetInput } from '../src/assets/save-asset-input';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { waitForJobStatus } from './support/image-jobs';

describe('GET /asset/:id/lineage: ancestors and descendants through parentAssetId, nearest first, as far as visible', () => {
  let t: TestApp;
  let assets: AssetsService;

  beforeAll(async () => {
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-lineage`,
      IMAGE_DEFAULT_PROVIDER: 'placeholder',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    assets = t.app.get(AssetsService);
  });
  afterAll(() => t.close());

  /** A text asset (no bytes needed), derived from `parent` when given. */
  const save = async (userId: string, title: string, extra: Partial<SaveAssetInput> = {}) =>
    (
      await assets.saveAsset(userId, {
        type: 'text',
        sourceModule: 'tests',
        title,
        content: title,
        metadata: extra.parentAssetId ? { operation: 'edit' } : undefined,
        ...extra,
      })
    ).id;

  const lineage = async (userId: string, id: string, expected = 200) =>
    (await t.http.get(`${BASE}/asset/${id}/lineage`).set(bearer(userId)).expect(expected)).body as {
      ancestors: { id: string; title: string }[];
      descendants: { id: string; title: string }[];
    };
  const titles = (rows: { title: string }[]) => rows.map((row) => row.title);

  it('walks up to the root and down the whole tree, nearest first', async () => {
    const owner = newUserId('lineage');
    const root = await save(owner, 'root');
    const child1 = await save(owner, 'child 1', { parentAssetId: root });
    const child2 = await save(owner, 'child 2', { parentAssetId: root });
    const grandchild = await save(owner, 'grandchild', { parentAssetId: child1 });
    const great = await save(owner, 'great-grandchild', { parentAssetId: grandchild });
    await save(owner, 'unrelated');

    expect(await lineage(owner, root).then((l) => [titles(l.ancestors), titles(l.descendants)])).toEqual([
      [],
      ['child 1', 'child 2', 'grandchild', 'great-grandchild'],
    ]);
    expect(await lineage(owner, grandchild).then((l) => [titles(l.ancestors), titles(l.descendants)])).toEqual([
      ['child 1', 'root'],
      ['great-grandchild'],
    ]);
    expect(titles((await lineage(owner, great)).ancestors)).toEqual(['grandchild', 'child 1', 'root']);
    expect((await lineage(owner, child2)).descendants).toEqual([]);
  });

  it('answers only rows the caller may see; the walk stops at a private row of another user', async () => {
    const alice = newUserId('alice');
    const bob = newUserId('bob');
    const publicRoot = await save(alice, 'alice public', { isPublic: true });
    const bobsCopy = await save(bob, 'bob private copy', { parentAssetId: publicRoot });
    await save(bob, 'bob public remix', { parentAssetId: bobsCopy, isPublic: true });
    const alicesChild = await save(alice, 'alice child', { parentAssetId: publicRoot });

    // Alice sees her own child, not Bob's private copy, nor what lies beyond it.
    expect(titles((await lineage(alice, publicRoot)).descendants)).toEqual(['alice child']);
    // Bob sees Alice's public asset above his, and not her private child beside it.
    expect(titles((await lineage(bob, bobsCopy)).ancestors)).toEqual(['alice public']);
    expect(titles((await lineage(bob, publicRoot)).descendants)).toEqual(['bob private copy', 'bob public remix']);
    // Someone else's private asset is a 404, like GET /asset/:id.
    const res = await lineage(bob, alicesChild, 404);
    expect(res).toMatchObject({ success: false, error: 'NOT_FOUND' });
  });

  it('a regeneration joins the lineage of its source, with metadata.operation', async () => {
    const owner = newUserId('lineage');
    const generated = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(owner))
      .send({ prompt: 'A lighthouse at dawn', size: '64x64' })
      .expect(202);
    const source = (await waitForJobStatus(t.http, owner, generated.body.jobId as string, ['completed'])).assets[0];
    const regenerated = await t.http
      .post(`${BASE}/image/${source.id}/regenerate`)
      .set(bearer(owner))
      .send({ prompt: 'A lighthouse at dusk' })
      .expect(202);
    const derived = (await waitForJobStatus(t.http, owner, regenerated.body.jobId as string, ['completed'])).assets[0];
    expect(derived).toMatchObject({ parentAssetId: source.id, metadata: { operation: 'regenerate' } });
    expect((await lineage(owner, source.id as string)).descendants.map((row) => row.id)).toEqual([derived.id]);
    expect((await lineage(owner, derived.id as string)).ancestors.map((row) => row.id)).toEqual([source.id]);
  });
});
