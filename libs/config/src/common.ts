import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsTimeZone, Matches, Max, Min } from 'class-validator';
import { AuthConfig, AuthEnv, authConfig } from './auth';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Variables every app reads; each app's schema extends this one. */
export class CommonEnv extends AuthEnv {
  @IsIn(NODE_ENVS)
  NODE_ENV: NodeEnv = 'development';

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT?: number;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /** Trust X-Forwarded-* from a reverse proxy in front of the app; off, so clients cannot spoof addresses. */
  @IsIn(['true', 'false'])
  TRUST_PROXY: 'true' | 'false' = 'false';

  /** `pretty`: coloured lines for a person; `json`: one JSON object a line; `auto`: pretty on a terminal. */
  @IsIn(['auto', 'json', 'pretty'])
  LOG_FORMAT: 'auto' | 'json' | 'pretty' = 'auto';

  /** Log one line per HTTP request (method, path, status, time). */
  @IsIn(['true', 'false'])
  LOG_HTTP_REQUESTS: 'true' | 'false' = 'false';

  @IsOptional()
  @Matches(/^(mqtts?|wss?|tcp):\/\/.+/, { message: 'must be an mqtt://, mqtts://, ws:// or wss:// URL' })
  MQTT_URL?: string;

  @IsOptional()
  @Matches(/^rediss?:\/\/.+/, { message: 'must be a redis:// or rediss:// URL' })
  REDIS_URL?: string;

  @IsOptional()
  @Matches(/^(mysql|mariadb):\/\/.+|^sqlite:.+/, {
    message: 'must be a mysql://user:pass@host:port/db URL or sqlite:<file path>',
  })
  DATABASE_URL?: string;

  /** MySQL: create a database the URL names when it does not exist (if the user may). */
  @IsIn(['true', 'false'])
  DB_CREATE_DATABASES: 'true' | 'false' = 'true';

  /**
   * Run the pending migrations when the server starts. `false` when a release job runs them
   * (`main.js migrate`): the server then waits for the schema and /health/ready names what is pending.
   */
  @IsIn(['true', 'false'])
  DB_MIGRATE: 'true' | 'false' = 'true';

  /**
   * The site's IANA time zone (`Europe/Berlin`): local days, hours of day and "today" follow its
   * clock. Unset: UTC (the console: the host's zone).
   */
  @IsOptional()
  @IsTimeZone({ message: 'must be an IANA time zone such as Europe/Berlin' })
  SITE_TIMEZONE?: string;

  /** Origins allowed to call the API from a browser, comma separated; `*` for any. Unset: no CORS. */
  @IsOptional() @IsString() CORS_ORIGINS?: string;

  /** Writes (POST, PUT, PATCH, DELETE) one client (bearer token, else address) may make per minute, all routes together; 0: no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_WRITES_PER_MINUTE = 1200;

  /** Deepest JSON nesting a request body may have; deeper ones get 400 before they are parsed. */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(512)
  HTTP_MAX_JSON_DEPTH = 32;

  /** How long a graceful shutdown may take before the process exits anyway. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SHUTDOWN_TIMEOUT_MS = 10_000;
}

export interface HttpConfig {
  host: string;
  port: number;
  trustProxy: boolean;
  /** Browser origins allowed by CORS (`['*']` for any); null: no CORS headers. */
  corsOrigins: string[] | null;
  /** Writes per client and minute (all routes together); 0: no limit. */
  rateLimitWritesPerMinute: number;
  maxJsonDepth: number;
}

/** `a, b` → `['a', 'b']`; unset or empty → null. */
export function parseOrigins(value: string | undefined): string[] | null {
  const origins = value
    ?.split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0);
  return origins && origins.length > 0 ? origins : null;
}

export interface CommonConfig {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  http: HttpConfig;
  log: { level: LogLevel; httpRequests: boolean; format: 'json' | 'pretty' };
  shutdownTimeoutMs: number;
  auth: AuthConfig;
  /** MySQL: create missing databases (utf8mb4) at start-up. */
  createDatabases: boolean;
  /** Run pending migrations at start-up (false: a release job runs `main.js migrate`). */
  migrateOnStart: boolean;
  /** The site's IANA time zone: local days and hours of day. */
  timezone: string;
}

/** The site's zone: SITE_TIMEZONE (validated by the schema), else `fallback`. */
export function siteTimezone(env: CommonEnv, fallback = 'UTC'): string {
  return env.SITE_TIMEZONE ?? fallback;
}

export function commonConfig(env: CommonEnv, defaultPort: number): CommonConfig {
  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    http: {
      host: env.HOST,
      port: env.PORT ?? defaultPort,
      trustProxy: env.TRUST_PROXY === 'true',
      corsOrigins: parseOrigins(env.CORS_ORIGINS),
      rateLimitWritesPerMinute: env.RATE_LIMIT_WRITES_PER_MINUTE,
      maxJsonDepth: env.HTTP_MAX_JSON_DEPTH,
    },
    log: {
      level: env.LOG_LEVEL,
      httpRequests: env.LOG_HTTP_REQUESTS === 'true',
      format: env.LOG_FORMAT === 'auto' ? (process.stdout.isTTY ? 'pretty' : 'json') : env.LOG_FORMAT,
    },
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    auth: authConfig(env),
    createDatabases: env.DB_CREATE_DATABASES === 'true',
    migrateOnStart: env.DB_MIGRATE === 'true',
    timezone: siteTimezone(env),
  };
}
