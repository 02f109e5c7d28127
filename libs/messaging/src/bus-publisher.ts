import Redis from 'ioredis';
import type { DependencyState } from '@lib/observability';
import type { MqttConnection } from './mqtt-client';
import { redactUrl } from './mqtt-client';
import { BusConfig, busChannel } from './transport';

/**
 * Sends events on the app-to-app bus as the consumers' transports expect them: on Redis, Nest's
 * `{pattern, data}` envelope on the channel named by the pattern (after the bus's channel prefix, if
 * any); on MQTT (embedded mode), the
 * bare JSON payload on the topic named by the pattern (consumers use the raw JSON deserializer).
 */
export class BusPublisher {
  private readonly redis: Redis | null;

  constructor(
    private readonly bus: BusConfig,
    private readonly mqtt: MqttConnection | null,
  ) {
    this.redis = bus.redisUrl
      ? new Redis(bus.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 1, enableOfflineQueue: false })
      : null;
    // ioredis reconnects by itself; errors are reported through state(), not thrown at the process.
    this.redis?.on('error', () => undefined);
  }

  get transport(): 'redis' | 'mqtt' | 'none' {
    return this.redis ? 'redis' : this.mqtt ? 'mqtt' : 'none';
  }

  get connected(): boolean {
    return this.redis ? this.redis.status === 'ready' : (this.mqtt?.connected ?? false);
  }

  async publish(pattern: string, data: unknown): Promise<void> {
    if (this.redis) {
      await this.redis.publish(busChannel(pattern, this.bus.channelPrefix), JSON.stringify({ pattern, data }));
      return;
    }
    if (!this.mqtt) throw new Error('no bus configured (set REDIS_URL or MQTT_URL)');
    if (!this.mqtt.connected) throw new Error('MQTT broker unavailable');
    await this.mqtt.publishJson(pattern, data);
  }

  state(): DependencyState {
    if (this.redis)
      return { up: this.connected, info: { url: redactUrl(this.bus.redisUrl ?? ''), state: this.redis.status } };
    return this.mqtt ? this.mqtt.state() : { up: true, info: { transport: 'none' } };
  }

  async close(): Promise<void> {
    if (this.redis) await this.redis.quit().catch(() => this.redis?.disconnect());
  }
}
