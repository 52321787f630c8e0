import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { AssetsService } from '../src/assets/assets.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, fakeProviderEnvironment, startFakeProvider } from './support/fake-provider';
import { waitFor } from './support/image-jobs';

interface StreamedEvent {
  event: string;
  data: Record<string, unknown>;
  /** For partials: the status of their link when the event arrived. */
  fetched?: number;
}

describe('live previews: partial images of streaming jobs over SSE', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let origin: string;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-test-previews' });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-previews`,
      ...fakeProviderEnvironment(fake, 'sk-test-previews'),
      JOB_EVENTS_POLL_MS: '20',
      RATE_LIMIT_PER_MINUTE: '0',
      RATE_LIMIT_GENERATE_PER_MINUTE: '0',
    });
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterEach(() => {
    fake.assertNoSchemaViolations();
    fake.reset();
  });
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  /** Reads the job's event stream to its end, fetching each partial's link as soon as it is announced. */
  async function streamEvents(userId: string, jobId: string): Promise<StreamedEvent[]> {
    const response = await fetch(`${origin}${BASE}/jobs/${jobId}/events`, { headers: bearer(userId) });
    const events: StreamedEvent[] = [];
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
        const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] ?? '{}') as Record<string, unknown>;
        const streamed: StreamedEvent = { event, data };
        if (event === 'partial') {
          const preview = await fetch(`${origin}${String(data.url)}`);
          streamed.fetched = preview.status;
          if (preview.ok) expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).format).toBe('png');
        }
        events.push(streamed);
      }
    }
    return events;
  }

  /** The job's end is announced once its transaction commits; the previews go right after it. */
  async function expectPreviewsGone(jobId: string, events: StreamedEvent[]): Promise<void> {
    await waitFor(
      async () => ((await t.prisma.generationJobPreview.count({ where: { jobId } })) === 0 ? true : undefined),
      'the previews to go',
    );
    for (const partial of events.filter((event) => event.event === 'partial'))
      expect((await fetch(`${origin}${String(partial.data.url)}`)).status).toBe(404);
  }

  it('announces each partial image of a generation in order before completed, then deletes them', async () => {
    const user = newUserId('previews');
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'A lighthouse, slowly', provider: 'openai', model: 'gpt-image-2', partialImages: 2 })
      .expect(202);
    const jobId = res.body.jobId as string;
    const events = await streamEvents(user, jobId);
    const names = events.map((event) => event.event).filter((name) => name !== 'progress');
    expect(names).toEqual(['partial', 'partial', 'completed']);
    const partials = events.filter((event) => event.event === 'partial');
    expect(partials.map((event) => event.data.index)).toEqual([0, 1]);
    expect(partials.map((event) => event.fetched)).toEqual([200, 200]);
    expect(partials[0].data.url).toMatch(
      new RegExp(`^${BASE}/signed/job/${jobId}/preview/0\\?expires=\\d+&signature=`),
    );
    const [request] = fake.requestsTo('images');
    expect(request.body).toMatchObject({ stream: true, partial_images: 2 });
    await expectPreviewsGone(jobId, events);
    const status = await t.http.get(`${BASE}/jobs/${jobId}`).set(bearer(user)).expect(200);
    expect(status.body.assets).toHaveLength(1);
  });

  it('streams the partials of an edit too, and generation without partialImages does not stream', async () => {
    const user = newUserId('previews');
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#446688' } })
      .png()
      .toBuffer();
    const source = await t.app
      .get(AssetsService)
      .saveAsset(user, { type: 'image', sourceModule: 'upload', title: 'Source', bytes });
    const edit = await t.http
      .post(`${BASE}/image/${source.id}/edit`)
      .set(bearer(user))
      .send({ prompt: 'Add snow', provider: 'openai', partialImages: 1 })
      .expect(202);
    const events = await streamEvents(user, edit.body.jobId as string);
    expect(events.map((event) => event.event).filter((name) => name !== 'progress')).toEqual(['partial', 'completed']);
    await expectPreviewsGone(edit.body.jobId as string, events);

    const plain = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'No stream', provider: 'openai' })
      .expect(202);
    const plainEvents = await streamEvents(user, plain.body.jobId as string);
    expect(plainEvents.filter((event) => event.event === 'partial')).toEqual([]);
    expect(fake.requestsTo('images').at(-1)?.body).not.toHaveProperty('stream');
  });

  it('refuses partialImages for a provider that does not stream, and a forged preview link', async () => {
    const user = newUserId('previews');
    const res = await t.http
      .post(`${BASE}/image/generate`)
      .set(bearer(user))
      .send({ prompt: 'x', provider: 'placeholder', partialImages: 2 })
      .expect(400);
    expect(res.body.details).toEqual([
      { field: 'partialImages', problems: ['partialImages is not supported by placeholder'] },
    ]);
    const forged = await fetch(
      `${origin}${BASE}/signed/job/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}/preview/0?expires=9999999999&signature=${'A'.repeat(43)}`,
    );
    expect(forged.status).toBe(403);
  });
});
