import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength } from 'class-validator';
import { ConfigError, refuseDefaultSecrets } from './env';

/** The shared HS256 key every app accepts on a development machine; refused in production. */
export const DEV_JWT_SECRET = 'solarhub-development-jwt-secret-change-me';
export const JWT_ISSUER = 'solarhub-api';
export const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGORITHMS = ['ES256'] as const;
export const JWT_ALGORITHMS = [...HMAC_ALGORITHMS, ...ASYMMETRIC_ALGORITHMS] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

/**
 * Who may call an app. Mixed into every app's environment: each app checks the site's access
 * tokens (issued by solarhub-api) with the same settings.
 */
export class AuthEnv {
  /** Turns every check off, for local experiments; refused with NODE_ENV=production. */
  @IsIn(['true', 'false']) AUTH_DISABLED: 'true' | 'false' = 'false';

  /** The reads a source document leaves open (solarhub-api's reads, the plant's consumption POST). */
  @IsIn(['true', 'false']) AUTH_PUBLIC_READS: 'true' | 'false' = 'true';

  /** HS256/384/512 with the shared JWT_SECRET_KEY, or ES256 with solarhub-api's JWKS. */
  @IsIn(JWT_ALGORITHMS) JWT_ALGORITHM: JwtAlgorithm = 'HS256';

  @IsOptional() @IsString() @MinLength(16, { message: 'must be at least 16 characters' }) JWT_SECRET_KEY?: string;

  /** Where apps other than solarhub-api fetch the signing keys in ES256 mode. */
  @IsOptional()
  @Matches(/^https?:\/\/.+/, { message: 'must be an http(s) URL' })
  JWKS_URL?: string;

  /** How long fetched signing keys are cached before they are fetched again (an unknown key id refetches at once). */
  @Type(() => Number) @IsInt() @Min(10) @Max(86_400) JWKS_CACHE_S = 600;

  /**
   * On Redis the revoked sessions travel under `<prefix>:<topic>` (a key for late starters, a
   * channel for news): sites sharing one Redis give each its own prefix, the same in all its apps.
   */
  @IsOptional() @Matches(/^[A-Za-z0-9:_-]{1,64}$/) AUTH_REDIS_PREFIX = 'auth';

  /** Access tokens are short-lived: this is also how long a revoked session is remembered. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1440) ACCESS_TOKEN_EXPIRE_MINUTES = 30;
}

export interface AuthConfig {
  disabled: boolean;
  publicReads: boolean;
  algorithm: JwtAlgorithm;
  /** The HMAC key (HS* modes); null in ES256 mode. */
  secret: string | null;
  issuer: string;
  /** ES256 mode: the JWKS of the token issuer; null in HS* mode. */
  jwksUrl: string | null;
  jwksCacheS: number;
  accessTtlS: number;
  /** Where revoked sessions travel: Redis when REDIS_URL is set, else the broker of MQTT_URL. */
  bus: { redisUrl: string | null; mqttUrl: string | null; redisPrefix: string };
}

export const isHmac = (algorithm: JwtAlgorithm): boolean => algorithm.startsWith('HS');

/** The JWKS of a solarhub-api on this machine, where the apps look when JWKS_URL is unset. */
export const DEFAULT_JWKS_URL = 'http://127.0.0.1:8000/.well-known/jwks.json';

export function authConfig(env: AuthEnv & { NODE_ENV: string; REDIS_URL?: string; MQTT_URL?: string }): AuthConfig {
  const production = env.NODE_ENV === 'production';
  const disabled = env.AUTH_DISABLED === 'true';
  if (production && disabled) {
    throw new ConfigError(['AUTH_DISABLED: cannot be true when NODE_ENV=production']);
  }
  const hmac = isHmac(env.JWT_ALGORITHM);
  if (hmac && !disabled) {
    refuseDefaultSecrets(production, [
      { name: 'JWT_SECRET_KEY', value: env.JWT_SECRET_KEY ?? DEV_JWT_SECRET, developmentDefault: DEV_JWT_SECRET },
    ]);
  }
  return {
    disabled,
    publicReads: env.AUTH_PUBLIC_READS === 'true',
    algorithm: env.JWT_ALGORITHM,
    secret: hmac ? (env.JWT_SECRET_KEY ?? DEV_JWT_SECRET) : null,
    issuer: JWT_ISSUER,
    jwksUrl: hmac ? null : (env.JWKS_URL ?? DEFAULT_JWKS_URL),
    jwksCacheS: env.JWKS_CACHE_S,
    accessTtlS: env.ACCESS_TOKEN_EXPIRE_MINUTES * 60,
    bus: { redisUrl: env.REDIS_URL ?? null, mqttUrl: env.MQTT_URL ?? null, redisPrefix: env.AUTH_REDIS_PREFIX },
  };
}
