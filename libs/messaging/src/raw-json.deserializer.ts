import type { ConsumerDeserializer, IncomingEvent } from '@nestjs/microservices';

/**
 * Device telemetry is plain JSON, not Nest's `{ pattern, data, id }` envelope. Nest's default
 * MQTT deserializer would strip a top-level `data` key and treat `id` + `data` as a request that
 * publishes a stray `/reply`. This one hands the whole payload over as an event, always.
 * A payload that is not JSON arrives as `{ malformed: true, raw }` so the handler can count it.
 */
export class RawJsonDeserializer implements ConsumerDeserializer {
  deserialize(value: unknown, options?: { channel?: string }): IncomingEvent {
    const pattern = options?.channel ?? '';
    const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : null;
    if (text === null) return { pattern, data: value };
    try {
      return { pattern, data: JSON.parse(text) as unknown };
    } catch {
      return { pattern, data: { malformed: true, raw: text.slice(0, 1024) } };
    }
  }
}
