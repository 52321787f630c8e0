import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { AssetsService, AudioGenerationService } from '../src';
import { silentWav } from './support/audio-bytes';
import { createHostApp } from './support/host-app';

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
