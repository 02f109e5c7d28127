import { hostname } from 'node:os';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import {
  collectProblems,
  CommonConfig,
  commonConfig,
  ConfigError,
  DEFAULT_PORTS,
  defaultSecretProblems,
  Env,
  isHmac,
  MqttConfig,
  mqttConfig,
  MqttEnv,
  processEnv,
  SecretSetting,
  validateEnv,
} from '@lib/config';

export const DEFAULT_SOLARHUB_DATABASE_URL = 'sqlite:data/solarhub-api.sqlite';
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

  @Type(() => Number) @IsInt() @Min(1) @Max(365) REFRESH_TOKEN_EXPIRE_DAYS = 7;
  /** ES256 mode: the PEM (PKCS#8) file of the key that signs new tokens. */
  @IsOptional() @IsString() JWT_PRIVATE_KEY_FILE?: string;
  /** ES256 mode: PEM files of earlier keys, still published in the JWKS during a rollover (comma separated). */
  @IsOptional() @IsString() JWT_PREVIOUS_KEY_FILES?: string;
  /** Longest life of a service token an admin may create. */
  @Type(() => Number) @IsInt() @Min(1) @Max(3650) SERVICE_TOKEN_MAX_DAYS = 365;

  @Matches(/^[A-Za-z0-9_.@-]{3,80}$/, { message: 'must be 3-80 letters, digits or _.@-' }) ADMIN_USERNAME = 'admin';
  @IsOptional() @IsString() ADMIN_PASSWORD?: string;
  @IsString() ADMIN_EMAIL = 'admin@example.com';

  @Type(() => Number) @IsInt() @Min(1) @Max(1000) LOGIN_MAX_FAILURES = 5;
  @Type(() => Number) @IsInt() @Min(1) @Max(86_400) LOGIN_FAILURE_WINDOW_S = 60;

  @Type(() => Number) @IsInt() @Min(1) @Max(10_000) INGEST_BATCH_SIZE = 500;
  @Type(() => Number) @IsInt() @Min(50) @Max(60_000) INGEST_FLUSH_MS = 1000;
  /** Readings held while the database is away; beyond this the oldest are dropped (and counted). */
  @Type(() => Number) @IsInt() @Min(1000) @Max(10_000_000) INGEST_BUFFER_MAX = 200_000;
  /**
   * Rows waiting for the database at which ingestion stops reading from the broker (it holds the
   * rest); reading resumes once half of them are written.
   */
  @Type(() => Number) @IsInt() @Min(100) @Max(10_000_000) INGEST_HIGH_WATER_ROWS = 20_000;
  /** Rows per INSERT statement of history (one statement stays well under max_allowed_packet). */
  @Type(() => Number) @IsInt() @Min(1) @Max(20_000) INGEST_INSERT_ROWS = 2000;
  /** INSERTs of one table run at once, each on its own pooled connection (the pool has 10). */
  @Type(() => Number) @IsInt() @Min(1) @Max(8) INGEST_WRITERS = 2;
  /**
   * Messages the broker may send before their acknowledgement (MQTT 5 Receive Maximum): ingestion
   * acknowledges a message only once its rows are stored, so this is the window that keeps the
   * database busy while acknowledgements are on their way. Larger is slower on Mosquitto 2.0 (20,000
   * took 54 s to catch up at 5,000 msg/s where 2,000 took 11 s at 10,000: bench:ingestion).
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(65_535) INGEST_RECEIVE_MAXIMUM = 2000;
  /** The broker session of this replica: stable across restarts, different per replica. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:-]{1,64}$/, { message: 'must be 1-64 letters, digits or _.:-' })
  INGEST_CLIENT_ID?: string;
  /** Replicas with the same group share the stream ($share/<group>/…); `none`: every replica gets everything. */
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'must be 1-64 letters, digits or _.-' })
  INGEST_SHARED_GROUP = 'solarhub-api';
  /** How long the broker keeps a replica's session (and queues for it) while it is away; 0: MQTT 3.1.1, forever. */
  @Type(() => Number) @IsInt() @Min(0) @Max(31_536_000) INGEST_SESSION_EXPIRY_S = 86_400;
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
  jwt: {
    refreshTtlS: number;
    /** ES256 mode: the signing key file and earlier keys kept in the JWKS. */
    privateKeyFile: string | null;
    previousKeyFiles: string[];
    serviceTokenMaxDays: number;
  };
  admin: { username: string; password: string; email: string };
  login: { maxFailures: number; windowS: number };
  /** Telemetry ingestion from the broker; null without MQTT_URL. */
  mqtt: MqttConfig | null;
  ingest: {
    batchSize: number;
    flushMs: number;
    bufferMax: number;
    staleS: number;
    highWaterRows: number;
    insertRows: number;
    writers: number;
    receiveMaximum: number;
    /** The persistent session's client id. */
    clientId: string;
    /** The shared-subscription group, or null to subscribe plainly. */
    sharedGroup: string | null;
    sessionExpiryS: number;
  };
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

export function loadSolarhubConfig(env: Env = processEnv()): SolarhubConfig {
  const e = validateEnv(SolarhubEnv, env);
  const bessNames: string[] = [];
  const problems: string[] = [];
  for (let n = 1; n <= MAX_UNITS; n++) {
    const name = env[`DB_NAME_BESS${n}`];
    if (name && !DB_NAME.test(name)) problems.push(`DB_NAME_BESS${n}: must be a database name (got "${name}")`);
    bessNames.push(name ?? '');
  }
  const secrets: SecretSetting[] = [
    { name: 'ADMIN_PASSWORD', value: e.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD, developmentDefault: DEV_ADMIN_PASSWORD },
  ];
  const common = collectProblems(problems, () => commonConfig(e, DEFAULT_PORTS['solarhub-api']));
  problems.push(...defaultSecretProblems(e.NODE_ENV === 'production', secrets));

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
  if (e.NODE_ENV === 'production' && !isHmac(e.JWT_ALGORITHM) && !e.JWT_PRIVATE_KEY_FILE) {
    problems.push('JWT_PRIVATE_KEY_FILE: must be set when JWT_ALGORITHM is ES256 and NODE_ENV=production');
  }
  if (!isMysql && [...Object.values(named), ...bessNames].some(Boolean)) {
    problems.push('DB_NAME_*: per-domain databases need a MySQL DATABASE_URL (or DB_HOST)');
  }
  if (problems.length > 0 || common === null) throw new ConfigError(problems);

  return {
    ...common,
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
      refreshTtlS: e.REFRESH_TOKEN_EXPIRE_DAYS * 86_400,
      privateKeyFile: e.JWT_PRIVATE_KEY_FILE ?? null,
      previousKeyFiles: (e.JWT_PREVIOUS_KEY_FILES ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
      serviceTokenMaxDays: e.SERVICE_TOKEN_MAX_DAYS,
    },
    admin: { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD ?? DEV_ADMIN_PASSWORD, email: e.ADMIN_EMAIL },
    login: { maxFailures: e.LOGIN_MAX_FAILURES, windowS: e.LOGIN_FAILURE_WINDOW_S },
    mqtt: mqttConfig(e, 'solarhub-api'),
    ingest: {
      batchSize: e.INGEST_BATCH_SIZE,
      flushMs: e.INGEST_FLUSH_MS,
      bufferMax: e.INGEST_BUFFER_MAX,
      highWaterRows: e.INGEST_HIGH_WATER_ROWS,
      insertRows: e.INGEST_INSERT_ROWS,
      writers: e.INGEST_WRITERS,
      receiveMaximum: e.INGEST_RECEIVE_MAXIMUM,
      clientId: e.INGEST_CLIENT_ID ?? `solarhub-api-${hostname()}`,
      sharedGroup: e.INGEST_SHARED_GROUP === 'none' ? null : e.INGEST_SHARED_GROUP,
      sessionExpiryS: e.INGEST_SESSION_EXPIRY_S,
      staleS: e.TELEMETRY_STALE_S,
    },
  };
}
