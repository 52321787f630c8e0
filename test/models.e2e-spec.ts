import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from '../src/config/engine-config';
import { DEFAULT_MODEL_CATALOGUE } from '../src/providers/catalogue/model-catalogue';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, newUserId } from './support/factories';
import { startImageJob, waitForJobStatus } from './support/image-jobs';
import { renderModelTable, replaceModelTable } from './support/model-docs';
import { testEnvironment } from './support/test-env';

const OVERRIDES = [
  { id: 'core', status: 'retired', shutdownDate: '2026-11-01', successor: 'ultra' },
  { id: 'placeholder-hd', provider: 'placeholder', capabilities: { maxImages: 1 } },
  {
    id: 'placeholder-old',
    provider: 'placeholder',
    status: 'deprecated',
    shutdownDate: '2027-03-01',
    successor: 'placeholder',
  },
  {
    id: 'placeholder-v0',
    provider: 'placeholder',
    status: 'retired',
    shutdownDate: '2026-01-01',
    successor: 'placeholder',
  },
];

describe('the model catalogue', () => {
  let t: TestApp;
  const user = newUserId('models');

  beforeAll(async () => {
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-models`,
      OPENAI_API_KEY: 'sk-test-models',
      STABILITY_API_KEY: undefined,
      MODEL_CATALOGUE_OVERRIDES: JSON.stringify(OVERRIDES),
    });
  });
  afterAll(() => t.close());

  const models = async (query = '') => {
    const res = await t.http.get(`${BASE}/models${query}`).set(bearer(user)).expect(200);
    return res.body.items as Array<Record<string, unknown>>;
  };

  it('lists the live and the retired models, with successors and whether their provider is configured', async () => {
    const items = await models();
    expect(items.find((m) => m.id === 'gpt-image-2')).toMatchObject({
      provider: 'openai',
      kinds: ['image'],
      status: 'active',
      configured: true,
      isDefault: true,
      capabilities: { maxImages: 10 },
    });
    expect(items.find((m) => m.id === 'dall-e-3')).toMatchObject({
      status: 'retired',
      shutdownDate: '2026-05-12',
      successor: 'gpt-image-2',
    });
    for (const id of ['dall-e-2', 'gpt-image-1-mini', 'gpt-image-1.5', 'chatgpt-image-latest'])
      expect(items.find((m) => m.id === id)).toMatchObject({ status: 'retired', successor: 'gpt-image-2' });
    expect(items.find((m) => m.id === 'ultra')).toMatchObject({ configured: false });
    // Each with its price, from the pricing table this server runs with.
    expect(items.find((m) => m.id === 'ultra')?.pricing).toEqual({ perImage: { '*': 0.08 } });
    expect(items.find((m) => m.id === 'tts-1')?.pricing).toEqual({ perMillionCharacters: 15 });
    expect(items.find((m) => m.id === 'sora-2')?.pricing).toEqual({ perSecond: { '1280x720': 0.1, '720x1280': 0.1 } });
    expect(items.find((m) => m.id === 'placeholder-hd')?.pricing).toBeNull();
  });

  it("says which Image Studio operations each image model's provider can do", async () => {
    const items = await models();
    expect(items.find((m) => m.id === 'gpt-image-2')).toMatchObject({
      editOperations: ['edit', 'inpaint'],
      upscaleModes: [],
    });
    const ultra = items.find((m) => m.id === 'ultra');
    expect(ultra?.editOperations).toEqual(expect.arrayContaining(['remove_background', 'search_and_replace']));
    expect(ultra?.upscaleModes).toEqual(['fast', 'conservative', 'creative']);
    expect(items.find((m) => m.id === 'placeholder')).toMatchObject({
      editOperations: ['edit', 'inpaint', 'outpaint', 'erase', 'remove_background', 'search_and_replace'],
      upscaleModes: ['fast', 'conservative', 'creative'],
    });
    expect(items.find((m) => m.id === 'tts-1')).not.toHaveProperty('editOperations');
  });

  it('filters by provider and kind, and refuses unknown ones', async () => {
    const stability = await models('?provider=stability');
    expect(stability.map((m) => m.id)).toEqual(['core', 'ultra', 'sd3']);
    expect((await models('?kind=video')).map((m) => m.id)).toEqual(['sora-2', 'sora-2-pro', 'placeholder-video']);
    expect((await models('?kind=text')).length).toBe(0);
    expect((await models('?kind=image&provider=openai')).every((m) => m.provider === 'openai')).toBe(true);
    const bad = await t.http.get(`${BASE}/models?kind=poem`).set(bearer(user)).expect(400);
    expect(bad.body.details[0].field).toBe('kind');
  });

  it('takes overrides without a release: retires a built-in model and adds new ones', async () => {
    const items = await models();
    expect(items.find((m) => m.id === 'core')).toMatchObject({ status: 'retired', successor: 'ultra' });
    expect(items.find((m) => m.id === 'placeholder-hd')).toMatchObject({
      provider: 'placeholder',
      status: 'active',
      capabilities: { maxImages: 1, maxPromptLength: 32000 },
    });
    const jobId = await startImageJob(t.http, user, imageRequest({ model: 'placeholder-hd' }));
    expect((await waitForJobStatus(t.http, user, jobId)).status).toBe('completed');
    const tooMany = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send(imageRequest({ model: 'placeholder-hd', n: 2 }))
      .expect(400);
    expect(tooMany.body.message).toContain('n must be at most 1 for placeholder-hd');
  });

  it('refuses a retired model with MODEL_RETIRED naming its successor and shutdown date', async () => {
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'A glass teapot', model: 'dall-e-3' })
      .expect(400);
    expect(res.body).toMatchObject({ success: false, statusCode: 400, error: 'MODEL_RETIRED' });
    expect(res.body.message).toContain('gpt-image-2');
    expect(res.body.message).toContain('2026-05-12');
    expect(res.body.details).toEqual([{ field: 'model', problems: [expect.stringContaining('gpt-image-2')] }]);
    const core = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'A glass teapot', model: 'core' })
      .expect(400);
    expect(core.body.message).toContain('use its successor ultra');
  });

  it('runs a deprecated model, with Deprecation and Sunset headers and the warning stored in the job', async () => {
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send(imageRequest({ model: 'placeholder-old' }))
      .expect(202);
    const sunset = Date.UTC(2027, 2, 1);
    expect(res.headers.deprecation).toBe(`@${sunset / 1000}`);
    expect(res.headers.sunset).toBe(new Date(sunset).toUTCString());
    const warning = 'model placeholder-old is deprecated; shut down on 2027-03-01; use placeholder';
    expect(res.body.warnings).toEqual([warning]);
    const job = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: res.body.jobId } });
    expect(job.parameters).toMatchObject({ warnings: [warning] });
    const live = await t.http.post(`${BASE}/image/generate`).set(bearer(user)).send(imageRequest()).expect(202);
    expect(live.headers.deprecation).toBeUndefined();
  });

  it('repeats the Deprecation and Sunset headers when an Idempotency-Key replays a job of a deprecated model', async () => {
    const body = imageRequest({ model: 'placeholder-old' });
    const send = () =>
      t.http
        .post(`${BASE}/image/generate`)
        .set(bearer(user))
        .set('Idempotency-Key', 'deprecated-replay')
        .send(body)
        .expect(202);
    const first = await send();
    const replayed = await send();
    expect(replayed.body.jobId).toBe(first.body.jobId);
    expect(replayed.headers.deprecation).toBe(first.headers.deprecation);
    expect(replayed.headers.sunset).toBe(first.headers.sunset);
    expect(replayed.body.modelShutdownDate).toBe('2027-03-01');
  });

  it('regenerates an asset of a retired model with its successor, saying so in the job', async () => {
    const jobId = await startImageJob(t.http, user, imageRequest());
    const done = await waitForJobStatus(t.http, user, jobId);
    const assetId = done.assets[0].id as string;
    // As if made by a model that took a style, which its successor does not.
    await t.prisma.creativeAsset.update({
      where: { id: assetId },
      data: { model: 'placeholder-v0', parameters: { style: 'vivid', steps: 3 } },
    });
    const res = await t.http.post(`${BASE}/image/${assetId}/regenerate`).set(bearer(user)).send({}).expect(202);
    const job = await t.prisma.generationJob.findUniqueOrThrow({ where: { id: res.body.jobId } });
    expect(job.model).toBe('placeholder');
    expect(job.parameters).toMatchObject({
      steps: 3,
      warnings: [
        'model placeholder-v0 was retired on 2026-01-01; its successor placeholder was used',
        'style of the original was left out: not supported by placeholder',
      ],
    });
    expect(job.parameters).not.toHaveProperty('style');
    const explicit = await t.http
      .post(`${BASE}/image/${assetId}/regenerate`)
      .set(bearer(user))
      .send({ style: 'vivid' })
      .expect(400);
    expect(explicit.body.details).toEqual([{ field: 'style', problems: ['style is not supported by placeholder'] }]);
    const named = await t.http
      .post(`${BASE}/image/${assetId}/regenerate`)
      .set(bearer(user))
      .send({ model: 'placeholder-v0' })
      .expect(400);
    expect(named.body.error).toBe('MODEL_RETIRED');
  });
});

describe('MODEL_CATALOGUE_OVERRIDES', () => {
  const load = (value: string) => () => loadConfig(testEnvironment({ MODEL_CATALOGUE_OVERRIDES: value }));

  it.each([
    ['not json', 'MODEL_CATALOGUE_OVERRIDES is not valid JSON'],
    ['{"id":"core"}', 'MODEL_CATALOGUE_OVERRIDES must be a JSON array'],
    ['[{"id":"new-model"}]', 'MODEL_CATALOGUE_OVERRIDES[0] ("new-model"): a new model needs a provider'],
    ['[{"id":"core","status":"gone"}]', 'MODEL_CATALOGUE_OVERRIDES[0] ("core"): status must be one of'],
    ['[{"id":"core","status":"retired"}]', 'MODEL_CATALOGUE_OVERRIDES ("core"): a retired model needs a shutdownDate'],
    ['[{"id":"core","successor":"nope"}]', 'successor nope is not in the catalogue'],
    ['[{"id":"core","colour":"red"}]', 'unknown fields colour'],
    ['[{"id":"my-voice","provider":"stability","kinds":["audio"]}]', 'provider stability has no audio adapter'],
  ])('refuses to boot with %s', (value, problem) => {
    expect(load(value)).toThrow(ConfigValidationError);
    expect(load(value)).toThrow(problem);
  });
});

describe('the README model table', () => {
  it(`lists the built-in catalogue (UPDATE_CONFIG_DOCS=1 regenerates it)`, () => {
    const target = path.join(__dirname, '..', 'README.md');
    const current = readFileSync(target, 'utf8');
    const expected = replaceModelTable(current, renderModelTable(DEFAULT_MODEL_CATALOGUE));
    if (process.env.UPDATE_CONFIG_DOCS === '1') writeFileSync(target, expected);
    else expect(current).toBe(expected);
  });
});
