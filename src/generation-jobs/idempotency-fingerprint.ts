import { createHash } from 'node:crypto';
import { ValidationError } from '../common/errors';
import { IDEMPOTENCY_KEY_PATTERN } from '../common/validation';

/**
 * What an Idempotency-Key was sent with: the route (`generate` is POST /image/generate), the asset of a
 * regeneration and the validated body.
 */
export type IdempotentRequest =
  | { kind: 'generate' | 'generate-audio' | 'generate-video'; body: object }
  | { kind: 'regenerate' | 'edit-image' | 'upscale-image'; assetId: string; body: object };

/**
 * sha256 (hex) of the canonical form of a request: keys sorted at every depth, undefined values left out
 * (as JSON does), arrays in order. Two requests with the same fingerprint are the same request, so a
 * repeated Idempotency-Key may answer with the first job; any other request with that key is refused.
 */
export function idempotencyFingerprint(request: IdempotentRequest): string {
  const canonical = 'assetId' in request ? { ...request, assetId: request.assetId.toLowerCase() } : request;
  return createHash('sha256').update(canonicalJson(canonical)).digest('hex');
}

/** JSON with object keys sorted at every depth: equal values give equal text whatever order their keys came in. */
export function canonicalJson(value: unknown): string {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonicalJson((value as { toJSON(): unknown }).toJSON());
  }
  if (Array.isArray(value))
    return `[${value.map((entry) => (entry === undefined ? 'null' : canonicalJson(entry))).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, entry]) => entry !== undefined && typeof entry !== 'function')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** An Idempotency-Key with the fingerprint of the request it came with. */
export interface Idempotency {
  key: string;
  fingerprint: string;
}

/** The Idempotency-Key of a request, checked, with its fingerprint; undefined when none was sent. */
export function idempotencyOf(key: string | undefined, request: IdempotentRequest): Idempotency | undefined {
  if (key === undefined) return undefined;
  if (!IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw new ValidationError('Idempotency-Key must be 1-255 visible ASCII characters', [
      { field: 'Idempotency-Key', problems: ['invalid header value'] },
    ]);
  }
  return { key, fingerprint: idempotencyFingerprint(request) };
}
