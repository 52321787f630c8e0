import OpenAI, { BadRequestError, NotFoundError } from 'openai';
import { readVideoMetadata } from '../../src/storage/video-probe';
import { startFakeProvider, type FakeProvider } from './fake-provider';

describe('fake provider: /v1/videos through the real SDK', () => {
  let fake: FakeProvider;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFakeProvider({ apiKey: 'sk-videos' });
    client = new OpenAI({ apiKey: 'sk-videos', baseURL: fake.baseUrl, maxRetries: 0 });
  });
  beforeEach(() => fake.reset());
  afterAll(() => fake.close());

  it('takes a video through queued and in_progress to completed, then serves an MP4 and a WebP thumbnail', async () => {
    const created = await client.videos.create({ model: 'sora-2', prompt: 'A boat', seconds: '4', size: '1280x720' });
    expect(created).toMatchObject({ object: 'video', status: 'queued', progress: 0, size: '1280x720', seconds: '4' });
    const reads = [];
    for (let read = 0; read < 3; read++) reads.push(await client.videos.retrieve(created.id));
    expect(reads.map((video) => video.status)).toEqual(['queued', 'in_progress', 'completed']);
    expect(reads.map((video) => video.progress)).toEqual([33, 67, 100]);

    const mp4 = Buffer.from(await (await client.videos.downloadContent(created.id)).arrayBuffer());
    expect(await readVideoMetadata(mp4)).toMatchObject({ format: 'mp4', width: 1280, height: 720, duration: 4 });
    const poster = await client.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(poster.headers.get('content-type')).toBe('image/webp');
    expect(fake.videos.createdCount).toBe(1);
    fake.assertNoSchemaViolations();
  });

  it('holds videos in progress until released, fails one on request, and sends openai-poll-after-ms', async () => {
    fake.videos.hold();
    fake.videos.setPollAfterMs(250);
    const { id } = await client.videos.create({ prompt: 'Wait for it' });
    for (let read = 0; read < 5; read++) expect((await client.videos.retrieve(id)).status).toBe('in_progress');
    const { response } = await client.videos.retrieve(id).withResponse();
    expect(response.headers.get('openai-poll-after-ms')).toBe('250');
    fake.videos.release();
    expect((await client.videos.retrieve(id)).status).toBe('completed');

    fake.videos.failNextVideo({ code: 'moderation_blocked', message: 'Blocked.' });
    const failing = await client.videos.create({ prompt: 'No' });
    expect(await client.videos.retrieve(failing.id)).toMatchObject({
      status: 'failed',
      error: { message: 'Blocked.' },
    });
    fake.assertNoSchemaViolations();
  });

  it('refuses a body outside CreateVideoMultipartBody and an unknown video', async () => {
    await expect(client.videos.create({ prompt: 'x', seconds: '5' as OpenAI.VideoSeconds })).rejects.toThrow(
      BadRequestError,
    );
    expect(fake.schemaViolations.map((violation) => violation.schema)).toEqual(['CreateVideoMultipartBody']);
    await expect(client.videos.retrieve('video_missing')).rejects.toThrow(NotFoundError);
    expect(fake.videos.createdCount).toBe(0);
  });
});
