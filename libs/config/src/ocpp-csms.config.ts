import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CommonConfig, commonConfig } from './common';
import { MqttConfig, MqttEnv, mqttConfig } from './mqtt';
import { Env, validateEnv } from './env';
import { DEFAULT_OCPP_PORT, DEFAULT_PORTS } from './ports';

export const DEFAULT_CSMS_DATABASE_URL = 'sqlite:data/ocpp-csms.sqlite';

export class OcppCsmsEnv extends MqttEnv {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  OCPP_PORT = DEFAULT_OCPP_PORT;

  /** Accept stations and id tags the database does not know (recording them). Default: not in production. */
  @IsOptional() @IsIn(['true', 'false']) OCPP_ACCEPT_UNKNOWN_STATIONS?: 'true' | 'false';
  @IsOptional() @IsIn(['true', 'false']) OCPP_ACCEPT_UNKNOWN_ID_TAGS?: 'true' | 'false';

  /** 0: no authentication; 1: HTTP Basic auth per station (OCPP security profile 1). */
  @Type(() => Number) @IsIn([0, 1]) OCPP_SECURITY_PROFILE: 0 | 1 = 0;

  @Type(() => Number) @IsInt() @Min(10) @Max(86_400) OCPP_HEARTBEAT_INTERVAL_S = 300;
  @Type(() => Number) @IsInt() @Min(500) @Max(300_000) OCPP_CALL_TIMEOUT_MS = 30_000;

  /** What a station can draw without any profile (W); the composite schedule's ceiling. */
  @Type(() => Number) @IsInt() @Min(1000) @Max(1_000_000) STATION_DEFAULT_MAX_POWER_W = 22_080;

  /** The least a charging EV is given when the site limit is shared (6 A on one phase). */
  @Type(() => Number) @IsInt() @Min(0) @Max(100_000) STATION_MIN_POWER_W = 1380;

  /** OCPP frames kept per station for GET /stations/{id}/logs. */
  @Type(() => Number) @IsInt() @Min(10) @Max(10_000) OCPP_LOG_SIZE = 100;
}

export interface OcppCsmsConfig extends CommonConfig {
  databaseUrl: string;
  ocpp: {
    port: number;
    acceptUnknownStations: boolean;
    acceptUnknownIdTags: boolean;
    securityProfile: 0 | 1;
    heartbeatIntervalS: number;
    callTimeoutMs: number;
    logSize: number;
  };
  stationDefaultMaxPowerW: number;
  stationMinPowerW: number;
  /** The bus for the site limit: Redis when REDIS_URL is set, else the broker of MQTT_URL. */
  bus: { redisUrl: string | null; mqtt: MqttConfig | null };
}

export function loadOcppCsmsConfig(env: Env = process.env): OcppCsmsConfig {
  const e = validateEnv(OcppCsmsEnv, env);
  const open = e.NODE_ENV !== 'production';
  return {
    ...commonConfig(e, DEFAULT_PORTS['ocpp-csms']),
    databaseUrl: e.DATABASE_URL ?? DEFAULT_CSMS_DATABASE_URL,
    ocpp: {
      port: e.OCPP_PORT,
      acceptUnknownStations: (e.OCPP_ACCEPT_UNKNOWN_STATIONS ?? String(open)) === 'true',
      acceptUnknownIdTags: (e.OCPP_ACCEPT_UNKNOWN_ID_TAGS ?? String(open)) === 'true',
      securityProfile: e.OCPP_SECURITY_PROFILE,
      heartbeatIntervalS: e.OCPP_HEARTBEAT_INTERVAL_S,
      callTimeoutMs: e.OCPP_CALL_TIMEOUT_MS,
      logSize: e.OCPP_LOG_SIZE,
    },
    stationDefaultMaxPowerW: e.STATION_DEFAULT_MAX_POWER_W,
    stationMinPowerW: e.STATION_MIN_POWER_W,
    bus: { redisUrl: e.REDIS_URL ?? null, mqtt: mqttConfig(e, 'ocpp-csms') },
  };
}
