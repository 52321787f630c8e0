/** A dependency that did not answer in time (Redis or PostgreSQL unreachable: their clients queue commands instead of failing). */
export class DependencyTimeoutError extends Error {
  constructor(what: string, ms: number) {
    super(`${what}: no answer within ${ms} ms`);
    this.name = 'DependencyTimeoutError';
  }
}

/**
 * Settles like `promise`, or rejects with DependencyTimeoutError after `ms`. The underlying command is
 * not cancelled (ioredis replays it once reconnected), so callers must make a late success harmless.
 */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DependencyTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
