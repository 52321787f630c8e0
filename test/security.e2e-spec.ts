import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StorageService } from '../src/storage/storage.service';
import { BASE, bearer, createTestApp, TestApp, tokenFor } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { startImageJob, waitFor, waitForJobStatus } from './support/image-jobs';

/**
 * Security properties proven against the running service (SECURITY.md lists where each one is tested).
 * JWT algorithm pinning: test/auth.e2e-spec.ts. Storage keys: also test/storage.e2e-spec.ts and
 * src/storage/storage-keys.spec.ts. SSRF address rules: src/providers/image/safe-download.spec.ts.
 */

describe('secrets never reach the logs', () => {
  // Distinctive values, so any appearance in the output is unambiguous.
  const OPENAI_KEY = 'sk-canary-openai-7f3a9c1e5b2d4068';
  const STABILITY_KEY = 'sk-canary-stability-4c8e2a6f1d3b5079';
  const JWT_SECRET = 'jwt-canary-secret-9b1d7e3f5a2c4608-0123456789';
  let t: TestApp;
  let fake: FakeProvider;
  let captured = '';
  const spies: jest.SpyInstance[] = [];

  beforeAll(async () => {
    const capture = (chunk: unknown) => {
      captured += typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : String(chunk);
      return true;
    };
    spies.push(jest.spyOn(process.stdout, 'write').mockImplementation(capture));
    spies.push(jest.spyOn(process.stderr, 'write').mockImplementation(capture));
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      spies.push(
        jest
          .spyOn(console, method)
          .mockImplementation((...args: unknown[]) => void capture(`${args.map(String).join(' ')}\n`)),
      );
    }
    fake = await startFakeProvider({ apiKey: OPENAI_KEY });
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-secrets`,
      LOG_LEVEL: 'verbose',
      AUTH_JWT_SECRET: JWT_SECRET,
      OPENAI_API_KEY: OPENAI_KEY,
      OPENAI_BASE_URL: fake.baseUrl,
      STABILITY_API_KEY: STABILITY_KEY,
      STABILITY_BASE_URL: fake.origin,
      TEXT_DEFAULT_MODEL: 'fake-gpt-mini',
      TEXT_MAX_RETRIES: '0',
      IMAGE_JOB_ATTEMPTS: '1',
    });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    spies.forEach((spy) => spy.mockRestore());
  });

  it('logs start-up, jobs, provider calls and failures at verbose without the API keys, the JWT secret or tokens', async () => {
    const user = newUserId();
    const token = tokenFor(user, {}, JWT_SECRET);
    const auth = { Authorization: `Bearer ${token}` };

    const finalStatus = (jobId: string) =>
      waitFor(async () => {
        const { status } = (await t.http.get(`${BASE}/image/${jobId}/status`).set(auth).expect(200)).body as {
          status: string;
        };
        return ['completed', 'failed', 'cancelled'].includes(status) ? status : undefined;
      }, `job ${jobId} to finish`);

    const jobId = await startImageJob(
      t.http,
      user,
      { prompt: 'A lighthouse', model: 'gpt-image-1', size: '1024x1024', quality: 'low' },
      auth,
    );
    expect(await finalStatus(jobId)).toBe('completed');
    await t.http.post(`${BASE}/content/generate`).set(auth).send({ prompt: 'A haiku about rain' }).expect(201);

    // Failures log more than successes do: a provider error, a refused image, a bad token.
    fake.enqueue({ kind: 'server_error', route: 'chat' });
    await t.http.post(`${BASE}/content/generate`).set(auth).send({ prompt: 'A haiku about snow' }).expect(502);
    fake.enqueue({ kind: 'content_policy', route: 'images' });
    const refusedJob = await startImageJob(
      t.http,
      user,
      { prompt: 'Something refused', model: 'gpt-image-1', size: '1024x1024', quality: 'low' },
      auth,
    );
    expect(await finalStatus(refusedJob)).toBe('failed');
    await t.http
      .get(`${BASE}/me`)
      .set({ Authorization: `Bearer ${tokenFor(user)}` })
      .expect(401);

    // The capture did see the verbose output, so its silence about the secrets means something.
    expect(captured).toContain('Mapped {/api/creative/image/generate, POST} route');
    for (const secret of [OPENAI_KEY, STABILITY_KEY, JWT_SECRET, token]) {
      expect(captured.includes(secret)).toBe(false);
    }
    expect(fake.requestsTo('chat')[0].headers.authorization).toBe(`Bearer ${OPENAI_KEY}`);
  });
});

describe('provider image links (SSRF)', () => {
  let t: TestApp;
  let fake: FakeProvider;
  let redirector: Server;
  const redirected: string[] = [];

  beforeAll(async () => {
    fake = await startFakeProvider();
    // Answers every link with a redirect to the fake's real file: a hop the engine must not follow.
    redirector = createServer((req, res) => {
      redirected.push(req.url ?? '');
      res.writeHead(302, { Location: `${fake.origin}${req.url}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    t = await createTestApp({
      QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ssrf`,
      OPENAI_API_KEY: 'sk-test-ssrf',
      OPENAI_BASE_URL: fake.baseUrl,
      IMAGE_JOB_ATTEMPTS: '3',
      IMAGE_JOB_BACKOFF_MS: '0',
    });
  });

  afterAll(async () => {
    await t?.close();
    await fake?.close();
    redirector.closeAllConnections();
    await new Promise((resolve) => redirector.close(resolve));
  });

  beforeEach(() => fake.reset());

  it('fails the job at once, storing nothing, when the link is plain http or loopback (the default configuration)', async () => {
    const user = newUserId();
    fake.setImageResponseFormat('url');
    const jobId = await startImageJob(t.http, user, {
      prompt: 'A glass teapot',
      model: 'gpt-image-2',
      size: '1024x1024',
    });
    const job = await waitForJobStatus(t.http, user, jobId);
    expect(job).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
    expect(job.errorMessage).toContain('only https links are downloaded');
    expect(fake.requests.filter((request) => request.route === 'files')).toHaveLength(0);
  });

  describe('with loopback http admitted (test mode)', () => {
    let loopback: TestApp;

    beforeAll(async () => {
      loopback = await createTestApp({
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-ssrf-loopback`,
        OPENAI_API_KEY: 'sk-test-ssrf',
        OPENAI_BASE_URL: fake.baseUrl,
        IMAGE_DOWNLOAD_ALLOW_INSECURE_LOOPBACK: 'true',
        IMAGE_JOB_ATTEMPTS: '3',
        IMAGE_JOB_BACKOFF_MS: '0',
      });
    });

    afterAll(async () => {
      await loopback?.close();
    });

    it('never follows a redirect: the job fails without retries and the target is never fetched', async () => {
      const user = newUserId();
      fake.setImageResponseFormat('url');
      fake.setImageUrlBase(`http://127.0.0.1:${(redirector.address() as AddressInfo).port}`);
      const jobId = await startImageJob(loopback.http, user, {
        prompt: 'A glass teapot',
        model: 'gpt-image-2',
        size: '1024x1024',
      });
      const job = await waitForJobStatus(loopback.http, user, jobId);
      expect(job).toMatchObject({ status: 'failed', attempts: 1, assets: [] });
      expect(job.errorMessage).toContain('redirects are not followed');
      expect(redirected).toHaveLength(1);
      expect(fake.requests.filter((request) => request.route === 'files')).toHaveLength(0);
      expect(await loopback.prisma.creativeAsset.count({ where: { userId: user } })).toBe(0);
    });
  });
});

describe('storage keys cannot escape STORAGE_DIR', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ WORKER_ENABLED: 'false' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it.each([
    '../../../../etc/passwd',
    '/etc/passwd',
    '2026/01/../../../etc/passwd',
    '2026/01/00000000-0000-4000-8000-000000000000.png/../../../../etc/passwd',
    '2026/01/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
    '2026/01/00000000-0000-4000-8000-000000000000.png\u0000.txt',
    '2026\\01\\..\\..\\etc\\passwd',
    'C:\\Windows\\win.ini',
  ])('refuses to read or delete %j', async (key) => {
    const storage = t.app.get(StorageService);
    await expect(storage.read(key)).rejects.toThrow('Not a storage key');
    await expect(storage.createReadStream(key)).rejects.toThrow('Not a storage key');
    await expect(storage.delete(key)).rejects.toThrow('Not a storage key');
  });

  it('refuses path tricks in the extension of a new file', async () => {
    const storage = t.app.get(StorageService);
    for (const extension of ['../../x', 'png/../../../x', '.', 'p\u0000ng']) {
      await expect(storage.put(Buffer.from('x'), { extension })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
  });
});

describe('tokens', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ WORKER_ENABLED: 'false' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('a token signed with another secret is a 401 on every kind of route (algorithm pinning: test/auth.e2e-spec.ts)', async () => {
    const forged = { Authorization: `Bearer ${tokenFor('victim', {}, 'another-secret-0123456789-abcdefghijklmnop')}` };
    for (const path of ['/me', '/assets', '/templates', '/jobs']) {
      await t.http.get(`${BASE}${path}`).set(forged).expect(401);
    }
    await t.http.get(`${BASE}/me`).set(bearer('victim')).expect(200);
  });
});
