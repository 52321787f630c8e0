import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import os from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';
import { ConfigValidationError, loadConfig } from '../src/config/engine-config';
import { FILE_STORE } from '../src/storage/file-store';
import type { S3FileStore } from '../src/storage/s3-file-store';
import { StorageService } from '../src/storage/storage.service';
import { BASE, bearer, createTestApp, TestApp } from './support/app';
import { newUserId } from './support/factories';
import { FakeProvider, startFakeProvider } from './support/fake-provider';
import { startImageJob, storedFiles, waitForJobStatus } from './support/image-jobs';
import { startS3Server, TestS3Server } from './support/s3-server';
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
  });

  it('refuses to boot with STORAGE_DRIVER=s3 and no bucket, naming the variable', () => {
    const load = () => loadConfig(testEnvironment({ STORAGE_DRIVER: 's3', S3_BUCKET: undefined }));
    expect(load).toThrow(ConfigValidationError);
    expect(load).toThrow('S3_BUCKET is required when STORAGE_DRIVER=s3');
    expect(() =>
      loadConfig(testEnvironment({ STORAGE_DRIVER: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'key' })),
    ).toThrow('S3_SECRET_ACCESS_KEY is required with S3_ACCESS_KEY_ID');
  });

  describe('one API and two workers on different machines', () => {
    const JOBS = 4;
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
        // Four jobs polled at once for as long as a loaded machine takes: more than a user's default minute.
        RATE_LIMIT_PER_MINUTE: '0',
        STORAGE_DIR: privateDir('api'),
      });
      // Told apart at the fake by their keys; one job at a time each, so concurrent jobs need both.
      workers = ['a', 'b'].map((name) =>
        startWorkerProcess({
          ...shared,
          OPENAI_API_KEY: `sk-worker-${name}`,
          WORKER_CONCURRENCY: '1',
          STORAGE_DIR: privateDir(`worker-${name}`),
        }),
      );
    });
    afterAll(async () => {
      await Promise.all(workers.map((worker) => worker.kill('SIGTERM')));
      await api.close();
      await fake.close();
    });

    it('renders on both workers and serves every file from the API, with nothing on any local disk', async () => {
      const user = newUserId('machines');
      // Each generation takes a while at the provider, so while one worker renders the other takes the next job.
      fake.enqueue(
        ...Array.from({ length: JOBS }, () => ({ kind: 'latency' as const, ms: 700, route: 'images' as const })),
      );
      const jobIds = await Promise.all(
        Array.from({ length: JOBS }, (_, index) =>
          startImageJob(api.http, user, { prompt: `Machine ${index}`, model: 'gpt-image-1', quality: 'low' }),
        ),
      );
      const done = await Promise.all(jobIds.map((jobId) => waitForJobStatus(api.http, user, jobId, undefined, 60_000)));
      expect(done.map((job) => job.status)).toEqual(Array(JOBS).fill('completed'));

      const callers = new Set(fake.requestsTo('images').map((request) => request.headers.authorization));
      expect(callers).toEqual(new Set(['Bearer sk-worker-a', 'Bearer sk-worker-b']));

      for (const job of done) {
        const asset = job.assets[0] as { signedUrl: string; signedThumbnailUrl: string };
        // Through the signed links, as a browser's <img src> would: no Authorization header.
        const file = await api.http.get(asset.signedUrl).expect(200);
        expect(file.headers['content-type']).toBe('image/png');
        expect(Buffer.from(file.body as Buffer).subarray(0, 8)).toEqual(PNG_MAGIC);
        const thumbnail = await api.http.get(asset.signedThumbnailUrl).expect(200);
        expect(thumbnail.headers['content-type']).toBe('image/webp');
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
});
