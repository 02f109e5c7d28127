import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import type { SolarhubConfig } from '../solarhub-api.config';
import { redactUrl } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { SOLARHUB_CONFIG } from '../solarhub.tokens';

export type LatestKind = 'bess' | 'pcs' | 'meter' | 'inverter';

const key = (kind: LatestKind, unit: number): string => `solarhub:latest:${kind}:${unit}`;

function client(url: string, name: string): Redis {
  const logger = new Logger(`solarhub-api:redis-${name}`);
  const redis = new Redis(url, {
    // Fail fast while Redis is away, so reads fall back to MySQL instead of queueing.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 2000,
    enableAutoPipelining: true,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  });
  let down = false;
  redis.on('ready', () => {
    down = false;
    logger.log(`connected to ${redactUrl(url)}`);
  });
  redis.on('error', (error: Error) => {
    if (!down) logger.warn(`${redactUrl(url)} unreachable (${error.message}); reads fall back to the database`);
    down = true;
  });
  return redis;
}

/**
 * Latest value per unit in Redis (the main instance; mirrored to GTR when configured). Every call
 * tolerates Redis being away: writes are skipped, reads return null so callers use the database.
 */
@Injectable()
export class LatestStore implements OnApplicationShutdown {
  private readonly main: Redis | null;
  private readonly gtr: Redis | null;
  private readonly misses;

  constructor(
    @Inject(SOLARHUB_CONFIG) private readonly config: SolarhubConfig,
    metrics: MetricsService,
  ) {
    this.main = config.redis.main ? client(config.redis.main, 'main') : null;
    this.gtr = config.redis.gtr ? client(config.redis.gtr, 'gtr') : null;
    this.misses = metrics.counter('solarhub_latest_fallbacks_total', 'Latest-value reads served by the database', [
      'kind',
    ]);
  }

  onApplicationShutdown(): void {
    for (const redis of [this.main, this.gtr]) if (redis) redis.disconnect();
  }

  get configured(): { main: boolean; gtr: boolean } {
    return { main: this.main !== null, gtr: this.gtr !== null };
  }

  /** A round trip to each instance: true, false, or null when not configured. */
  async health(): Promise<{ main: boolean | null; gtr: boolean | null }> {
    const ping = async (redis: Redis | null): Promise<boolean | null> => {
      if (!redis) return null;
      if (redis.status !== 'ready') return false;
      return redis.ping().then(
        () => true,
        () => false,
      );
    };
    const [main, gtr] = await Promise.all([ping(this.main), ping(this.gtr)]);
    return { main, gtr };
  }

  endpoints(): { name: 'main' | 'gtr'; url: string; up: boolean }[] {
    const out: { name: 'main' | 'gtr'; url: string; up: boolean }[] = [];
    if (this.main && this.config.redis.main)
      out.push({ name: 'main', url: this.config.redis.main, up: this.main.status === 'ready' });
    if (this.gtr && this.config.redis.gtr)
      out.push({ name: 'gtr', url: this.config.redis.gtr, up: this.gtr.status === 'ready' });
    return out;
  }

  /** Stores many latest values at once; false when they could not reach the main instance. */
  async putMany(values: { kind: LatestKind; unit: number; value: unknown }[]): Promise<boolean> {
    if (values.length === 0) return true;
    const args = values.flatMap((v) => [key(v.kind, v.unit), JSON.stringify(v.value)]);
    const write = async (redis: Redis | null): Promise<boolean> => {
      if (!redis || redis.status !== 'ready') return false;
      return redis.mset(args).then(
        () => true,
        () => false,
      );
    };
    const [main] = await Promise.all([write(this.main), write(this.gtr)]);
    return main;
  }

  /** The value parsed last per key: an unchanged value is not parsed again (and keeps its identity). */
  private readonly parsed = new Map<string, { raw: string; value: unknown }>();

  private parse<T>(k: string, raw: string): T {
    const last = this.parsed.get(k);
    if (last?.raw === raw) return last.value as T;
    const value = JSON.parse(raw) as T;
    this.parsed.set(k, { raw, value });
    return value;
  }

  /**
   * Counts an event in a fixed window shared by every replica (login failures): the count so far
   * and the time left in the window, or null when Redis is unusable (callers count locally).
   */
  async countInWindow(
    name: string,
    windowMs: number,
    increment: boolean,
  ): Promise<{ count: number; ttlMs: number } | null> {
    const redis = this.main;
    if (!redis || redis.status !== 'ready') return null;
    const k = `solarhub:window:${name}`;
    try {
      if (increment) {
        const [[, count], [, ttl]] = (await redis.multi().incr(k).pttl(k).exec()) as [[null, number], [null, number]];
        if (ttl < 0) await redis.pexpire(k, windowMs);
        return { count, ttlMs: ttl < 0 ? windowMs : ttl };
      }
      const [count, ttl] = await Promise.all([redis.get(k), redis.pttl(k)]);
      return { count: Number(count ?? 0), ttlMs: Math.max(0, ttl) };
    } catch {
      return null;
    }
  }

  async forget(name: string): Promise<void> {
    if (this.main?.status === 'ready') await this.main.del(`solarhub:window:${name}`).catch(() => 0);
  }

  /** The latest values of these units (null per unit not in Redis), or null when Redis is unusable. */
  async getMany<T>(kind: LatestKind, units: number[]): Promise<(T | null)[] | null> {
    const redis = this.main;
    if (!redis || redis.status !== 'ready' || units.length === 0) {
      this.misses.inc({ kind });
      return null;
    }
    try {
      const keys = units.map((u) => key(kind, u));
      const raw = await redis.mget(keys);
      return raw.map((r, i) => (r === null ? null : this.parse<T>(keys[i], r)));
    } catch {
      this.misses.inc({ kind });
      return null;
    }
  }
}
