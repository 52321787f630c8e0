import { rm } from 'node:fs/promises';
import path from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { adminDatabaseUrl } from './test-env';

/** Drops what the run created: its database, its Redis keys and its storage folder. */
export default async function globalTeardown(): Promise<void> {
  const { DATABASE_URL, REDIS_URL, QUEUE_PREFIX, STORAGE_DIR } = process.env;
  if (DATABASE_URL) await dropDatabase(new URL(DATABASE_URL).pathname.slice(1));
  if (REDIS_URL && QUEUE_PREFIX) await deleteKeys(REDIS_URL, `${QUEUE_PREFIX}*`);
  if (STORAGE_DIR) await rm(path.dirname(STORAGE_DIR), { recursive: true, force: true });
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new Client({ connectionString: adminDatabaseUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export async function deleteKeys(redisUrl: string, pattern: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
