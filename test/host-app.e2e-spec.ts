import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AssetsService, AudioGenerationService } from '../src';
import { silentWav } from './support/audio-bytes';
import { createHostApp, HostEventLog } from './support/host-app';
import { imageRequest } from './support/factories';
import { waitFor } from './support/image-jobs';

describe('CreativeEngineModule imported by a host app (forRootAsync)', () => {
  let app: NestExpressApplication;
  beforeAll(async () => {
    app = await createHostApp();
  });
  afterAll(() => app.close());

  it("answers an engine route with the host's own user resolver", async () => {
    const res = await request(app.getHttpServer())
      .get('/api/creative/me')
      .set('x-host-user', 'host-user-1')
      .expect(200);
    expect(res.body).toEqual({ userId: 'host-user-1' });
  });

  it('the resolver replaces the configured auth mode: X-User-Id alone is not enough', async () => {
    const res = await request(app.getHttpServer()).get('/api/creative/me').set('x-user-id', 'someone').expect(401);
    expect(res.body).toMatchObject({ success: false, statusCode: 401, error: 'UNAUTHORIZED' });
  });

  it('exports the engine services to the host: saveAsset from a host module lands in the library', async () => {
    const assets = app.get(AssetsService);
    const saved = await assets.saveAsset('host-user-2', {
      type: 'text',
      sourceModule: 'host_notes',
      title: 'From the host',
      content: 'hello',
    });
    const res = await request(app.getHttpServer())
      .get(`/api/creative/asset/${saved.id}`)
      .set('x-host-user', 'host-user-2')
      .expect(200);
    expect(res.body).toMatchObject({
      id: saved.id,
      sourceModule: 'host_notes',
      title: 'From the host',
      content: 'hello',
    });
  });

  it("saves a host's audio with the duration of its bytes, whatever it claims, and refuses bytes of another format", async () => {
    const assets = app.get(AssetsService);
    const audio = { type: 'audio' as const, sourceModule: 'host_podcast', title: 'Intro', mimeType: 'audio/wav' };
    const saved = await assets.saveAsset('host-user-3', { ...audio, bytes: silentWav(1.5), duration: 99 });
    expect(saved).toMatchObject({ type: 'audio', mimeType: 'audio/wav', format: 'wav', duration: 1.5 });
    await expect(
      assets.saveAsset('host-user-3', {
        ...audio,
        bytes: Buffer.from('ID3 but not really an mp3'),
        mimeType: 'audio/mpeg',
      }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('exports AudioGenerationService: a host module queues speech as the route does', async () => {
    const accepted = await app.get(AudioGenerationService).generateAudio('host-user-4', {
      text: 'From the host',
      provider: 'placeholder',
    });
    expect(accepted).toMatchObject({
      success: true,
      status: 'queued',
      statusUrl: `/api/creative/jobs/${accepted.jobId}`,
    });
  });

  it('fires a host listener of creative.job.completed once per completed job, with its assets', async () => {
    const http = request(app.getHttpServer());
    const user = 'host-user-events';
    const jobIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await http
        .post('/api/creative/image/generate')
        .set('x-host-user', user)
        .send(imageRequest())
        .expect(202);
      jobIds.push((res.body as { jobId: string }).jobId);
    }
    const events = app.get(HostEventLog);
    const ofUser = () => events.jobsCompleted.filter((event) => event.userId === user);
    await waitFor(() => (ofUser().length >= 2 ? true : undefined), 'two job.completed events');
    // Long enough for a duplicate announcement (a second attempt, a stalled worker) to show.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(
      ofUser()
        .map((event) => event.jobId)
        .sort(),
    ).toEqual([...jobIds].sort());
    for (const event of ofUser()) {
      expect(event).toMatchObject({ type: 'image_generation', provider: 'placeholder', model: 'placeholder' });
      expect(event.assetIds).toHaveLength(1);
      // The announced asset is committed: a listener may read it at once.
      await http.get(`/api/creative/asset/${event.assetIds[0]}`).set('x-host-user', user).expect(200);
    }
    const created = events.assetsCreated.filter((event) => event.userId === user);
    expect(created.map((event) => event.generationId).sort()).toEqual([...jobIds].sort());

    const [assetId] = ofUser()[0].assetIds;
    await http.delete(`/api/creative/asset/${assetId}`).set('x-host-user', user).expect(200);
    expect(events.assetsDeleted).toContainEqual({ assetId, userId: user });
  });

  it('mounts no queue dashboard unless the host asks for it (queueDashboard: true)', async () => {
    await request(app.getHttpServer()).get('/queues').expect(404);
  });

  it("leaves the host's own routes alone: no engine validation, auth or error shape on them", async () => {
    const res = await request(app.getHttpServer())
      .post('/host/echo')
      .send({ anything: ['goes'] })
      .expect(201);
    expect(res.body).toEqual({ received: { anything: ['goes'] } });
    const missing = await request(app.getHttpServer()).get('/host/nowhere').expect(404);
    expect(missing.body.success).toBeUndefined();
  });
});
