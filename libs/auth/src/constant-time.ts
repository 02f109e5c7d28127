import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares two secrets in time that depends on neither their content nor their length:
 * both sides are hashed first, so timingSafeEqual always sees 32 bytes.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}
