import type { MqttConfig } from '@lib/config';
import { MicroserviceOptions, RedisOptions, ServerRedis, Transport } from '@nestjs/microservices';
import type Redis from 'ioredis';
import { RawJsonDeserializer } from './raw-json.deserializer';

export interface BusConfig {
  mqtt: MqttConfig | null;
  redisUrl: string | null;
  /**
   * On Redis, every channel is `<channelPrefix>:<pattern>`, so two sites sharing one Redis do not
   * hear each other (the MQTT topics are not prefixed: one broker per site).
   */
  channelPrefix?: string;
}

/** The Redis channel a bus pattern travels on. */
export const busChannel = (pattern: string, channelPrefix?: string): string =>
  channelPrefix ? `${channelPrefix}:${pattern}` : pattern;

/**
 * Nest's Redis transport, listening on `<prefix>:<pattern>` for each of its patterns and handing
 * every message on under its pattern (so `@EventPattern` handlers stay as they are).
 */
export class PrefixedRedisServer extends ServerRedis {
  constructor(
    options: Required<RedisOptions>['options'],
    private readonly channelPrefix: string,
  ) {
    super(options);
  }

  override bindEvents(subClient: Redis, pubClient: Redis): void {
    const head = busChannel('', this.channelPrefix);
    subClient.on('message', (channel: string, buffer: string) => {
      if (!channel.startsWith(head)) return;
      this.handleMessage(channel.slice(head.length), buffer, pubClient, channel).catch((error: unknown) =>
        this.handleError(String(error)),
      );
    });
    for (const pattern of this.messageHandlers.keys())
      subClient
        .subscribe(busChannel(pattern, this.channelPrefix))
        .catch((error: unknown) => this.handleError(String(error)));
  }
}

/** How long Nest's Redis transport keeps trying after losing Redis; it gives up without this. */
export const REDIS_RETRY = { retryAttempts: Number.MAX_SAFE_INTEGER, retryDelay: 2000 } as const;

/** Transport options for consuming raw device JSON over MQTT: QoS 1 and no envelope parsing. */
export function mqttTransportOptions(mqtt: MqttConfig): MicroserviceOptions {
  return {
    transport: Transport.MQTT,
    options: {
      url: mqtt.url,
      clientId: `${mqtt.clientId}-consumer`,
      username: mqtt.username,
      password: mqtt.password,
      reconnectPeriod: 2000,
      subscribeOptions: { qos: mqtt.qos },
      deserializer: new RawJsonDeserializer(),
    },
  };
}

/**
 * Transport options for the app-to-app bus over Redis, reconnecting for as long as it takes; with
 * a channel prefix, its channels are `<prefix>:<pattern>`.
 */
export function redisTransportOptions(redisUrl: string, channelPrefix?: string): MicroserviceOptions {
  const url = new URL(redisUrl);
  const options: Required<RedisOptions>['options'] = {
    host: url.hostname,
    port: Number(url.port || 6379),
    password: url.password ? decodeURIComponent(url.password) : undefined,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    ...REDIS_RETRY,
  };
  if (channelPrefix) return { strategy: new PrefixedRedisServer(options, channelPrefix) };
  return { transport: Transport.REDIS, options };
}

/** The bus: Redis when REDIS_URL is set, the MQTT broker otherwise (embedded mode). */
export function busTransportOptions(bus: BusConfig): MicroserviceOptions | null {
  if (bus.redisUrl) return redisTransportOptions(bus.redisUrl, bus.channelPrefix);
  if (bus.mqtt) return mqttTransportOptions(bus.mqtt);
  return null;
}
