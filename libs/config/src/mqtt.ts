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
  /** How incoming bus messages are checked (decodeBusMessage in libs/messaging). */
  validation?: BusValidationConfig;
}

export interface BusValidationConfig {
  /** How far in the past a message's timestamp may lie (s). */
  pastSkewS: number;
  /** How far in the future (s): the sender's clock may run ahead of ours. */
  futureSkewS: number;
  /** Largest payload accepted (bytes). */
  maxBytes: number;
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

  /** A bus message whose timestamp is older than this (s) is refused as invalid. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(365 * 24 * 3600)
  BUS_MAX_CLOCK_SKEW_S = 24 * 3600;

  /** A bus message whose timestamp lies further ahead than this (s) is refused as invalid. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(24 * 3600)
  BUS_MAX_FUTURE_SKEW_S = 300;

  /** Largest bus message accepted (bytes); larger ones are refused before parsing. */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(16 * 1024 * 1024)
  BUS_MAX_MESSAGE_BYTES = 256 * 1024;
}

export function busValidationConfig(env: MqttEnv): BusValidationConfig {
  return {
    pastSkewS: env.BUS_MAX_CLOCK_SKEW_S,
    futureSkewS: env.BUS_MAX_FUTURE_SKEW_S,
    maxBytes: env.BUS_MAX_MESSAGE_BYTES,
  };
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
    validation: busValidationConfig(env),
  };
}
