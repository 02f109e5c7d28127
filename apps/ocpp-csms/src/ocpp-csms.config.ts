import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import {
  CommonConfig,
  commonConfig,
  DEFAULT_OCPP_PORT,
  DEFAULT_PORTS,
  Env,
  MqttConfig,
  mqttConfig,
  MqttEnv,
  processEnv,
  validateEnv,
} from '@lib/config';

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

  /** Accept known deviations (over-length identity strings in BootNotification), truncated and logged. */
  @IsOptional() @IsIn(['true', 'false']) OCPP_LENIENT_FIELDS: 'true' | 'false' = 'false';
  /** The same, only for these chargePointModel values (comma separated). */
  @IsOptional() @IsString() OCPP_LENIENT_MODELS?: string;

  /** How long the site limit waits for one station's SetChargingProfile answer. */
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000) SITE_CALL_TIMEOUT_MS = 5_000;
  /** How long PUT /site/charging_limit waits for answers before it returns the plan (the rest stay pending). */
  @Type(() => Number) @IsInt() @Min(0) @Max(10_000) SITE_ANSWER_WITHIN_MS = 800;
  /** Events (start, stop, meter values of uncontrolled loads) within this time make one re-balance. */
  @Type(() => Number) @IsInt() @Min(0) @Max(60_000) SITE_DEBOUNCE_MS = 250;
  /** How often the plan is reviewed (idle sessions, Available connectors, measured loads). */
  @Type(() => Number) @IsInt() @Min(50) @Max(600_000) SITE_REVIEW_INTERVAL_MS = 5_000;
  /** Added to what uncontrollable loads draw before the rest is shared (percent). */
  @Type(() => Number) @IsInt() @Min(0) @Max(100) SITE_SAFETY_MARGIN_PCT = 10;
  /** A station's share must change by more than this for a new profile to be sent. */
  @Type(() => Number) @IsInt() @Min(0) @Max(100_000) SITE_STEP_W = 500;
  /** A session drawing nothing for this long gets SITE_IDLE_SHARE until it draws again. */
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) SITE_IDLE_AFTER_S = 300;
  @IsOptional() @IsIn(['min', 'none']) SITE_IDLE_SHARE: 'min' | 'none' = 'min';
  /** A station that accepts no profile is tried again after this, doubling up to 16 times as long. */
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) SITE_RETRY_AFTER_S = 300;
  /** A site SetChargingProfile that fails (timeout, station unreachable, CALLERROR) is tried this many times in all. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10) SITE_SEND_ATTEMPTS = 3;
  /** The wait before the first retry of a failed send; it doubles with each further attempt. */
  @Type(() => Number) @IsInt() @Min(10) @Max(60_000) SITE_SEND_BACKOFF_MS = 250;
  /**
   * With REDIS_URL, one replica (the leader) runs the site plan: its lease in Redis lasts this
   * long unless renewed. A dead leader is replaced within about this plus SITE_LEADER_RENEW_MS.
   */
  @Type(() => Number) @IsInt() @Min(1000) @Max(120_000) SITE_LEADER_LEASE_MS = 5_000;
  /** How often the leader renews its lease (and the others try to take it); well under the lease. */
  @Type(() => Number) @IsInt() @Min(100) @Max(60_000) SITE_LEADER_RENEW_MS = 1_500;
  /**
   * Prefix of this CSMS's Redis keys and channels (station owners, routed calls, the leader lease,
   * the relay to the leader, and the site-limit bus channel `<prefix>:v1.site.charging-limit.set`).
   */
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]{1,64}$/) CSMS_REDIS_PREFIX = 'csms';
  /** A connector reported Available this long with an open transaction ends it. */
  @Type(() => Number) @IsInt() @Min(0) @Max(86_400) OCPP_AVAILABLE_GRACE_S = 60;
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
    lenientFields: boolean;
    lenientModels: string[];
    availableGraceS: number;
  };
  site: {
    callTimeoutMs: number;
    answerWithinMs: number;
    debounceMs: number;
    reviewIntervalMs: number;
    safetyMarginPct: number;
    stepW: number;
    idleAfterS: number;
    idleShare: 'min' | 'none';
    retryAfterS: number;
    sendAttempts: number;
    sendBackoffMs: number;
    leaderLeaseMs: number;
    leaderRenewMs: number;
  };
  stationDefaultMaxPowerW: number;
  stationMinPowerW: number;
  /** The bus for the site limit: Redis when REDIS_URL is set (its channel prefixed), else the broker of MQTT_URL. */
  bus: { redisUrl: string | null; mqtt: MqttConfig | null; channelPrefix: string };
  /** Prefix of the Redis keys and channels the replicas share. */
  redisPrefix: string;
}

export function loadOcppCsmsConfig(env: Env = processEnv()): OcppCsmsConfig {
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
      lenientFields: e.OCPP_LENIENT_FIELDS === 'true',
      lenientModels: (e.OCPP_LENIENT_MODELS ?? '')
        .split(',')
        .map((m) => m.trim())
        .filter(Boolean),
      availableGraceS: e.OCPP_AVAILABLE_GRACE_S,
    },
    site: {
      callTimeoutMs: e.SITE_CALL_TIMEOUT_MS,
      answerWithinMs: e.SITE_ANSWER_WITHIN_MS,
      debounceMs: e.SITE_DEBOUNCE_MS,
      reviewIntervalMs: e.SITE_REVIEW_INTERVAL_MS,
      safetyMarginPct: e.SITE_SAFETY_MARGIN_PCT,
      stepW: e.SITE_STEP_W,
      idleAfterS: e.SITE_IDLE_AFTER_S,
      idleShare: e.SITE_IDLE_SHARE,
      retryAfterS: e.SITE_RETRY_AFTER_S,
      sendAttempts: e.SITE_SEND_ATTEMPTS,
      sendBackoffMs: e.SITE_SEND_BACKOFF_MS,
      leaderLeaseMs: e.SITE_LEADER_LEASE_MS,
      // Renewed at least three times per lease, whatever was asked: one lost renewal must not cost it.
      leaderRenewMs: Math.min(e.SITE_LEADER_RENEW_MS, Math.floor(e.SITE_LEADER_LEASE_MS / 3)),
    },
    stationDefaultMaxPowerW: e.STATION_DEFAULT_MAX_POWER_W,
    stationMinPowerW: e.STATION_MIN_POWER_W,
    bus: { redisUrl: e.REDIS_URL ?? null, mqtt: mqttConfig(e, 'ocpp-csms'), channelPrefix: e.CSMS_REDIS_PREFIX },
    redisPrefix: e.CSMS_REDIS_PREFIX,
  };
}
