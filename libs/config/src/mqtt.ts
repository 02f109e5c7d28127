import { Type } from 'class-transformer';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { CommonEnv } from './common';

export type Qos = 0 | 1 | 2;

export interface MqttConfig {
  url: string;
  qos: Qos;
  clientId: string;
  username?: string;
  password?: string;
}

/** Schema for apps that talk to the broker: the common variables plus QoS. */
export class MqttEnv extends CommonEnv {
  @Type(() => Number)
  @IsInt()
  @IsIn([0, 1, 2])
  MQTT_QOS: Qos = 1;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3600)
  MQTT_RECONNECT_PERIOD_S = 2;
}

export function mqttConfig(env: MqttEnv, clientIdPrefix: string): MqttConfig | null {
  if (!env.MQTT_URL) return null;
  const url = new URL(env.MQTT_URL);
  return {
    url: env.MQTT_URL,
    qos: env.MQTT_QOS,
    clientId: `${clientIdPrefix}-${process.pid}-${Math.random().toString(16).slice(2, 8)}`,
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
  };
}
