/**
 * Domain errors: services throw these, never HTTP exceptions. EngineExceptionFilter maps each code to the
 * contract's status and JSON shape, so a service stays usable from a host app outside HTTP.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  // Before BAD_REQUEST, the code of a bare HTTP 400 (the last code of a status is that of its HTTP exceptions).
  MODEL_RETIRED: 400,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  PAYMENT_REQUIRED: 402,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  CONTENT_POLICY_VIOLATION: 422,
  RATE_LIMITED: 429,
  INTERNAL_ERROR: 500,
  PROVIDER_FAILED: 502,
  PROVIDER_NOT_CONFIGURED: 503,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** One field of a refused request and everything wrong with it: the items of an error body's `details`. */
export interface FieldProblem {
  field: string;
  problems: string[];
}

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly FieldProblem[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class ValidationError extends DomainError {
  constructor(message: string, details?: readonly FieldProblem[]) {
    super('VALIDATION_FAILED', message, details);
  }
}

export class BadRequestError extends DomainError {
  constructor(message: string, details?: readonly FieldProblem[]) {
    super('BAD_REQUEST', message, details);
  }
}

/** A model its provider has shut down: the message names its successor and the shutdown date. */
export class ModelRetiredError extends DomainError {
  constructor(model: string, shutdownDate: string | undefined, successor: string | undefined) {
    const message = `Model ${model} was retired${shutdownDate ? ` on ${shutdownDate}` : ''}: ${successor ? `use its successor ${successor}` : 'choose another model'}`;
    super('MODEL_RETIRED', message, [{ field: 'model', problems: [message] }]);
  }
}

export class UnauthorizedError extends DomainError {
  constructor(message = 'Authentication required: send a valid bearer token') {
    super('UNAUTHORIZED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super('FORBIDDEN', message);
  }
}

/** Also used for rows that exist but belong to someone else, so their existence is never revealed. */
export class NotFoundError extends DomainError {
  constructor(resource: string, id?: string) {
    super('NOT_FOUND', id === undefined ? `${resource} not found` : `${resource} ${id} not found`);
  }
}

/** A known path asked with a method it does not serve; `allowed` goes in the Allow header. */
export class MethodNotAllowedError extends DomainError {
  constructor(
    method: string,
    path: string,
    readonly allowed: readonly string[],
  ) {
    super('METHOD_NOT_ALLOWED', `${method} is not allowed on ${path}: use ${allowed.join(', ')}`);
  }
}

export class ConflictError extends DomainError {
  constructor(message: string) {
    super('CONFLICT', message);
  }
}

/** An Idempotency-Key the user already sent with a different request: answering with that job would be wrong. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(
    message = 'This Idempotency-Key was already used with a different request: use a new key for a new request',
  ) {
    super('IDEMPOTENCY_KEY_REUSED', message);
  }
}

export class PayloadTooLargeError extends DomainError {
  constructor(message: string) {
    super('PAYLOAD_TOO_LARGE', message);
  }
}

export class RateLimitedError extends DomainError {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super('RATE_LIMITED', message);
  }
}

/** A spending cap (e.g. USER_DAILY_BUDGET_USD) is reached: nothing that costs money is started. */
export class PaymentRequiredError extends DomainError {
  constructor(message: string) {
    super('PAYMENT_REQUIRED', message);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(message: string, details?: readonly FieldProblem[], options?: { cause?: unknown }) {
    super('SERVICE_UNAVAILABLE', message, details, options);
  }
}

export class ProviderNotConfiguredError extends DomainError {
  constructor(message: string) {
    super('PROVIDER_NOT_CONFIGURED', message);
  }
}

/**
 * A provider call failed. `retryable` separates transient failures (429, 5xx, timeouts, network) from
 * permanent ones (invalid request, auth, content policy) for the queue's retry decision.
 */
export class ProviderError extends DomainError {
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown; retryAfterMs?: number; code?: ErrorCode; provider?: string; refused?: boolean },
  ) {
    super(options?.code ?? 'PROVIDER_FAILED', message, undefined, { cause: options?.cause });
    this.retryAfterMs = options?.retryAfterMs;
    this.provider = options?.provider;
    this.refused = options?.refused ?? false;
  }

  readonly retryAfterMs?: number;
  readonly provider?: string;
  /**
   * The provider answered the call with an error status, so it did nothing; false when no answer came (a
   * timeout, a dropped connection) or it could not be read, and the call may have taken effect.
   */
  readonly refused: boolean;
}
