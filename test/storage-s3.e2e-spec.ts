import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import sharp from 'sharp';
import { AssetLinks } from '../src/assets/asset-links';
import { AssetsService } from '../src/assets/assets.service';
import { StoredFilesService } from '../src/assets/stored-files';
import { ConfigValidationError, loadConfig } from '../src/config/engine-config';
import { FILE_STORE } from '../src/storage/file-store';
import type { S3FileStore } from '../src/storage/s3-file-store';
import { StorageService } from '../src/storage/storage.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId, pngBytes, sha256 } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { jobStatus, startImageJob, storedFiles, waitFor, waitForJobStatus } from './support/image-jobs';
import { S3RVER_CREDENTIALS, startS3Server, TestS3Server } from './support/s3-server';
import { hasValidPresignature } from './support/sigv4';
import { testEnvironment } from './support/test-env';
import { startWorkerProcess, WorkerProcess } from './support/worker-process';

const PNG_MAGIC = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A folder of this run that no process shares: anything written to a local disk would land there. */
const privateDir = (name: string) => path.join(os.tmpdir(), `ce-test-${process.env.QUEUE_PREFIX}-${name}`);

describe('S3-compatible storage (s3rver on 127.0.0.1, through the AWS SDK)', () => {
  let s3: TestS3Server;

  beforeAll(async () => {
    s3 = await startS3Server();
  });
  afterAll(() => s3.close());

  const objectBytes = async (bucket: string, key: string) => {
    const { Body } = await s3.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await Body!.transformToByteArray());
  };

  describe('StorageService on STORAGE_DRIVER=s3', () => {
    let t: TestApp;
    let storage: StorageService;

    beforeAll(async () => {
      await s3.createBucket('creative-store');
      t = await createTestApp({
        ...s3.environment('creative-store', 'engine/'),
        STORAGE_DIR: privateDir('store'),
        STORAGE_UPLOAD_SPOOL_DIR: privateDir('spool'),
        STORAGE_MAX_FILE_BYTES: String(20 * 1024 * 1024),
      });
      storage = t.app.get(StorageService);
    });
    afterAll(() => t.close());

    it('puts objects under the key prefix, reads and streams them back, and deletes idempotently', async () => {
      const { key } = await storage.put(Buffer.from('hello from s3'), { extension: 'txt' });
      expect((await objectBytes('creative-store', `engine/${key}`)).toString()).toBe('hello from s3');
      expect((await storage.read(key)).toString()).toBe('hello from s3');
      expect(await text(await storage.createReadStream(key))).toBe('hello from s3');
      await storage.delete(key);
      await storage.delete(key);
      await expect(
        s3.client.send(new HeadObjectCommand({ Bucket: 'creative-store', Key: `engine/${key}` })),
      ).rejects.toMatchObject({
        $metadata: { httpStatusCode: 404 },
      });
      await expect(storage.read(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(storage.createReadStream(key)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await storedFiles(privateDir('store'))).toEqual([]);
    });

    it('uploads a large file in parts', async () => {
      const commands: string[] = [];
      t.app.get<S3FileStore>(FILE_STORE).client.middlewareStack.add(
        (next, context) => (args) => {
          commands.push(context.commandName as string);
          return next(args);
        },
        { step: 'initialize', name: 'recordCommands' },
      );
      const bytes = Buffer.alloc(17 * 1024 * 1024);
      for (let index = 0; index < bytes.length; index += 4096) bytes[index] = index % 251;
      const { key } = await storage.put(bytes, { extension: 'bin' });
      // 8 MiB parts: three of them.
      expect(commands).toEqual([
        'CreateMultipartUploadCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'UploadPartCommand',
        'CompleteMultipartUploadCommand',
      ]);
      expect((await objectBytes('creative-store', `engine/${key}`)).equals(bytes)).toBe(true);
      expect((await storage.read(key)).equals(bytes)).toBe(true);
    });

    it('streams a POST /assets/upload from its spooled file to the bucket, with its sha256', async () => {
      const owner = newUserId();
      // Incompressible pixels, stored uncompressed: a PNG of more than one 8 MiB part.
      const noise = { type: 'gaussian', mean: 128, sigma: 60 } as const;
      const bytes = await sharp({ create: { width: 1800, height: 1800, channels: 3, background: '#000', noise } })
        .png({ compressionLevel: 0 })
        .toBuffer();
      expect(bytes.length).toBeGreaterThan(8 * 1024 * 1024);
      const res = await t.http
        .post(`${BASE}/assets/upload`)
        .set(bearer(owner))
        .attach('file', bytes, 'noise.png')
        .expect(201);
      expect(res.body).toMatchObject({ type: 'image', width: 1800, fileSize: bytes.length, checksum: sha256(bytes) });
      const { storageKey } = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: res.body.id } });
      const objectKey = `engine/${storageKey}`;
      expect((await objectBytes('creative-store', objectKey)).equals(bytes)).toBe(true);
      const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'creative-store', Key: objectKey }));
      expect(head.Metadata?.sha256).toBe(sha256(bytes));
      expect(await storedFiles(privateDir('spool'))).toEqual([]);
      expect(await storedFiles(privateDir('store'))).toEqual([]);
    });
  });

  it('refuses to boot with STORAGE_DRIVER=s3 and no bucket, naming the variable', () => {
    const load = () => loadConfig(testEnvironment({ STORAGE_DRIVER: 's3', S3_BUCKET: undefined }));
    expect(load).toThrow(ConfigValidationError);
    expect(load).toThrow('S3_BUCKET is required when STORAGE_DRIVER=s3');
    expect(() =>
      loadConfig(testEnvironment({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'key' })),
    ).toThrow('S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID');
  });

  describe('signed links on the S3 driver', () => {
    let t: TestApp;
    let service: TestApp;
    beforeAll(async () => {
      await s3.createBucket('creative-links');
      const env = { ...s3.environment('creative-links'), STORAGE_DIR: privateDir('links') };
      t = await createTestApp(env);
      service = await createTestApp({ ...env, S3_SIGNED_LINKS: 'service' });
    });
    afterAll(async () => {
      await t.close();
      await service.close();
    });

    const saveImage = async (app: TestApp, owner: string) =>
      app.app
        .get(AssetsService)
        .saveAsset(owner, { type: 'image', sourceModule: 'uploads', title: 'linked', bytes: await pngBytes(90, 60) });

    it('are presigned GETs of the bucket: no header, the right type and caching, the same URL within a quarter of the TTL', async () => {
      const owner = newUserId();
      const asset = await saveImage(t, owner);
      expect(asset.signedUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/creative-links\/.*X-Amz-Signature=/);
      const file = await fetch(asset.signedUrl);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/png');
      expect(file.headers.get('cache-control')).toBe('private, max-age=3600, immutable');
      const bytes = Buffer.from(await file.arrayBuffer());
      expect(bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
      expect(asset.checksum).toBe(sha256(bytes));
      const thumbnail = await fetch(asset.signedThumbnailUrl!);
      expect(thumbnail.headers.get('content-type')).toBe('image/webp');
      expect(Date.parse(asset.signedUrlExpiresAt.toISOString())).toBeGreaterThanOrEqual(Date.now() + 3600_000 - 1000);

      const again = await t.http.get(`${BASE}/asset/${asset.id}`).set(bearer(owner)).expect(200);
      expect(again.body.signedUrl).toBe(asset.signedUrl);
    });

    it('carry a valid Signature Version 4 that a changed byte breaks; an expired link is refused by the bucket with 403', async () => {
      const asset = await saveImage(t, newUserId());
      const url = new URL(asset.signedUrl);
      expect(hasValidPresignature(url, S3RVER_CREDENTIALS)).toBe(true);
      for (const [name, value] of [
        ['X-Amz-Signature', url.searchParams.get('X-Amz-Signature')!.replace(/^./, (c) => (c === '0' ? '1' : '0'))],
        ['X-Amz-Expires', '604800'],
        ['response-content-type', 'text/html'],
      ]) {
        const forged = new URL(url);
        forged.searchParams.set(name, value);
        expect(hasValidPresignature(forged, S3RVER_CREDENTIALS)).toBe(false);
      }
      const otherKey = new URL(url);
      otherKey.pathname = otherKey.pathname.replace(/.(?=\.png$)/, (c) => (c === '0' ? '1' : '0'));
      expect(hasValidPresignature(otherKey, S3RVER_CREDENTIALS)).toBe(false);

      const row = await t.prisma.creativeAsset.findUniqueOrThrow({ where: { id: asset.id } });
      const stale = await t.app.get(AssetLinks).linksFor(row, Date.now() - 3 * 3600_000);
      expect(stale.signedUrlExpiresAt.getTime()).toBeLessThan(Date.now());
      const expired = await fetch(stale.signedUrl);
      expect(expired.status).toBe(403);
      expect(await expired.text()).toContain('Request has expired');
    });

    it('with S3_SIGNED_LINKS=service the engine streams the bytes from the bucket through its own signed route', async () => {
      const asset = await saveImage(service, newUserId());
      expect(asset.signedUrl).toMatch(new RegExp(`^${BASE}/signed/asset/${asset.id}/file\\?expires=`));
      const file = await service.http.get(asset.signedUrl).expect(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(sha256(file.body as Buffer)).toBe(asset.checksum);
    });
  });

  describe('one API and two workers on different machines', () => {
    const JOBS = 20;
    let fake: FakeProvider;
    let api: TestApp;
    let workers: WorkerProcess[] = [];

    beforeAll(async () => {
      await s3.createBucket('creative-shared');
      fake = await startFakeProvider();
      const shared = {
        ...s3.environment('creative-shared'),
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-machines`,
        OPENAI_BASE_URL: fake.baseUrl,
      };
      // Each process has a disk of its own: a file written to one would be missing on the others.
      api = await createTestApp({
        ...shared,
        OPENAI_API_KEY: 'sk-api',
        WORKER_ENABLED: 'false',
        // Twenty jobs polled at once for as long as a loaded machine takes: more than a user's default minute.
        RATE_LIMIT_PER_MINUTE: '0',
        RATE_LIMIT_GENERATE_PER_MINUTE: '0',
        USER_MAX_ACTIVE_JOBS: String(JOBS),
        STORAGE_DIR: privateDir('api'),
      });
      // Told apart at the fake by their keys.
      workers = ['a', 'b'].map((name) =>
        startWorkerProcess({
          ...shared,
          OPENAI_API_KEY: `sk-worker-${name}`,
          WORKER_CONCURRENCY: '2',
          STORAGE_DIR: privateDir(`worker-${name}`),
        }),
      );
    });
    afterAll(async () => {
      await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
      await api.close();
      await fake.close();
    });

    it('renders twenty jobs on both workers; the API answers links to every file and no local disk holds any', async () => {
      const user = newUserId('machines');
      // Each generation takes a while at the provider, so while one worker renders the other takes the next job.
      fake.enqueue(
        ...Array.from({ length: JOBS }, () => ({ kind: 'latency' as const, ms: 300, route: 'images' as const })),
      );
      const jobIds = await Promise.all(
        Array.from({ length: JOBS }, (_, index) =>
          startImageJob(api.http, user, { prompt: `Machine ${index}`, model: 'gpt-image-1', quality: 'low' }),
        ),
      );
      const done = await Promise.all(jobIds.map((jobId) => waitForJobStatus(api.http, user, jobId, undefined, 90_000)));
      expect(done.map((job) => job.status)).toEqual(Array(JOBS).fill('completed'));

      const callers = new Set(fake.requestsTo('images').map((request) => request.headers.authorization));
      expect(callers).toEqual(new Set(['Bearer sk-worker-a', 'Bearer sk-worker-b']));

      for (const job of done) {
        const asset = job.assets[0] as { signedUrl: string; signedThumbnailUrl: string; checksum: string };
        // As a browser's <img src> would: no Authorization header.
        const file = await fetch(asset.signedUrl);
        expect(file.headers.get('content-type')).toBe('image/png');
        const bytes = Buffer.from(await file.arrayBuffer());
        expect(bytes.subarray(0, 8)).toEqual(PNG_MAGIC);
        expect(sha256(bytes)).toBe(asset.checksum);
        expect((await fetch(asset.signedThumbnailUrl)).headers.get('content-type')).toBe('image/webp');
        // And through the API with a bearer token, which streams from the bucket.
        await api.http
          .get(`${BASE}/asset/${(asset as unknown as { id: string }).id}/file`)
          .set(bearer(user))
          .expect(200);
      }
      const { KeyCount } = await s3.client.send(new ListObjectsV2Command({ Bucket: 'creative-shared' }));
      expect(KeyCount).toBe(JOBS * 2);
      for (const dir of ['api', 'worker-a', 'worker-b']) expect(await storedFiles(privateDir(dir))).toEqual([]);

      // Deleting through the API removes the objects the workers wrote.
      const first = done[0].assets[0] as { id: string };
      await api.http.delete(`${BASE}/asset/${first.id}`).set(bearer(user)).expect(200);
      const after = await s3.client.send(new ListObjectsV2Command({ Bucket: 'creative-shared' }));
      expect(after.KeyCount).toBe((JOBS - 1) * 2);
    });
  });

  describe('the same layout on the local driver', () => {
    let api: TestApp;
    let worker: WorkerProcess;
    const env = { QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-local-machines` };
    beforeAll(async () => {
      api = await createTestApp({ ...env, WORKER_ENABLED: 'false', STORAGE_DIR: privateDir('local-api') });
      worker = startWorkerProcess({ ...env, STORAGE_DIR: privateDir('local-worker') });
    });
    afterAll(async () => {
      await worker.kill('SIGTERM');
      await api.close();
    });

    it('is one machine only: the job completes, but the API cannot find the file the worker wrote to its own disk', async () => {
      const user = newUserId();
      const jobId = await startImageJob(api.http, user, { prompt: 'Written elsewhere', model: 'placeholder' });
      const job = await waitForJobStatus(api.http, user, jobId, undefined, 60_000);
      expect(job.status).toBe('completed');
      expect(await storedFiles(privateDir('local-worker'))).toHaveLength(2);
      await api.http.get(job.assets[0].signedUrl).expect(404);
      await api.http.get(`${BASE}/asset/${job.assets[0].id}/file`).set(bearer(user)).expect(404);
    });
  });

  describe('a bucket outage in the middle of a job', () => {
    let fake: FakeProvider;
    let t: TestApp;
    beforeAll(async () => {
      await s3.createBucket('creative-outage');
      fake = await startFakeProvider();
      t = await createTestApp({
        ...s3.environment('creative-outage'),
        QUEUE_PREFIX: `${process.env.QUEUE_PREFIX}-outage`,
        OPENAI_API_KEY: 'sk-outage',
        OPENAI_BASE_URL: fake.baseUrl,
        STORAGE_DIR: privateDir('outage'),
        S3_MAX_ATTEMPTS: '1',
        S3_REQUEST_TIMEOUT_MS: '1000',
        IMAGE_JOB_BACKOFF_MS: '500',
        IMAGE_JOB_ATTEMPTS: '10',
      });
    });
    afterAll(async () => {
      await s3.restart();
      await t.close();
      await fake.close();
    });

    it('fails the attempt, retries, and completes once the bucket is back, with nothing lost or left over', async () => {
      const user = newUserId();
      fake.enqueue({ kind: 'latency', ms: 800, route: 'images' });
      const jobId = await startImageJob(t.http, user, { prompt: 'Through an outage', model: 'gpt-image-1' });
      await waitFor(() => (fake.requestsTo('images').length === 1 ? true : undefined), 'the provider call');
      await s3.stop();
      const failedOnce = await waitFor(async () => {
        const job = await jobStatus(t.http, user, jobId);
        return job.attempts >= 2 || job.errorMessage ? job : undefined;
      }, 'an attempt to fail while the bucket is down');
      expect(failedOnce.status).not.toBe('completed');
      await s3.restart();

      const job = await waitForJobStatus(t.http, user, jobId, undefined, 60_000);
      expect(job.status).toBe('completed');
      const asset = job.assets[0] as { id: string; signedUrl: string; checksum: string };
      const bytes = Buffer.from(await (await fetch(asset.signedUrl)).arrayBuffer());
      expect(sha256(bytes)).toBe(asset.checksum);
      expect(await t.prisma.creativeAsset.count({ where: { userId: user } })).toBe(1);
      // The failed attempt gave its writes up at once; what it could not delete while the bucket was down the
      // sweep deletes now that it is back.
      expect(await t.prisma.storageIntent.count()).toBe(0);
      await t.app.get(StoredFilesService).sweep();
      expect(await t.prisma.pendingFileDeletion.count()).toBe(0);
      const { KeyCount } = await s3.client.send(new ListObjectsV2Command({ Bucket: 'creative-outage' }));
      expect(KeyCount).toBe(2);
    });
  });
});
