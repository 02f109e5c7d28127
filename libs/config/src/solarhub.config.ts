import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { CommonConfig, commonConfig } from './common';
import { ConfigError, Env, SecretSetting, refuseDefaultSecrets, validateEnv } from './env';
import { MqttConfig, MqttEnv, mqttConfig } from './mqtt';
import { DEFAULT_PORTS } from './ports';

export const DEFAULT_SOLARHUB_DATABASE_URL = 'sqlite:data/solarhub-api.sqlite';
export const DEV_JWT_SECRET = 'solarhub-development-jwt-secret-change-me';
export const DEV_ADMIN_PASSWORD = 'secret';

/** Document 001's database domains; BESS units 1…12 each have their own (BESS1 … BESS12). */
export const SOLARHUB_BASE_DOMAINS = ['ess', 'schedule', 'meter', 'pcs', 'inverter', 'baseline'] as const;
export type SolarhubBaseDomain = (typeof SOLARHUB_BASE_DOMAINS)[number];
export type SolarhubDomain = SolarhubBaseDomain | `bess${number}`;
export const MAX_UNITS = 12;

const DB_NAME = /^[A-Za-z0-9_$-]{1,64}$/;
const REDIS_URL = /^rediss?:\/\/.+/;
const redisMessage = { message: 'must be a redis:// or rediss:// URL' };

export class SolarhubEnv extends MqttEnv {
  /** Document 001's way to reach MySQL, used when DATABASE_URL is unset and DB_HOST is set. */
  @IsOptional() @IsString() DB_HOST?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) DB_PORT = 3306;
  @IsString() DB_USER = 'root';
  @IsOptional() @IsString() DB_PASSWORD?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_ESS?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_SCHEDULE?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_METER?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_PCS?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_INVERTER?: string;
  @IsOptional() @Matches(DB_NAME) DB_NAME_BASELINE?: string;

  @IsOptional() @IsString() REDIS_HOST?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) REDIS_PORT = 6379;
  @IsOptional() @IsString() REDIS_PASSWORD?: string;
  /** The second (GTR) Redis: optional; latest values are mirrored to it. */
  @IsOptional() @Matches(REDIS_URL, redisMessage) REDIS_URL_GTR?: string;
  @IsOptional() @IsString() REDIS_HOST_GTR?: string;
  @Type(() => Number) @IsInt() @Min(1) @Max(65535) REDIS_PORT_GTR = 6379;
  @IsOptional() @IsString() REDIS_PASSWORD_GTR?: string;

  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) BESS_NUMBER = 2;
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) PCS_NUMBER = 2;
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) RACK_NUMBER = 12;
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) INVERTER_NUMBER = 2;
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) METER_NUMBER = 2;
  /** The meter that measures the site's own (auxiliary) consumption. */
  @Type(() => Number) @IsInt() @Min(1) @Max(MAX_UNITS) AUX_METER_ID = 2;
  @IsString() @MaxLength(32) BESS_TYPE = 'BESS';
  @IsString() @MaxLength(32) PCS_TYPE = 'PCS';
  @IsOptional() @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' }) CCTV_URL?: string;

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) JWT_SECRET_KEY?: string;
  @IsIn(['HS256', 'HS384', 'HS512']) JWT_ALGORITHM: 'HS256' | 'HS384' | 'HS512' = 'HS256';
  @Type(() => Number) @IsInt() @Min(1) @Max(1440) ACCESS_TOKEN_EXPIRE_MINUTES = 30;
  @Type(() => Number) @IsInt() @Min(1) @Max(365) REFRESH_TOKEN_EXPIRE_DAYS = 7;

  @Matches(/^[A-Za-z0-9_.@-]{3,80}$/, { message: 'must be 3-80 letters, digits or _.@-' }) ADMIN_USERNAME = 'admin';
  @IsOptional() @IsString() ADMIN_PASSWORD?: string;
  @IsString() ADMIN_EMAIL = 'admin@example.com';

  @Type(() => Number) @IsInt() @Min(1) @Max(1000) LOGIN_MAX_FAILURES = 5;
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) LOGIN_FAILURE_WINDOW_S = 60;

  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) INGEST_BATCH_SIZE = 500;
  @Type(() => Number) @IsInt() @Min(50) @Max(60_000) INGEST_FLUSH_MS = 1000;
  /** Readings held while the database is away; beyond this the oldest are dropped (and counted). */
  @Type(() => Number) @IsInt() @Min(1000) @Max(10_000_000) INGEST_BUFFER_MAX = 200_000;
  /** A unit whose last reading is older than this is shown as not communicating. */
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) TELEMETRY_STALE_S = 60;
}

export interface SolarhubConfig extends CommonConfig {
  /** The database of each domain; domains with the same URL share one connection. */
  databases: Record<SolarhubDomain, string>;
  redis: { main: string | null; gtr: string | null };
  units: { bess: number; pcs: number; racks: number; inverters: number; meters: number; auxMeterId: number };
  bessType: string;
  pcsType: string;
  cctvUrl: string | null;
  jwt: { secret: string; algorithm: 'HS256' | 'HS384' | 'HS512'; accessTtlS: number; refreshTtlS: number };
  admin: { username: string; password: string; email: string };
  login: { maxFailures: number; windowS: number };
  /** Telemetry ingestion from the broker; null without MQTT_URL. */
  mqtt: MqttConfig | null;
  ingest: { batchSize: number; flushMs: number; bufferMax: number; staleS: number };
}

export function bessDomain(n: number): SolarhubDomain {
  return `bess${n}`;
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function redisUrl(host: string | undefined, port: number, password: string | undefined): string | null {
  if (!host) return null;
  const auth = password ? `:${encodeURIComponent(password)}@` : '';
  return `redis://${auth}${host}:${port}`;
}

export function loadSolarhubConfig(env: Env = process.env): SolarhubConfig {
  const e = validateEnv(SolarhubEnv, env);
  const bessNames: string[] = [];
  const problems: string[] = [];
  for (let n = 1; n <= MAX_UNITS; n++) {
    const name = env[`DB_NAME_BESS${n}`];
    if (name && !DB_NAME.test(name)) problems.push(`DB_NAME_BESS${n}: must be a database name (got "${name}")`);
    bessNames.push(name ?? '');
  }
  const secrets: SecretSetting[] = [
    { name: 'JWT_SECRET_KEY', value: e.JWT_SECRET_KEY ?? DEV_JWT_SECRET, developmentDefault: DEV_JWT_SECRET },
    { name: 'ADMIN_PASSWORD', value: e.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD, developmentDefault: DEV_ADMIN_PASSWORD },
  ];
  refuseDefaultSecrets(e.NODE_ENV === 'production', secrets);

  const fromParts = e.DB_HOST
    ? `mysql://${encodeURIComponent(e.DB_USER)}:${encodeURIComponent(e.DB_PASSWORD ?? '')}@${e.DB_HOST}:${e.DB_PORT}/${e.DB_NAME_ESS ?? 'ess'}`
    : null;
  const main = e.DATABASE_URL ?? fromParts ?? DEFAULT_SOLARHUB_DATABASE_URL;
  const isMysql = /^(mysql|mariadb):\/\//.test(main);
  const named: Record<SolarhubBaseDomain, string | undefined> = {
    ess: e.DB_NAME_ESS,
    schedule: e.DB_NAME_SCHEDULE,
    meter: e.DB_NAME_METER,
    pcs: e.DB_NAME_PCS,
    inverter: e.DB_NAME_INVERTER,
    baseline: e.DB_NAME_BASELINE,
  };
  const databases = {} as Record<SolarhubDomain, string>;
  for (const domain of SOLARHUB_BASE_DOMAINS) {
    const name = named[domain];
    databases[domain] = isMysql && name && !(domain === 'ess' && fromParts) ? withDatabase(main, name) : main;
  }
  for (let n = 1; n <= MAX_UNITS; n++) {
    const name = bessNames[n - 1];
    databases[bessDomain(n)] = isMysql && name ? withDatabase(main, name) : main;
  }
  if (!isMysql && [...Object.values(named), ...bessNames].some(Boolean)) {
    problems.push('DB_NAME_*: per-domain databases need a MySQL DATABASE_URL (or DB_HOST)');
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    ...commonConfig(e, DEFAULT_PORTS['solarhub-api']),
    databases,
    redis: {
      main: e.REDIS_URL ?? redisUrl(e.REDIS_HOST, e.REDIS_PORT, e.REDIS_PASSWORD),
      gtr: e.REDIS_URL_GTR ?? redisUrl(e.REDIS_HOST_GTR, e.REDIS_PORT_GTR, e.REDIS_PASSWORD_GTR),
    },
    units: {
      bess: e.BESS_NUMBER,
      pcs: e.PCS_NUMBER,
      racks: e.RACK_NUMBER,
      inverters: e.INVERTER_NUMBER,
      meters: e.METER_NUMBER,
      auxMeterId: e.AUX_METER_ID,
    },
    bessType: e.BESS_TYPE,
    pcsType: e.PCS_TYPE,
    cctvUrl: e.CCTV_URL ?? null,
    jwt: {
      secret: e.JWT_SECRET_KEY ?? DEV_JWT_SECRET,
      algorithm: e.JWT_ALGORITHM,
      accessTtlS: e.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
      refreshTtlS: e.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
    },
    admin: { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD, email: e.ADMIN_EMAIL },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowS: e.LOGIN_FAILURE_WINDOW_S },
    mqtt: mqttConfig(e, 'solarhub-api'),
    ingest: {
      batchSize: e.INGEST_BATCH_SIZE,
      flushMs: e.INGEST_FLUSH_MS,
      bufferMax: e.INGEST_BUFFER_MAX,
      staleS: e.TELEMETRY_STALE_S,
    },
  };
}
