import { hash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their length:
 * both sides are hashed first, so timingSafeEqual always sees 32 bytes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(secretDigest(a), secretDigest(b));
}

/** The digest `constantTimeEqual` compares; precompute it for a secret checked on every request. */
export function secretDigest(secret: string): Buffer {
  // One-shot hash (Node ≥ 20.12): no Hash object per call; it runs on every token check.
  return hash('sha256', secret, 'buffer');
}

/** Checks a candidate against a precomputed `secretDigest`, in constant time. */
export function matchesDigest(candidate: string, expected: Buffer): boolean {
  return timingSafeEqual(secretDigest(candidate), expected);
}
