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
  /**
   * May be counted in this process and sent to Redis in batches while the counter is far below its limit (see
   * RateLimitStore). Off for limits that guard paid work, which are counted in Redis before every request.
   */
  batched?: boolean;
}

// One round trip, atomic, for every counter of a request in order: add its hits (the request's one, plus those
// this process counted locally and has not sent yet) and start the window on its first hits, and stop at the first
// counter past its limit, so a refused request counts against none after it. A key left without an expiry (a crash
// between the calls is impossible inside a script, but a manual SET is not) gets one.
// ARGV: the window in ms, then for each key its limit and the hits to add.
const HIT_SCRIPT = `
local window = tonumber(ARGV[1])
local result = {}
for index, key in ipairs(KEYS) do
  local added = tonumber(ARGV[index * 2 + 1])
  local hits = redis.call('INCRBY', key, added)
  if hits == added then redis.call('PEXPIRE', key, window) end
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = window
  end
  table.insert(result, hits)
  table.insert(result, ttl)
  if hits > tonumber(ARGV[index * 2]) then break end
end
return result
`;

const CONNECT_WAIT_MS = 2_000;
const OUTAGE_LOG_INTERVAL_MS = 60_000;
/** How long hits counted in this process wait before they go to Redis together. */
export const RATE_LIMIT_BATCH_MS = 10;
/** A counter whose count Redis has not confirmed for this long is counted in Redis again before the next request. */
const CONFIRMED_COUNT_FRESH_MS = 1_000;
/** Counters tracked in this process at most; a request of a counter beyond them is counted in Redis at once. */
const MAX_LOCAL_COUNTERS = 10_000;

type RedisWithHit = Redis & { rateLimitHit(...keysThenArguments: (string | number)[]): Promise<number[]> };

/** What this process knows of a batched counter: Redis's last count, and its own hits since. */
interface LocalCount {
  /** The count in Redis's last answer for this counter. */
  confirmed: number;
  confirmedAt: number;
  resetsAt: number;
  windowMs: number;
  /** Hits sent to Redis whose answer has not come back yet. */
  sending: number;
  /** Hits counted here and not sent yet. */
  unsent: number;
}

/**
 * Fixed-window request counters in Redis, so every API instance sharing the Redis shares the limits.
 * Keys live under the engine's QUEUE_PREFIX. When Redis is unreachable the limiter fails open (the request
 * goes through and a warning is logged at most once a minute): an outage of the limiter must not become
 * an outage of the API.
 *
 * A batched counter (the per-user limit of every route) does not cost each request a round trip: while Redis's
 * last count, confirmed less than a second ago, plus this process's hits since stays within half the limit, a
 * hit is counted here and sent with the others of the next RATE_LIMIT_BATCH_MS in one call, whose answer
 * confirms the count again. From half the limit on, and for a counter this process has not confirmed lately,
 * every hit is counted in Redis before the request goes on, as an unbatched counter always is. So the limit
 * stays exact unless one user's requests to all instances together pass half of it within one batch.
 */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('CreativeEngineRateLimit');
  private client?: RedisWithHit;
  private lastOutageLog = 0;
  private readonly localCounts = new Map<string, LocalCount>();
  private readonly unsentKeys = new Set<string>();
  private batchTimer?: NodeJS.Timeout;
  private lastSweep = 0;

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

  /** Sends the hits counted here before closing, so a restart loses none of them. */
  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.batchTimer);
    await this.sendUnsent();
    this.client?.disconnect();
  }

  /**
   * Counts a hit on each counter in order, in windows of `windowMs`, up to the first one past its limit; returns
   * where the counted ones stand (the last is the one past its limit when there is one), or undefined when there
   * is no counter or Redis could not be reached.
   */
  async hit(counters: readonly RateLimitCounter[], windowMs: number): Promise<RateLimitHit[] | undefined> {
    if (!this.client || counters.length === 0) return undefined;
    const keys = counters.map((counter) => `${this.config.queuePrefix}:rate-limit:${counter.key}`);
    const now = Date.now();
    if (counters.every((counter, index) => this.countsHere(counter, keys[index], now))) {
      return keys.map((key) => this.countHere(key, now));
    }
    return this.countInRedis(counters, keys, windowMs);
  }

  private countsHere(counter: RateLimitCounter, key: string, now: number): boolean {
    const count = this.localCounts.get(key);
    return (
      counter.batched === true &&
      count !== undefined &&
      now < count.resetsAt &&
      now - count.confirmedAt < CONFIRMED_COUNT_FRESH_MS &&
      (count.confirmed + count.sending + count.unsent + 1) * 2 <= counter.limit
    );
  }

  private countHere(key: string, now: number): RateLimitHit {
    const count = this.localCounts.get(key)!;
    this.addUnsent(key, count, 1);
    return { hits: count.confirmed + count.sending + count.unsent, resetInMs: count.resetsAt - now };
  }

  /** The request's hit on each counter, with the hits counted here that have not been sent yet, in one call. */
  private async countInRedis(
    counters: readonly RateLimitCounter[],
    keys: readonly string[],
    windowMs: number,
  ): Promise<RateLimitHit[] | undefined> {
    const added = keys.map((key) => 1 + this.takeUnsent(key));
    keys.forEach((key, index) => this.markSending(key, added[index]));
    try {
      const reply = await this.client!.rateLimitHit(
        keys.length,
        ...keys,
        windowMs,
        ...counters.flatMap((counter, index) => [counter.limit, added[index]]),
      );
      const hits: RateLimitHit[] = [];
      for (let index = 0; index < reply.length; index += 2) {
        hits.push({ hits: reply[index], resetInMs: reply[index + 1] });
      }
      keys.forEach((key, index) => {
        const hit = hits[index];
        if (hit) this.confirm(key, added[index], hit, counters[index].batched === true, windowMs);
        else this.unsend(key, added[index] - 1); // not counted: the counter before it refused the request
      });
      return hits;
    } catch (error) {
      keys.forEach((key, index) => this.markSending(key, -added[index]));
      this.logOutage(error);
      return undefined;
    }
  }

  /** One call per counter with unsent hits; each answer confirms its counter's count. */
  private async sendUnsent(): Promise<void> {
    this.batchTimer = undefined;
    const keys = [...this.unsentKeys];
    this.unsentKeys.clear();
    if (!this.client || keys.length === 0) return;
    await Promise.all(
      keys.map(async (key) => {
        const count = this.localCounts.get(key);
        if (!count || count.unsent === 0) return;
        const added = this.takeUnsent(key);
        this.markSending(key, added);
        try {
          // A batch never refuses: its requests went through already. Its counter's limit is left out (Infinity).
          const [hits, resetInMs] = await this.client!.rateLimitHit(1, key, count.windowMs, 'inf', added);
          this.confirm(key, added, { hits, resetInMs }, true, count.windowMs);
        } catch (error) {
          this.markSending(key, -added);
          this.logOutage(error);
        }
      }),
    );
  }

  private takeUnsent(key: string): number {
    const count = this.localCounts.get(key);
    if (!count) return 0;
    const unsent = count.unsent;
    count.unsent = 0;
    this.unsentKeys.delete(key);
    return unsent;
  }

  /** Puts back hits that a call took along but Redis did not count. */
  private unsend(key: string, hits: number): void {
    const count = this.localCounts.get(key);
    if (!count) return;
    count.sending -= hits + 1;
    if (hits > 0) this.addUnsent(key, count, hits);
  }

  /** Hits that wait for the next batch, which starts its timer if none is running. */
  private addUnsent(key: string, count: LocalCount, hits: number): void {
    count.unsent += hits;
    this.unsentKeys.add(key);
    this.batchTimer ??= setTimeout(() => void this.sendUnsent(), RATE_LIMIT_BATCH_MS).unref();
  }

  private markSending(key: string, hits: number): void {
    const count = this.localCounts.get(key);
    if (count) count.sending += hits;
  }

  /** Records Redis's answer for a counter, whose count now includes the `added` hits of this call. */
  private confirm(key: string, added: number, hit: RateLimitHit, batched: boolean, windowMs: number): void {
    const now = Date.now();
    const count = this.localCounts.get(key);
    if (count) {
      count.sending -= added;
      Object.assign(count, { confirmed: hit.hits, confirmedAt: now, resetsAt: now + hit.resetInMs });
      return;
    }
    if (!batched || !this.hasRoomForCounter(now)) return;
    this.localCounts.set(key, {
      confirmed: hit.hits,
      confirmedAt: now,
      resetsAt: now + hit.resetInMs,
      windowMs,
      sending: 0,
      unsent: 0,
    });
  }

  /** Forgets the counters whose window has ended when the table is full (at most once a second). */
  private hasRoomForCounter(now: number): boolean {
    if (this.localCounts.size < MAX_LOCAL_COUNTERS) return true;
    if (now - this.lastSweep < CONFIRMED_COUNT_FRESH_MS) return false;
    this.lastSweep = now;
    for (const [key, count] of this.localCounts) {
      if (count.resetsAt <= now && count.unsent === 0 && count.sending === 0) this.localCounts.delete(key);
    }
    return this.localCounts.size < MAX_LOCAL_COUNTERS;
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
