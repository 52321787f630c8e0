import { getQueueToken } from '@nestjs/bull';
import type { Queue } from 'bull';
import { AssetsService } from '../src/assets/assets.service';
import { WEBHOOK_DELIVERY_QUEUE } from '../src/queue/queue.constants';
import { WebhookDeliveryWorker } from '../src/webhooks/webhook-delivery.worker';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { imageRequest, newUserId, pngBytes } from './support/factories';
import { ContractChecker, type OpenApi } from './support/openapi-contract';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { startImageJob, waitFor, waitForJobStatus } from './support/image-jobs';
import { startWebhookReceiver, verifiedEvent, WebhookReceiver } from './support/webhook-receiver';
import { FAST_STALL_DETECTION, startWorkerProcess, WorkerProcess } from './support/worker-process';

const ALL_EVENTS = ['job.completed', 'job.failed', 'asset.created', 'asset.deleted'];

/** Fast retries, so that a day of backoff takes a second here. */
const WEBHOOK_SETTINGS = {
  WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  WEBHOOK_RETRY_BASE_MS: '100',
  WEBHOOK_MAX_ATTEMPTS: '5',
  WEBHOOK_RELAY_INTERVAL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '1000',
  WEBHOOK_MAX_ENDPOINTS_PER_USER: '3',
};

interface Registered {
  id: string;
  secret: string;
}

interface DeliveryBody {
  id: string;
  eventType: string;
  status: string;
  attempts: number;
  lastError: string | null;
  attemptLog: { attempt: number; statusCode: number | null; error: string | null; startedAt: string }[];
}

async function register(t: TestApp, userId: string, url: string, events = ALL_EVENTS): Promise<Registered> {
  const res = await t.http.post(`${BASE}/webhooks`).set(bearer(userId)).send({ url, events });
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Registered;
}

async function deliveries(t: TestApp, userId: string, webhookId: string, query = ''): Promise<DeliveryBody[]> {
  const res = await t.http.get(`${BASE}/webhook/${webhookId}/deliveries${query}`).set(bearer(userId)).expect(200);
  return res.body.items as DeliveryBody[];
}

function saveImage(t: TestApp, userId: string, title = 'A webhook test image') {
  return pngBytes(64, 64).then((bytes) =>
    t.app.get(AssetsService).saveAsset(userId, { type: 'image', sourceModule: 'uploads', title, bytes }),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Webhooks', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    fake = await startFakeProvider();
    t = await createTestApp({
      ...WEBHOOK_SETTINGS,
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-webhooks`,
      OPENAI_API_KEY: 'sk-test-webhooks',
      OPENAI_BASE_URL: fake.baseUrl,
    });
  });
  beforeEach(async () => {
    receiver = await startWebhookReceiver();
  });
  afterEach(() => receiver.close());
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  describe('registration', () => {
    it('answers the secret once; lists, reads and deletes only your own webhooks', async () => {
      const owner = newUserId('hook-owner');
      const other = newUserId('hook-other');
      const created = await t.http
        .post(`${BASE}/webhooks`)
        .set(bearer(owner))
        .send({ url: receiver.url, events: ['asset.created'] })
        .expect(201);
      expect(created.body).toMatchObject({
        url: receiver.url,
        events: ['asset.created'],
        enabled: true,
        disabledReason: null,
        secret: expect.stringMatching(/^whsec_/),
      });
      const id = created.body.id as string;

      const listed = await t.http.get(`${BASE}/webhooks`).set(bearer(owner)).expect(200);
      expect(listed.body.items).toEqual([expect.objectContaining({ id, url: receiver.url })]);
      expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);
      const one = await t.http.get(`${BASE}/webhook/${id}`).set(bearer(owner)).expect(200);
      expect(one.body).not.toHaveProperty('secret');

      expect((await t.http.get(`${BASE}/webhooks`).set(bearer(other)).expect(200)).body.items).toEqual([]);
      for (const [method, path] of [
        ['get', `/webhook/${id}`],
        ['get', `/webhook/${id}/deliveries`],
        ['post', `/webhook/${id}/rotate-secret`],
        ['delete', `/webhook/${id}`],
      ] as const) {
        const res = await t.http[method](`${BASE}${path}`).set(bearer(other));
        expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 404, error: 'NOT_FOUND' });
      }

      await t.http.delete(`${BASE}/webhook/${id}`).set(bearer(owner)).expect(200, { success: true });
      await t.http.get(`${BASE}/webhook/${id}`).set(bearer(owner)).expect(404);
    });

    it.each([
      ['http://hooks.example.com/in', 'only https URLs are accepted'],
      ['https://10.0.0.1/in', 'address 10.0.0.1 is not a public address'],
      ['https://169.254.169.254/latest', 'is not a public address'],
      ['https://localhost:8443/in', 'localhost resolves to a refused address'],
      ['https://user:secret@hooks.example.com/in', 'credentials'],
      ['not a url', 'not a valid URL'],
    ])('refuses the target %s with a 400 naming why', async (url, why) => {
      const user = newUserId('hook-target');
      const res = await t.http
        .post(`${BASE}/webhooks`)
        .set(bearer(user))
        .send({ url, events: ['job.completed'] });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: 'VALIDATION_FAILED' });
      expect(res.body.details).toEqual([{ field: 'url', problems: [expect.stringContaining(why)] }]);
      expect(await t.prisma.webhookEndpoint.count({ where: { userId: user } })).toBe(0);
    });

    it('refuses unknown, repeated or no events, and more webhooks than the limit', async () => {
      const user = newUserId('hook-limits');
      for (const events of [[], ['job.exploded'], ['job.failed', 'job.failed'], 'job.failed']) {
        const res = await t.http.post(`${BASE}/webhooks`).set(bearer(user)).send({ url: receiver.url, events });
        expect({ events, status: res.status }).toEqual({ events, status: 400 });
      }
      for (let n = 0; n < 3; n++) await register(t, user, receiver.url);
      const over = await t.http
        .post(`${BASE}/webhooks`)
        .set(bearer(user))
        .send({ url: receiver.url, events: ['job.failed'] });
      expect(over.status).toBe(409);
      expect(over.body.message).toContain('3 webhooks');
    });
  });

  describe('delivery', () => {
    it('delivers each event of a job once, signed, with the ids the API answers', async () => {
      const user = newUserId('hook-events');
      const hook = await register(t, user, receiver.url);

      const completedJob = await startImageJob(t.http, user, imageRequest({ prompt: 'a signed lighthouse' }));
      const completed = await waitForJobStatus(t.http, user, completedJob, ['completed']);
      const assetId = completed.assets[0].id;
      fake.enqueue({ kind: 'content_policy', route: 'images' });
      const failedJob = await startImageJob(t.http, user, {
        prompt: 'a refused prompt',
        model: 'gpt-image-1',
        quality: 'low',
      });
      const failed = await waitForJobStatus(t.http, user, failedJob, ['failed']);
      await t.http.delete(`${BASE}/asset/${assetId}`).set(bearer(user)).expect(200);

      await waitFor(() => (receiver.received.length >= 4 ? true : undefined), 'four deliveries');
      await pause(500); // time for a duplicate to show up, if one were sent
      const events = receiver.received.map((received) => verifiedEvent(hook.secret, received));
      expect(events.map((event) => event.type).sort()).toEqual(
        ['asset.created', 'asset.deleted', 'job.completed', 'job.failed'].sort(),
      );
      const byType = Object.fromEntries(events.map((event) => [event.type, event]));
      expect(byType['job.completed'].data).toEqual({
        jobId: completedJob,
        userId: user,
        type: 'image_generation',
        provider: 'placeholder',
        model: 'placeholder',
        cost: expect.any(Number),
        actualTimeMs: expect.any(Number),
        assetIds: [assetId],
      });
      expect(byType['asset.created'].data).toEqual({
        assetId,
        userId: user,
        type: 'image',
        sourceModule: 'image_generation',
        generationId: completedJob,
      });
      expect(byType['job.failed'].data).toEqual({
        jobId: failedJob,
        userId: user,
        type: 'image_generation',
        errorMessage: failed.errorMessage,
      });
      expect(byType['asset.deleted'].data).toEqual({ assetId, userId: user });
      for (const event of events) expect(Date.parse(event.timestamp)).toBeGreaterThan(Date.now() - 60_000);

      const ids = receiver.received.map((received) => received.headers['webhook-id']);
      expect(new Set(ids).size).toBe(4);
      const checker = new ContractChecker((await t.http.get('/docs-json').expect(200)).body as OpenApi);
      const answer = await t.http.get(`${BASE}/webhook/${hook.id}/deliveries`).set(bearer(user)).expect(200);
      expect(checker.problems('get', `${BASE}/webhook/{id}/deliveries`, answer)).toEqual([]);
      const recorded = await deliveries(t, user, hook.id);
      expect(recorded.map((delivery) => delivery.id).sort()).toEqual([...ids].sort());
      const metrics = (await t.http.get('/metrics').expect(200)).text;
      for (const event of ['job.completed', 'job.failed'])
        expect(metrics).toContain(`creative_engine_webhook_attempts_total{event="${event}",outcome="delivered"} 1\n`);
      for (const delivery of recorded)
        expect(delivery).toMatchObject({
          status: 'delivered',
          attempts: 1,
          attemptLog: [{ attempt: 1, statusCode: 200 }],
        });
    });

    it('delivers only the events asked for, only to the owner, and nothing of a rolled-back change', async () => {
      const user = newUserId('hook-filter');
      const other = newUserId('hook-filter-other');
      const hook = await register(t, user, receiver.url, ['asset.deleted']);
      await register(t, other, receiver.url, ['asset.created']);

      const asset = await saveImage(t, user);
      await expect(
        t.prisma.$transaction(async (tx) => {
          await tx.creativeAsset.delete({ where: { id: asset.id } });
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await pause(400);
      expect(receiver.received).toEqual([]);

      await t.http.delete(`${BASE}/asset/${asset.id}`).set(bearer(user)).expect(200);
      await waitFor(() => (receiver.received.length >= 1 ? true : undefined), 'the asset.deleted delivery');
      await pause(300);
      expect(receiver.received.map((received) => verifiedEvent(hook.secret, received).type)).toEqual(['asset.deleted']);
    });

    it('keeps retrying while the receiver is down and delivers once it is back, every attempt recorded', async () => {
      const user = newUserId('hook-down');
      const hook = await register(t, user, receiver.url, ['asset.created']);
      await receiver.goDown();
      const asset = await saveImage(t, user);

      const failing = await waitFor(async () => {
        const [delivery] = await deliveries(t, user, hook.id);
        return delivery?.attempts >= 2 ? delivery : undefined;
      }, 'two failed attempts');
      expect(failing).toMatchObject({ status: 'pending', lastError: expect.stringContaining('Connection failed') });
      expect(failing.attemptLog[0]).toMatchObject({ attempt: 1, statusCode: null });

      await receiver.comeBack();
      const delivered = await waitFor(async () => {
        const [delivery] = await deliveries(t, user, hook.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      }, 'the delivery after the receiver came back');
      expect(delivered.attemptLog.at(-1)).toMatchObject({ statusCode: 200, error: null });
      expect(delivered.attemptLog.map((attempt) => attempt.attempt)).toEqual(
        delivered.attemptLog.map((_attempt, index) => index + 1),
      );
      // Exponential backoff: each pause at least the base (100 ms) times 2^(attempt - 1).
      const starts = delivered.attemptLog.map((attempt) => Date.parse(attempt.startedAt));
      for (let n = 1; n < starts.length; n++)
        expect(starts[n] - starts[n - 1]).toBeGreaterThanOrEqual(100 * 2 ** (n - 1) - 20);
      expect(receiver.received).toHaveLength(1);
      expect(verifiedEvent(hook.secret, receiver.received[0]).data).toMatchObject({ assetId: asset.id });
    });

    it('disables an endpoint whose delivery runs out of attempts, with the reason, and records no more events for it', async () => {
      const user = newUserId('hook-dead');
      receiver.answerWith(() => 500);
      const hook = await register(t, user, receiver.url, ['asset.created']);
      await saveImage(t, user);

      const failed = await waitFor(async () => {
        const [delivery] = await deliveries(t, user, hook.id);
        return delivery?.status === 'failed' ? delivery : undefined;
      }, 'the delivery to fail for good');
      expect(failed.attempts).toBe(5);
      expect(failed.attemptLog.map((attempt) => attempt.statusCode)).toEqual([500, 500, 500, 500, 500]);
      expect(failed.lastError).toBe('HTTP 500: receiver says no');
      const endpoint = await t.http.get(`${BASE}/webhook/${hook.id}`).set(bearer(user)).expect(200);
      expect(endpoint.body).toMatchObject({ enabled: false, disabledAt: expect.any(String) });
      expect(endpoint.body.disabledReason).toContain('failed 5 attempts');

      await saveImage(t, user, 'after the endpoint was disabled');
      await pause(300);
      expect(await deliveries(t, user, hook.id)).toHaveLength(1);
      expect(receiver.received).toHaveLength(5);
    });

    it('does not follow a redirect: the attempt fails and the other host hears nothing', async () => {
      const elsewhere = await startWebhookReceiver('/elsewhere');
      try {
        const user = newUserId('hook-redirect');
        receiver.answerWith(() => ({ status: 302, location: elsewhere.url }));
        const hook = await register(t, user, receiver.url, ['asset.created']);
        await saveImage(t, user);
        const [delivery] = await waitFor(async () => {
          const found = await deliveries(t, user, hook.id);
          return found[0]?.attempts >= 2 ? found : undefined;
        }, 'two redirected attempts');
        expect(delivery.attemptLog[0]).toMatchObject({
          statusCode: 302,
          error: 'HTTP 302: redirects are not followed; register the final URL',
        });
        expect(elsewhere.received).toEqual([]);
      } finally {
        await elsewhere.close();
      }
    });

    it('refuses at connection time a target whose name now resolves to a private address, and disables it', async () => {
      const user = newUserId('hook-rebound');
      // Registered while its name was public, since rebound to loopback: inserted as registration would have.
      const rebound = new URL(receiver.url);
      rebound.protocol = 'https:';
      rebound.hostname = 'localhost';
      const endpoint = await t.prisma.webhookEndpoint.create({
        data: {
          userId: user,
          url: rebound.toString(),
          events: ['asset.created'],
          secret: 'whsec_' + 'A'.repeat(43) + '=',
        },
      });
      await saveImage(t, user);
      const [delivery] = await waitFor(async () => {
        const found = await deliveries(t, user, endpoint.id);
        return found[0]?.status === 'failed' ? found : undefined;
      }, 'the refused delivery');
      expect(delivery.attempts).toBe(1);
      expect(delivery.lastError).toMatch(
        /^Target refused: localhost resolves to a refused address: address (127\.0\.0\.1|::1)/,
      );
      const row = await t.prisma.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
      expect(row.disabledReason).toContain('localhost resolves to a refused address');
      expect(receiver.received).toEqual([]);
    });

    it('signs with both secrets during a rotation, so either verifies', async () => {
      const user = newUserId('hook-rotate');
      const hook = await register(t, user, receiver.url, ['asset.created']);
      const rotated = await t.http.post(`${BASE}/webhook/${hook.id}/rotate-secret`).set(bearer(user)).expect(200);
      expect(rotated.body.secret).toMatch(/^whsec_/);
      expect(rotated.body.secret).not.toBe(hook.secret);
      expect(Date.parse(rotated.body.previousSecretExpiresAt)).toBeGreaterThan(Date.now() + 23 * 3600_000);

      await saveImage(t, user);
      await waitFor(() => (receiver.received.length >= 1 ? true : undefined), 'the delivery');
      const [received] = receiver.received;
      expect(String(received.headers['webhook-signature']).split(' ')).toHaveLength(2);
      expect(verifiedEvent(rotated.body.secret as string, received).type).toBe('asset.created');
      expect(verifiedEvent(hook.secret, received).type).toBe('asset.created');
    });

    it('re-queues a pending delivery whose queue entry Redis lost', async () => {
      const user = newUserId('hook-lost');
      const hook = await register(t, user, receiver.url, ['asset.created']);
      await receiver.goDown();
      await saveImage(t, user);
      await waitFor(
        async () => ((await deliveries(t, user, hook.id))[0]?.attempts >= 1 ? true : undefined),
        'an attempt',
      );
      // As after a Redis restart without persistence: the queue forgot it, the outbox did not.
      const queue = t.app.get<Queue>(getQueueToken(WEBHOOK_DELIVERY_QUEUE));
      const [row] = await t.prisma.webhookDelivery.findMany({ where: { endpointId: hook.id } });
      await (await queue.getJob(row.id))?.remove();
      await t.prisma.webhookDelivery.update({
        where: { id: row.id },
        data: { nextAttemptAt: new Date(Date.now() - 3600_000) },
      });
      await receiver.comeBack();

      expect(await t.app.get(WebhookDeliveryWorker).recoverOnce()).toMatchObject({ requeued: 1 });
      await waitFor(
        async () => ((await deliveries(t, user, hook.id))[0]?.status === 'delivered' ? true : undefined),
        'the delivery',
      );
      expect(receiver.received).toHaveLength(1);
    });
  });
});

describe('Webhooks across processes', () => {
  let api: TestApp;
  let receiver: WebhookReceiver;
  const workers: WorkerProcess[] = [];
  const settings = {
    ...WEBHOOK_SETTINGS,
    QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-webhooks-kill`,
    ...FAST_STALL_DETECTION,
  };

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    // An API that only writes: no relay, no delivery consumer.
    api = await createTestApp({ ...settings, WORKER_ENABLED: 'false' });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.kill('SIGKILL');
    await api?.close();
    await receiver?.close();
  });

  it('delivers an event committed while no worker ran, even when the worker sending it is killed mid-request', async () => {
    const user = newUserId('hook-kill');
    const hook = await register(api, user, receiver.url, ['asset.created']);
    const asset = await saveImage(api, user);
    await pause(300);
    const [outboxRow] = await api.prisma.webhookDelivery.findMany({ where: { endpointId: hook.id } });
    expect(outboxRow).toMatchObject({ status: 'pending', queuedAt: null, attempts: 0 });

    receiver.answerWith((_request, index) => (index === 0 ? 'hang' : 200));
    const first = startWorkerProcess(settings);
    workers.push(first);
    await waitFor(
      () => (receiver.received.length >= 1 ? true : undefined),
      () => `the first POST\n${first.output()}`,
    );
    await first.kill('SIGKILL');

    const second = startWorkerProcess(settings);
    workers.push(second);
    const delivered = await waitFor(
      async () => {
        const [delivery] = await deliveries(api, user, hook.id);
        return delivery?.status === 'delivered' ? delivery : undefined;
      },
      () => `the delivery by the second worker\n${second.output()}`,
      30_000,
    );
    // The killed worker's POST got no answer and recorded nothing; the receiver saw the message twice, same id.
    expect(delivered.attemptLog).toEqual([expect.objectContaining({ attempt: 1, statusCode: 200 })]);
    expect(receiver.received.map((received) => received.headers['webhook-id'])).toEqual([outboxRow.id, outboxRow.id]);
    expect(verifiedEvent(hook.secret, receiver.received[1]).data).toMatchObject({ assetId: asset.id });
  });
});
