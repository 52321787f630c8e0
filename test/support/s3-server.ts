import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';

/** s3rver's fixed credentials (it checks Signature Version 2 against them, not Version 4). */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';
export const S3RVER_CREDENTIALS = { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };

export interface TestS3Server {
  /** The engine's variables for a bucket on this server. */
  environment(bucket: string, keyPrefix?: string): Record<string, string>;
  /** A client of the server, for the tests' own checks of what is stored. */
  client: S3Client;
  createBucket(name: string): Promise<void>;
  /** Takes the server down (its objects stay on disk), as an outage would. */
  stop(): Promise<void>;
  /** Brings it back on the same port with the same objects. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** An S3-protocol server (s3rver) on 127.0.0.1, keeping its objects in a temporary folder. */
export async function startS3Server(): Promise<TestS3Server> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'creative-s3-'));
  const serve = async (port: number) => {
    const server = new S3rver({ address: '127.0.0.1', port, silent: true, directory });
    const address = (await server.run()) as { port: number };
    return { server, port: address.port };
  };
  let running: Awaited<ReturnType<typeof serve>> | undefined = await serve(0);
  const { port } = running;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
  });
  const stop = async () => {
    await running?.server.close();
    running = undefined;
  };
  return {
    client,
    environment: (bucket, keyPrefix) => ({
      STORAGE_DRIVER: 's3',
      S3_BUCKET: bucket,
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: 'true',
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      ...(keyPrefix ? { S3_KEY_PREFIX: keyPrefix } : {}),
    }),
    createBucket: async (name) => {
      await client.send(new CreateBucketCommand({ Bucket: name }));
    },
    stop,
    restart: async () => {
      running ??= await serve(port);
    },
    close: async () => {
      client.destroy();
      await stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
