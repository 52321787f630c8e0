import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';
import { once } from 'node:events';
import { EngineConfig } from '../config/engine-config';
import { withTimeout } from '../queue/with-timeout';

/** Where a counter stands after a hit: hits in the current window and milliseconds until the window resets. */
export interface RateLimitHit {
  hits: number;
  resetInMs: number;
}

// One round trip, atomic: count the hit and start the window on its first hit. A key left without an
// expiry (a crash between the two calls is impossible inside a script, but a manual SET is not) gets one.
const HIT_SCRIPT = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { hits, ttl }
`;

const CONNECT_WAIT_MS = 2_000;
const OUTAGE_LOG_INTERVAL_MS = 60_000;

type RedisWithHit = Redis & { rateLimitHit(key: string, windowMs: number): Promise<[number, number]> };

/**
 * Fixed-window request counters in Redis, so every API instance sharing the Redis shares the limits.
 * Keys live under the engine's QUEUE_PREFIX. When Redis is unreachable the limiter fails open (the request
 * goes through and a warning is logged at most once a minute): an outage of the limiter must not become
 * an outage of the API.
 */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CreativeEngineRateLimit');
  private client?: RedisWithHit;
  private lastOutageLog = 0;

  constructor(private readonly config: EngineConfig) {}

  onModuleInit(): void {
    if (!this.enabled()) return;
    // No offline queue: while Redis is down a hit fails at once (and the request goes through) instead of waiting.
    const client = new Redis(this.config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: 'creative-engine-rate-limit',
    });
    client.defineCommand('rateLimitHit', { numberOfKeys: 1, lua: HIT_SCRIPT });
    client.on('error', () => undefined); // reported by hit(); ioredis reconnects on its own
    this.client = client as RedisWithHit;
  }

  /** Waits briefly for the first connection so the first requests are counted; never blocks start-up for long. */
  async onApplicationBootstrap(): Promise<void> {
    if (!this.client || this.client.status === 'ready') return;
    await withTimeout(once(this.client, 'ready'), CONNECT_WAIT_MS, 'Redis (rate limits)').catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    this.client?.disconnect();
  }

  /** Counts a hit on `key` in a window of `windowMs`; undefined when Redis could not be reached. */
  async hit(key: string, windowMs: number): Promise<RateLimitHit | undefined> {
    if (!this.client) return undefined;
    try {
      const [hits, resetInMs] = await this.client.rateLimitHit(
        `${this.config.queuePrefix}:rate-limit:${key}`,
        windowMs,
      );
      return { hits, resetInMs };
    } catch (error) {
      this.logOutage(error);
      return undefined;
    }
  }

  private enabled(): boolean {
    return this.config.limits.requestsPerMinute > 0 || this.config.limits.generateRequestsPerMinute > 0;
  }

  private logOutage(error: unknown): void {
    const now = Date.now();
    if (now - this.lastOutageLog < OUTAGE_LOG_INTERVAL_MS) return;
    this.lastOutageLog = now;
    this.logger.warn(
      `Rate limits are not enforced while Redis is unreachable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
