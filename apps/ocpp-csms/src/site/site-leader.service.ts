import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import { MetricsService, ReadinessRegistry } from '@lib/observability';
import Redis from 'ioredis';
import { Counter, Gauge } from 'prom-client';
import { CSMS_CONFIG } from '../csms.tokens';
import { CsmsEvents } from '../ocpp/csms-events';
import { StationRouter } from '../ocpp/station-router';

export type SiteRole = 'leader' | 'follower';

/** What a replica tells the leader: the events of its own stations that the site plan follows. */
export type SiteRelayEvent =
  | { kind: 'limit' }
  | { kind: 'transaction'; stationId: string; transactionId: number; stopped: boolean }
  | { kind: 'power'; stationId: string; connectorId: number; transactionId: number | null; powerW: number }
  | { kind: 'status'; stationId: string; connectorId: number; status: string }
  | { kind: 'station'; stationId: string; connected: boolean };

/**
 * Takes the lease: SET NX PX, and on success a fencing token from INCR, both in one script so a
 * lease never exists without its token. The value names the replica and the token.
 */
const ACQUIRE = `
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  local token = redis.call('incr', KEYS[2])
  redis.call('set', KEYS[1], ARGV[1] .. ':' .. token, 'PX', ARGV[2])
  return token
end
return 0`;
/** Extends the lease only while it is still ours (same replica, same token). */
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;
const HOLDS = `return redis.call('get', KEYS[1]) == ARGV[1] and 1 or 0`;
const RELEASE = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`;

/**
 * One replica runs the site plan: the leader, holder of a lease in Redis (renewed every
 * SITE_LEADER_RENEW_MS, lasting SITE_LEADER_LEASE_MS, released on shutdown). Each lease comes
 * with a fencing token, larger than every earlier one: the plan carries it, and each profile is
 * sent only after Redis confirms the lease with that token is still held, so a leader that was
 * paused past its lease sends nothing. The others relay their stations' events to the leader
 * (a Redis channel) and forward REST calls to it. While leader, it also reports the stations of
 * replicas that died without saying so (their heartbeat key expired) as disconnected. Without
 * REDIS_URL the one process is the leader.
 */
@Injectable()
export class SiteLeaderService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('site-leader');
  private readonly redis: Redis | null;
  private readonly sub: Redis | null;
  private leading: boolean;
  private fence: number | null;
  /** Until when our lease surely holds (local clock): past it, we stop acting as leader even without Redis. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private lastSweep = 0;
  private readonly listeners: ((leading: boolean) => void)[] = [];
  private readonly relayListeners: ((event: SiteRelayEvent) => void)[] = [];
  private readonly leaderGauge: Gauge;
  private readonly changes: Counter<'change'>;
  private readonly keys: { lease: string; fence: string; sent: string; events: string };

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    private readonly router: StationRouter,
    private readonly events: CsmsEvents,
    readiness: ReadinessRegistry,
    metrics: MetricsService,
  ) {
    const url = config.bus.redisUrl;
    const options = {
      maxRetriesPerRequest: 1,
      retryStrategy: (times: number) => Math.min(times * 200, 1000),
      lazyConnect: true,
    };
    this.redis = url ? new Redis(url, options) : null;
    this.sub = url ? new Redis(url, options) : null;
    const p = config.redisPrefix;
    this.keys = {
      lease: `${p}:site:leader`,
      fence: `${p}:site:fence`,
      sent: `${p}:site:sent`,
      events: `${p}:site:events`,
    };
    this.leading = this.redis === null;
    this.fence = this.redis === null ? 1 : null;
    this.leaderGauge = metrics.gauge('ocpp_site_leader', '1 while this replica runs the site plan (holds the lease)');
    this.changes = metrics.counter(
      'ocpp_site_leader_changes_total',
      'Site leader lease changes on this replica (acquired, lost, released)',
      ['change'],
    );
    this.leaderGauge.set(this.leading ? 1 : 0);
    router.checkFence((token) => this.isCurrent(token));
    readiness.register('site_leader', () => ({
      up: true,
      info: { role: this.role, fencing_token: this.fence ?? 0, instance_id: this.router.instanceId },
    }));
  }

  get role(): SiteRole {
    return this.isLeader ? 'leader' : 'follower';
  }

  get isLeader(): boolean {
    return this.leading && (this.redis === null || Date.now() < this.validUntil);
  }

  /** The fencing token of our lease, while we hold it. */
  get token(): number | null {
    return this.isLeader ? this.fence : null;
  }

  get instanceId(): string {
    return this.router.instanceId;
  }

  /** Called with true when this replica becomes leader, false when it stops being one. */
  onChange(listener: (leading: boolean) => void): void {
    this.listeners.push(listener);
  }

  /** Events other replicas relay (only the leader listens to them). */
  onRelay(listener: (event: SiteRelayEvent) => void): void {
    this.relayListeners.push(listener);
  }

  async onModuleInit(): Promise<void> {
    if (!this.redis || !this.sub) return;
    for (const client of [this.redis, this.sub])
      client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await Promise.all([this.redis.connect(), this.sub.connect()]).catch((error: Error) =>
      this.logger.warn(`redis unavailable at start: ${error.message}`),
    );
    this.sub.on('message', (_channel: string, message: string) => this.onRelayMessage(message));
    await this.sub.subscribe(this.keys.events).catch(() => undefined);
    await this.tick();
    this.timer = setInterval(() => void this.tick(), this.config.site.leaderRenewMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.redis && this.leading && this.fence !== null) {
      // Released, not left to expire: another replica takes over at its next try.
      await this.redis.eval(RELEASE, 1, this.keys.lease, this.leaseValue(this.fence)).catch(() => undefined);
      this.changes.inc({ change: 'released' });
      this.logger.log(`released the site lease (token ${this.fence})`);
    }
    this.setLeading(false);
    this.redis?.disconnect();
    this.sub?.disconnect();
  }

  /** The replica holding the lease now (ours included), or null between leaders. */
  async leaderId(): Promise<string | null> {
    if (!this.redis) return this.instanceId;
    const value = await this.redis.get(this.keys.lease).catch(() => null);
    return value ? value.slice(0, value.lastIndexOf(':')) : null;
  }

  /** Whether the lease with this token is still ours, asked of Redis at the moment of a send. */
  async holds(token: number): Promise<boolean> {
    if (!this.redis) return this.leading;
    if (!this.isLeader || this.fence !== token) return false;
    const held = await this.redis.eval(HOLDS, 1, this.keys.lease, this.leaseValue(token)).catch(() => 0);
    return held === 1;
  }

  /** Whether `token` is the token of the lease held now (whoever holds it). */
  async isCurrent(token: number): Promise<boolean> {
    if (!this.redis) return true;
    const value = await this.redis.get(this.keys.lease).catch(() => null);
    return value !== null && value.endsWith(`:${token}`);
  }

  /** Tells the leader about an event of this replica's stations. */
  relay(event: SiteRelayEvent): void {
    if (!this.redis || this.isLeader) return;
    void this.redis
      .publish(this.keys.events, JSON.stringify({ from: this.instanceId, event }))
      .catch((error: Error) => this.logger.warn(`relay: ${error.message}`));
  }

  /** The shares stations accepted, kept in Redis so a new leader does not send them again. */
  async loadSent(): Promise<Map<number, number>> {
    if (!this.redis) return new Map();
    const all = await this.redis.hgetall(this.keys.sent).catch((): Record<string, string> => ({}));
    return new Map(Object.entries(all).map(([tx, w]) => [Number(tx), Number(w)]));
  }

  saveSent(transactionId: number, limitW: number | null): void {
    if (!this.redis) return;
    const done =
      limitW === null
        ? this.redis.hdel(this.keys.sent, String(transactionId))
        : this.redis.hset(this.keys.sent, String(transactionId), String(limitW));
    void done.catch(() => undefined);
  }

  clearSent(): void {
    void this.redis?.del(this.keys.sent).catch(() => undefined);
  }

  private leaseValue(token: number): string {
    return `${this.instanceId}:${token}`;
  }

  private async tick(): Promise<void> {
    const redis = this.redis;
    if (!redis) return;
    const ttl = this.config.site.leaderLeaseMs;
    const startedAt = Date.now();
    try {
      if (this.leading && this.fence !== null) {
        const renewed = await redis.eval(RENEW, 1, this.keys.lease, this.leaseValue(this.fence), ttl);
        if (renewed === 1) {
          this.validUntil = startedAt + ttl;
        } else {
          this.logger.warn(`lost the site lease (token ${this.fence}): another replica holds it`);
          this.changes.inc({ change: 'lost' });
          this.setLeading(false);
        }
      } else {
        const token = Number(await redis.eval(ACQUIRE, 2, this.keys.lease, this.keys.fence, this.instanceId, ttl));
        if (token > 0) {
          this.fence = token;
          this.validUntil = startedAt + ttl;
          this.changes.inc({ change: 'acquired' });
          this.logger.log(`leads the site plan (fencing token ${token})`);
          this.setLeading(true);
        }
      }
    } catch (error) {
      this.logger.warn(`site lease: ${(error as Error).message}`);
    }
    if (this.leading && Date.now() >= this.validUntil) {
      // Redis did not confirm the lease in time: someone else may hold it by now.
      this.logger.warn(`site lease (token ${this.fence}) expired unconfirmed: stepping down`);
      this.changes.inc({ change: 'lost' });
      this.setLeading(false);
    }
    if (this.isLeader && Date.now() - this.lastSweep >= this.config.site.leaderLeaseMs) void this.sweep();
  }

  private setLeading(leading: boolean): void {
    if (this.leading === leading) return;
    this.leading = leading;
    this.leaderGauge.set(leading ? 1 : 0);
    for (const listener of this.listeners) listener(leading);
  }

  /** Stations held by a replica that died: said disconnected here (the bus's retained status too). */
  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    this.lastSweep = Date.now();
    try {
      for (const stationId of await this.router.sweepOrphans()) {
        this.logger.warn(`${stationId}: its replica is gone; reported disconnected`);
        this.events.emit('station', { stationId, kind: 'disconnected' });
      }
    } catch (error) {
      this.logger.warn(`orphan sweep: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }

  private onRelayMessage(message: string): void {
    if (!this.isLeader) return;
    let parsed: { from?: string; event?: SiteRelayEvent };
    try {
      parsed = JSON.parse(message) as { from?: string; event?: SiteRelayEvent };
    } catch {
      return;
    }
    if (!parsed.event || parsed.from === this.instanceId) return;
    for (const listener of this.relayListeners) listener(parsed.event);
  }
}
