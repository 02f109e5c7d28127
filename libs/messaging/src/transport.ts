import type { MqttConfig } from '@lib/config';
import { MicroserviceOptions, Transport } from '@nestjs/microservices';
import { RawJsonDeserializer } from './raw-json.deserializer';

export interface BusConfig {
  mqtt: MqttConfig | null;
  redisUrl: string | null;
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

/** Transport options for the app-to-app bus over Redis, reconnecting for as long as it takes. */
export function redisTransportOptions(redisUrl: string): MicroserviceOptions {
  const url = new URL(redisUrl);
  return {
    transport: Transport.REDIS,
    options: {
      host: url.hostname,
      port: Number(url.port || 6379),
      password: url.password ? decodeURIComponent(url.password) : undefined,
      username: url.username ? decodeURIComponent(url.username) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
      tls: url.protocol === 'rediss:' ? {} : undefined,
      ...REDIS_RETRY,
    },
  };
}

/** The bus: Redis when REDIS_URL is set, the MQTT broker otherwise (embedded mode). */
export function busTransportOptions(bus: BusConfig): MicroserviceOptions | null {
  if (bus.redisUrl) return redisTransportOptions(bus.redisUrl);
  if (bus.mqtt) return mqttTransportOptions(bus.mqtt);
  return null;
}
