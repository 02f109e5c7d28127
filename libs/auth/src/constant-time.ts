import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their length:
 * both sides are hashed first, so timingSafeEqual always sees 32 bytes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(secretDigest(a), secretDigest(b));
}

/** The digest `constantTimeEqual` compares; precompute it for a secret checked on every request. */
export function secretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Checks a candidate against a precomputed `secretDigest`, in constant time. */
export function matchesDigest(candidate: string, expected: Buffer): boolean {
  return timingSafeEqual(secretDigest(candidate), expected);
}
