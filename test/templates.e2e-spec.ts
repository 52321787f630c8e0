import { ValidationError } from '../src/common/errors';
import { TemplatesService } from '../src/templates/templates.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, templateBody } from './support/factories';

const DEFAULT_BLOG_INTRO_ID = 'c0ffee00-7e4d-4a7e-9000-000000000001';

describe('templates', () => {
  let t: TestApp;
  let templates: TemplatesService;

  beforeAll(async () => {
    t = await createTestApp();
    templates = t.app.get(TemplatesService);
  });
  afterAll(() => t.close());

  async function create(userId: string, overrides: Record<string, unknown> = {}) {
    const res = await t.http.post(`${BASE}/template`).set(bearer(userId)).send(templateBody(overrides)).expect(201);
    return res.body as { id: string; [key: string]: unknown };
  }

  describe('POST /template', () => {
    it('creates a template with normalized tags and variables required by default', async () => {
      const owner = newUserId();
      const res = await t.http
        .post(`${BASE}/template`)
        .set(bearer(owner))
        .send(
          templateBody({
            name: '  Launch post ',
            prompt: 'Announce {{product}} to {{ audience }}',
            variables: [
              { name: 'product' },
              { name: 'audience', required: false, default: 'everyone', description: 'Readers' },
            ],
            tags: [' Launch', 'launch', 'SOCIAL'],
            parameters: { tone: 'playful' },
          }),
        )
        .expect(201);
      expect(res.body).toMatchObject({
        userId: owner,
        name: 'Launch post',
        type: 'text',
        prompt: 'Announce {{product}} to {{ audience }}',
        variables: [
          { name: 'product', required: true },
          { name: 'audience', required: false, default: 'everyone', description: 'Readers' },
        ],
        tags: ['launch', 'social'],
        parameters: { tone: 'playful' },
        isPublic: false,
        isDefault: false,
        usageCount: 0,
      });
      expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/);
    });

    it.each([
      [
        'an undeclared placeholder',
        { prompt: 'About {{topic}} for {{audience}}' },
        'not declared in variables: audience',
      ],
      [
        'a declared variable the prompt never uses',
        { variables: [{ name: 'topic' }, { name: 'unused' }] },
        'not used in the prompt: unused',
      ],
      ['a placeholder that is not a name', { prompt: 'About {{topic}} and {{first name}}' }, '{{first name}}'],
      [
        'a variable declared twice',
        { variables: [{ name: 'topic' }, { name: 'topic' }] },
        'declared more than once: topic',
      ],
      [
        'an undeclared placeholder in the negative prompt',
        { type: 'image', negativePrompt: 'no {{avoid}}' },
        'not declared in variables: avoid',
      ],
    ])('refuses %s with a 400 naming it', async (_case, overrides, expected) => {
      const res = await t.http
        .post(`${BASE}/template`)
        .set(bearer(newUserId()))
        .send(templateBody(overrides))
        .expect(400);
      expect(res.body).toMatchObject({ success: false, statusCode: 400, error: 'VALIDATION_FAILED' });
      expect(res.body.message).toContain(expected);
    });

    it.each([
      ['a missing prompt', { prompt: undefined }, 'prompt'],
      ['an unknown type', { type: 'hologram' }, 'type'],
      ['a bad variable name', { prompt: 'x {{ok}}', variables: [{ name: '1bad' }, { name: 'ok' }] }, 'variable name'],
      ['an oversized prompt', { prompt: `{{topic}} ${'x'.repeat(10_001)}` }, 'prompt'],
      ['too many tags', { tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }, 'tags'],
      ['parameters that are not an object', { parameters: [1, 2] }, 'parameters'],
      ['a server-controlled field', { isDefault: true }, 'isDefault'],
      ['someone else as owner', { userId: 'other' }, 'userId'],
    ])('refuses %s', async (_case, overrides, field) => {
      const res = await t.http
        .post(`${BASE}/template`)
        .set(bearer(newUserId()))
        .send(templateBody(overrides))
        .expect(400);
      expect(res.body.message).toContain(field);
    });

    it('needs a user', async () => {
      await t.http.post(`${BASE}/template`).send(templateBody()).expect(401);
    });
  });

  describe('visibility', () => {
    const owner = newUserId('owner');
    const stranger = newUserId('stranger');
    let privateId: string;
    let publicId: string;

    beforeAll(async () => {
      privateId = (await create(owner, { name: 'Private one' })).id;
      publicId = (await create(owner, { name: 'Shared one', isPublic: true })).id;
    });

    it('the owner reads their private template', async () => {
      const res = await t.http.get(`${BASE}/template/${privateId}`).set(bearer(owner)).expect(200);
      expect(res.body.name).toBe('Private one');
    });

    it("someone else's private template is a 404, exactly like a missing one", async () => {
      const hidden = await t.http.get(`${BASE}/template/${privateId}`).set(bearer(stranger)).expect(404);
      const missing = await t.http
        .get(`${BASE}/template/00000000-0000-4000-8000-000000000000`)
        .set(bearer(stranger))
        .expect(404);
      expect(hidden.body.error).toBe('NOT_FOUND');
      expect(hidden.body.message.replace(privateId, 'ID')).toBe(
        missing.body.message.replace('00000000-0000-4000-8000-000000000000', 'ID'),
      );
    });

    it('public templates and defaults are readable by anyone', async () => {
      await t.http.get(`${BASE}/template/${publicId}`).set(bearer(stranger)).expect(200);
      const res = await t.http.get(`${BASE}/template/${DEFAULT_BLOG_INTRO_ID}`).set(bearer(stranger)).expect(200);
      expect(res.body).toMatchObject({ userId: null, isDefault: true, type: 'text', name: 'Blog post introduction' });
    });

    it('a malformed id is a 400', async () => {
      const res = await t.http.get(`${BASE}/template/not-a-uuid`).set(bearer(owner)).expect(400);
      expect(res.body.message).toBe('id must be a UUID');
    });

    it("PATCH and DELETE of someone else's public template are 403, of their private one 404", async () => {
      await t.http.patch(`${BASE}/template/${publicId}`).set(bearer(stranger)).send({ name: 'Mine now' }).expect(403);
      await t.http.delete(`${BASE}/template/${publicId}`).set(bearer(stranger)).expect(403);
      await t.http.patch(`${BASE}/template/${privateId}`).set(bearer(stranger)).send({ name: 'Mine now' }).expect(404);
      await t.http.delete(`${BASE}/template/${privateId}`).set(bearer(stranger)).expect(404);
      const res = await t.http.get(`${BASE}/template/${publicId}`).set(bearer(owner)).expect(200);
      expect(res.body.name).toBe('Shared one');
    });

    it('defaults cannot be changed or deleted by anyone', async () => {
      const patch = await t.http
        .patch(`${BASE}/template/${DEFAULT_BLOG_INTRO_ID}`)
        .set(bearer(owner))
        .send({ name: 'x' })
        .expect(403);
      expect(patch.body.message).toContain('default');
      await t.http.delete(`${BASE}/template/${DEFAULT_BLOG_INTRO_ID}`).set(bearer(owner)).expect(403);
      await t.http.get(`${BASE}/template/${DEFAULT_BLOG_INTRO_ID}`).set(bearer(owner)).expect(200);
    });
  });

  describe('PATCH /template/:id', () => {
    it('changes fields, clears nullable ones with null and keeps the rest', async () => {
      const owner = newUserId();
      const { id } = await create(owner, { description: 'old', category: 'blog' });
      const res = await t.http
        .patch(`${BASE}/template/${id}`)
        .set(bearer(owner))
        .send({ name: 'Renamed', description: null, isPublic: true, tags: ['New', 'new'] })
        .expect(200);
      expect(res.body).toMatchObject({
        name: 'Renamed',
        description: null,
        category: 'blog',
        isPublic: true,
        tags: ['new'],
      });
      expect(res.body.prompt).toBe('Write a short note about {{topic}}');
    });

    it('checks the new prompt against the stored variables, and accepts both changed together', async () => {
      const owner = newUserId();
      const { id } = await create(owner);
      const bad = await t.http
        .patch(`${BASE}/template/${id}`)
        .set(bearer(owner))
        .send({ prompt: 'About {{subject}}' })
        .expect(400);
      expect(bad.body.message).toContain('not declared in variables: subject');
      expect(bad.body.message).toContain('not used in the prompt: topic');
      const good = await t.http
        .patch(`${BASE}/template/${id}`)
        .set(bearer(owner))
        .send({ prompt: 'About {{subject}}', variables: [{ name: 'subject', default: 'tea', required: false }] })
        .expect(200);
      expect(good.body.variables).toEqual([{ name: 'subject', required: false, default: 'tea' }]);
    });

    it('refuses null for a non-nullable field', async () => {
      const owner = newUserId();
      const { id } = await create(owner);
      const res = await t.http
        .patch(`${BASE}/template/${id}`)
        .set(bearer(owner))
        .send({ name: null, prompt: null })
        .expect(400);
      expect(res.body.message).toBe('These fields cannot be null: name, prompt');
    });
  });

  describe('DELETE /template/:id', () => {
    it('deletes the owner’s template', async () => {
      const owner = newUserId();
      const { id } = await create(owner);
      const res = await t.http.delete(`${BASE}/template/${id}`).set(bearer(owner)).expect(200);
      expect(res.body).toEqual({ success: true, id });
      await t.http.get(`${BASE}/template/${id}`).set(bearer(owner)).expect(404);
    });
  });

  describe('GET /templates', () => {
    const me = newUserId('lister');
    const other = newUserId('other');
    const ids: Record<string, string> = {};

    beforeAll(async () => {
      ids.mineText = (await create(me, { name: 'Mine text', category: 'Newsletters', tags: ['alpha', 'beta'] })).id;
      ids.mineImage = (
        await create(me, { name: 'Mine image', type: 'image', prompt: 'A photo of {{topic}}', tags: ['alpha'] })
      ).id;
      ids.otherPublic = (
        await create(other, { name: 'Other public zebra', isPublic: true, description: 'Has the word Quokka' })
      ).id;
      ids.otherPrivate = (await create(other, { name: 'Other private' })).id;
    });

    async function list(userId: string, query: Record<string, string | number>) {
      const res = await t.http.get(`${BASE}/templates`).query(query).set(bearer(userId)).expect(200);
      return res.body as { items: { id: string; [key: string]: unknown }[]; nextCursor: string | null };
    }

    async function listAll(userId: string, query: Record<string, string | number>) {
      const seen: { id: string; [key: string]: unknown }[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(userId, { ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...page.items);
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    }

    it('ships at least 10 built-in defaults, text and image ones', async () => {
      const defaults = await listAll(me, { scope: 'defaults', limit: 100 });
      expect(defaults.length).toBeGreaterThanOrEqual(10);
      expect(defaults.every((item) => item.isDefault === true && item.userId === null)).toBe(true);
      const types = new Set(defaults.map((item) => item.type));
      expect(types).toEqual(new Set(['text', 'image']));
      const names = defaults.map((item) => item.name);
      expect(names).toEqual(
        expect.arrayContaining([
          'Blog post introduction',
          'Product description',
          'Product photo',
          'Logo concept',
          'Illustration',
        ]),
      );
    });

    it('scope all = own + public + defaults, never someone else’s private ones', async () => {
      const visible = (await listAll(me, { scope: 'all', limit: 100 })).map((item) => item.id);
      expect(visible).toEqual(
        expect.arrayContaining([ids.mineText, ids.mineImage, ids.otherPublic, DEFAULT_BLOG_INTRO_ID]),
      );
      expect(visible).not.toContain(ids.otherPrivate);
      expect(new Set(visible).size).toBe(visible.length);
    });

    it('scope mine and public', async () => {
      const mine = (await listAll(me, { scope: 'mine' })).map((item) => item.id);
      expect(mine.sort()).toEqual([ids.mineImage, ids.mineText].sort());
      const shared = (await listAll(me, { scope: 'public' })).map((item) => item.id);
      expect(shared).toContain(ids.otherPublic);
      expect(shared).not.toContain(ids.otherPrivate);
      expect(shared).not.toContain(ids.mineText);
    });

    it('filters by type, category (case-insensitive), tags (all must match) and search', async () => {
      const images = await listAll(me, { scope: 'mine', type: 'image' });
      expect(images.map((item) => item.id)).toEqual([ids.mineImage]);
      const category = await listAll(me, { category: 'newsletters' });
      expect(category.map((item) => item.id)).toEqual([ids.mineText]);
      const tagged = await listAll(me, { tags: 'alpha,BETA' });
      expect(tagged.map((item) => item.id)).toEqual([ids.mineText]);
      const searched = await listAll(me, { search: 'quokka' });
      expect(searched.map((item) => item.id)).toEqual([ids.otherPublic]);
      const defaultImages = await listAll(me, { scope: 'defaults', type: 'image' });
      expect(defaultImages.length).toBeGreaterThanOrEqual(3);
    });

    it('sorts newest first by default and by usage on request', async () => {
      const recent = await listAll(me, { scope: 'mine' });
      expect(recent.map((item) => item.id)).toEqual([ids.mineImage, ids.mineText]);
      await templates.useTemplate(me, ids.mineText, { topic: 'a' });
      await templates.useTemplate(me, ids.mineText, { topic: 'b' });
      const byUsage = await listAll(me, { scope: 'mine', sort: 'usage' });
      expect(byUsage.map((item) => [item.id, item.usageCount])).toEqual([
        [ids.mineText, 2],
        [ids.mineImage, 0],
      ]);
    });

    it('pages with a cursor visit every visible template exactly once, in both sorts', async () => {
      for (const sort of ['recent', 'usage']) {
        const all = await list(me, { sort, limit: 100 });
        const paged = await listAll(me, { sort, limit: 3 });
        expect(paged.map((item) => item.id)).toEqual(all.items.map((item) => item.id));
      }
    });

    it.each([
      [{ scope: 'everything' }, 'scope'],
      [{ sort: 'name' }, 'sort'],
      [{ limit: 101 }, 'limit'],
      [{ cursor: 'garbage' }, 'cursor'],
      [{ type: 'hologram' }, 'type'],
      [{ search: 'x'.repeat(201) }, 'search'],
    ])('refuses bad query %j', async (query, field) => {
      const res = await t.http.get(`${BASE}/templates`).query(query).set(bearer(me)).expect(400);
      expect(res.body.message).toContain(field);
    });

    it('refuses a cursor of the other sort order', async () => {
      const page = await list(me, { sort: 'usage', limit: 1 });
      const res = await t.http
        .get(`${BASE}/templates`)
        .query({ sort: 'recent', cursor: page.nextCursor! })
        .set(bearer(me))
        .expect(400);
      expect(res.body.message).toContain('cursor');
    });
  });

  it('documents the template and content routes in the OpenAPI document', async () => {
    const res = await t.http.get('/docs-json').expect(200);
    expect(Object.keys(res.body.paths)).toEqual(
      expect.arrayContaining([
        `${BASE}/template`,
        `${BASE}/template/{id}`,
        `${BASE}/templates`,
        `${BASE}/content/generate`,
        `${BASE}/content/improve`,
        `${BASE}/content/ideas`,
        `${BASE}/content/from-template`,
      ]),
    );
    expect(res.body.components.schemas.TemplateResponseDto.properties).toHaveProperty('variables');
  });

  describe('useTemplate', () => {
    it('renders and counts every use atomically under concurrency', async () => {
      const owner = newUserId();
      const { id } = await create(owner);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => templates.useTemplate(owner, id, { topic: `n${i}` })),
      );
      expect(results[0].prompt).toMatch(/^Write a short note about n\d+$/);
      const row = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id } });
      expect(row.usageCount).toBe(12);
    });

    it('fails naming every missing required variable, and does not count the use', async () => {
      const owner = newUserId();
      const { id } = await create(owner, {
        prompt: '{{a}} {{b}} {{c}}',
        variables: [{ name: 'a' }, { name: 'b' }, { name: 'c', required: false }],
      });
      const error = await templates.useTemplate(owner, id, {}).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).message).toBe('Cannot render the template: missing required variables: a, b');
      const row = await t.prisma.creativeTemplate.findUniqueOrThrow({ where: { id } });
      expect(row.usageCount).toBe(0);
    });

    it("cannot use someone else's private template", async () => {
      const { id } = await create(newUserId());
      await expect(templates.useTemplate(newUserId(), id, { topic: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });
  });
});
