import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { waitForJob } from './support/video-jobs';

/** POST /content/from-template with an audio or a video template queues a job of that kind. */
describe('audio and video templates', () => {
  let t: TestApp;
  const user = newUserId('media-templates');

  beforeAll(async () => {
    t = await createTestApp({ AUDIO_DEFAULT_PROVIDER: 'placeholder', VIDEO_DEFAULT_PROVIDER: 'placeholder' });
  });
  afterAll(() => t.close());

  async function createTemplate(body: Record<string, unknown>): Promise<string> {
    const res = await t.http.post(`${BASE}/template`).set(bearer(user)).send(body).expect(201);
    return res.body.id as string;
  }

  const usageCount = async (templateId: string) =>
    (await t.http.get(`${BASE}/template/${templateId}`).set(bearer(user)).expect(200)).body.usageCount as number;

  it('speaks an audio template rendered with its variables, with the template’s voice and format, and counts the use', async () => {
    const templateId = await createTemplate({
      name: 'Welcome message',
      type: 'audio',
      prompt: 'Welcome to {{place}}, enjoy your stay.',
      variables: [{ name: 'place', required: true }],
      parameters: { voice: 'tone', format: 'wav', speed: 1.5 },
    });
    const res = await t.http
      .post(`${BASE}/content/from-template`)
      .set(bearer(user))
      .send({ templateId, variables: { place: 'Lisbon' }, title: 'Lisbon welcome', tags: ['welcome'] })
      .expect(202);
    expect(res.body.statusUrl).toBe(`${BASE}/jobs/${res.body.jobId}`);
    const job = await waitForJob(t.http, user, res.body.jobId as string);
    expect(job).toMatchObject({
      type: 'audio_generation',
      status: 'completed',
      prompt: 'Welcome to Lisbon, enjoy your stay.',
    });
    expect(job.parameters).toMatchObject({ voice: 'tone', format: 'wav', speed: 1.5 });
    expect(job.assets[0]).toMatchObject({
      type: 'audio',
      title: 'Lisbon welcome',
      tags: ['welcome'],
      mimeType: 'audio/wav',
    });
    expect(job.templateId).toBe(templateId);
    expect(await usageCount(templateId)).toBe(1);
  });

  it('renders a video template at the template’s size and length', async () => {
    const templateId = await createTemplate({
      name: 'Teaser',
      type: 'video',
      prompt: 'A slow pan over {{subject}}',
      variables: [{ name: 'subject', required: true }],
      parameters: { size: '320x180', seconds: 2 },
    });
    const res = await t.http
      .post(`${BASE}/content/from-template`)
      .set(bearer(user))
      .send({ templateId, variables: { subject: 'a harbour at night' } })
      .expect(202);
    const job = await waitForJob(t.http, user, res.body.jobId as string);
    expect(job).toMatchObject({
      type: 'video_generation',
      status: 'completed',
      prompt: 'A slow pan over a harbour at night',
    });
    expect(job.assets[0]).toMatchObject({ type: 'video', width: 320, height: 180, duration: 2 });
    expect(await usageCount(templateId)).toBe(1);
  });

  it('refuses a provider that does not make that kind, and text-only options, with a 400', async () => {
    const templateId = await createTemplate({ name: 'Jingle', type: 'audio', prompt: 'Fresh bread every morning' });
    const stability = await t.http
      .post(`${BASE}/content/from-template`)
      .set(bearer(user))
      .send({ templateId, provider: 'stability' })
      .expect(400);
    expect(stability.body.details).toEqual([{ field: 'provider', problems: ['not a provider of audio jobs'] }]);
    await t.http
      .post(`${BASE}/content/from-template`)
      .set(bearer(user))
      .send({ templateId, length: 'short' })
      .expect(400);
    expect(await usageCount(templateId)).toBe(0);
  });
});
