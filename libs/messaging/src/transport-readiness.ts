import type { INestMicroservice } from '@nestjs/common';
import type { ReadinessRegistry } from '@lib/observability';

/**
 * Feeds a Nest transport's connection status (`connected`, `disconnected`, `reconnecting`…) to
 * readiness under `name`, so /health/ready is 503 while the broker or Redis is away.
 */
export function reportTransportReadiness(server: INestMicroservice, readiness: ReadinessRegistry, name: string): void {
  let status = 'connecting';
  server.status.subscribe((next) => {
    status = String(next);
  });
  readiness.register(name, () => ({ up: status === 'connected', info: { state: status } }));
}
