import { timingSafeEqual } from 'node:crypto';

/** Constant-time comparison, so a token cannot be guessed byte by byte from answer times. */
export function sameSecret(presented: string, expected: string): boolean {
  const [a, b] = [Buffer.from(presented), Buffer.from(expected)];
  return a.length === b.length && timingSafeEqual(a, b);
}
