import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { waitFor } from './image-jobs';

/**
 * A `redis-server` of the test's own, on a spare loopback port, that a fault test may stop and start at
 * will (the machine's shared Redis is never touched). Append-only persistence in a temporary folder makes
 * its data survive a restart, as a production Redis configured for a queue would.
 */
export interface PrivateRedis {
  readonly url: string;
  /** Stops the server gracefully (SIGTERM: the append-only file is flushed), waiting for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port and data folder, waiting until it answers PING. */
  start(): Promise<void>;
  /** Stops it and removes its data folder. */
  close(): Promise<void>;
}

const REDIS_SERVER = process.env.TEST_REDIS_SERVER_BIN ?? 'redis-server';
const START_TIMEOUT_MS = 10_000;

async function sparePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answersPing(url: string): Promise<true | undefined> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG' ? true : undefined;
  } catch {
    return undefined;
  } finally {
    client.disconnect();
  }
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ce-private-redis-'));
  const port = await sparePort();
  const url = `redis://127.0.0.1:${port}`;
  let server: ChildProcess | undefined;
  let output = '';

  const start = async (): Promise<void> => {
    if (server) throw new Error('The private Redis is already running');
    output = '';
    const child = spawn(
      REDIS_SERVER,
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'yes',
        '--dir',
        dir,
        '--daemonize',
        'no',
        '--logfile',
        '',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server = child;
    await waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}:\n${output}`);
        return answersPing(url);
      },
      `the private redis-server on port ${port} to answer:\n${output}`,
      START_TIMEOUT_MS,
    );
  };

  const stop = async (): Promise<void> => {
    const child = server;
    server = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    await exited;
  };

  await start();
  return {
    url,
    start,
    stop,
    close: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
