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

/** A counter a request counts against, with the most hits its window allows. */
export interface RateLimitCounter {
  key: string;
  limit: number;
}

// One round trip, atomic, for every counter of a request in order: count the hit and start the window on its
// first hit, and stop at the first counter past its limit, so a refused request counts against none after it.
// A key left without an expiry (a crash between the calls is impossible inside a script, but a manual SET is
// not) gets one.
const HIT_SCRIPT = `
local window = tonumber(ARGV[1])
local result = {}
for index, key in ipairs(KEYS) do
  local hits = redis.call('INCR', key)
  if hits == 1 then redis.call('PEXPIRE', key, window) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  table.insert(result, hits)
  table.insert(result, ttl)
  if hits > tonumber(ARGV[index + 1]) then break end
end
return result
`;

const CONNECT_WAIT_MS = 2_000;
const OUTAGE_LOG_INTERVAL_MS = 60_000;

type RedisWithHit = Redis & { rateLimitHit(...keysThenArguments: (string | number)[]): Promise<number[]> };

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
    // Auto-pipelining: the hits of requests that arrive in the same turn of the event loop go to Redis in one
    // write and come back in one read, instead of a socket write per request.
    const client = new Redis(this.config.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectionName: 'creative-engine-rate-limit',
      enableAutoPipelining: true,
    });
    client.defineCommand('rateLimitHit', { lua: HIT_SCRIPT });
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

  /**
   * Counts a hit on each counter in order, in windows of `windowMs`, up to the first one past its limit; returns
   * where the counted ones stand (the last is the one past its limit when there is one), or undefined when there
   * is no counter or Redis could not be reached.
   */
  async hit(counters: readonly RateLimitCounter[], windowMs: number): Promise<RateLimitHit[] | undefined> {
    if (!this.client || counters.length === 0) return undefined;
    try {
      const reply = await this.client.rateLimitHit(
        counters.length,
        ...counters.map((counter) => `${this.config.queuePrefix}:rate-limit:${counter.key}`),
        windowMs,
        ...counters.map((counter) => counter.limit),
      );
      const hits: RateLimitHit[] = [];
      for (let index = 0; index < reply.length; index += 2)
        hits.push({ hits: reply[index], resetInMs: reply[index + 1] });
      return hits;
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
