import { HttpException, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { OcppCsmsConfig } from '../ocpp-csms.config';
import { ReadinessRegistry } from '@lib/observability';
import Redis from 'ioredis';
import { CSMS_CONFIG } from '../csms.tokens';

type Params = Record<string, unknown>;
type LocalCall = (stationId: string, method: string, params: Params) => Promise<Params>;

interface RouteRequest {
  id: string;
  replyTo: string;
  stationId: string;
  method: string;
  params: Params;
  /** A request for a service of the replica (e.g. the site plan of the leader), not for a station. */
  service?: boolean;
  /** Sent by the site leader under this token: refused unless that lease is still the current one. */
  fencingToken?: number;
}

interface RouteReply {
  id: string;
  ok: boolean;
  result?: Params;
  status?: number;
  detail?: string;
}

type ServiceHandler = (params: Params) => Promise<Params>;

const OWNER_TTL_S = 90;
const REFRESH_MS = 30_000;
/** Compare-and-delete: only the holder's value is removed. */
const DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end";

/**
 * Scale-out over Redis: each replica records the stations whose WebSocket it holds (a key with a
 * TTL, refreshed while the socket lives), and a call for a station held elsewhere travels as a
 * request on the holder's channel; the answer comes back on the caller's. Without REDIS_URL it
 * is idle and every call is local.
 */
@Injectable()
export class StationRouter implements OnModuleInit, OnApplicationShutdown {
  readonly instanceId = randomUUID();
  private readonly logger = new Logger('router');
  private readonly pub: Redis | null;
  private readonly sub: Redis | null;
  private readonly held = new Set<string>();
  private readonly pending = new Map<string, (reply: RouteReply) => void>();
  private readonly services = new Map<string, ServiceHandler>();
  private refresh: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private local: LocalCall | null = null;
  private fenceCheck: ((token: number) => Promise<boolean>) | null = null;
  private readonly prefix: string;

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    readiness: ReadinessRegistry,
  ) {
    const url = config.bus.redisUrl;
    this.prefix = config.redisPrefix;
    const options = {
      maxRetriesPerRequest: 2,
      retryStrategy: (times: number) => Math.min(times * 200, 2000),
      lazyConnect: true,
    };
    this.pub = url ? new Redis(url, options) : null;
    this.sub = url ? new Redis(url, options) : null;
    if (this.pub) {
      const pub = this.pub;
      readiness.register('redis', () => ({ up: pub.status === 'ready', info: { state: pub.status } }));
    }
  }

  get enabled(): boolean {
    return this.pub !== null;
  }

  private ownerKey(stationId: string): string {
    return `${this.prefix}:owner:${stationId}`;
  }

  private requests(instance: string): string {
    return `${this.prefix}:rpc:${instance}`;
  }

  private replies(instance: string): string {
    return `${this.prefix}:rpc-reply:${instance}`;
  }

  /** Present while the replica lives: its stations' owner keys outlive it (90 s), this key does not. */
  private aliveKey(instance: string): string {
    return `${this.prefix}:alive:${instance}`;
  }

  /** How this replica runs a call on a station it holds (set by the central system). */
  serve(local: LocalCall): void {
    this.local = local;
  }

  /** How this replica checks a routed call's fencing token (set by the site leader service). */
  checkFence(check: (token: number) => Promise<boolean>): void {
    this.fenceCheck = check;
  }

  /** How this replica answers `ask(…, method)` from another replica. */
  answer(method: string, handler: ServiceHandler): void {
    this.services.set(method, handler);
  }

  async onModuleInit(): Promise<void> {
    if (!this.pub || !this.sub) return;
    for (const client of [this.pub, this.sub])
      client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await Promise.all([this.pub.connect(), this.sub.connect()]).catch((error: Error) =>
      this.logger.warn(`redis unavailable at start: ${error.message}`),
    );
    this.sub.on('message', (channel: string, message: string) => void this.onMessage(channel, message));
    await this.sub.subscribe(this.requests(this.instanceId), this.replies(this.instanceId)).catch(() => undefined);
    this.refresh = setInterval(() => void this.refreshHeld(), REFRESH_MS);
    await this.beat();
    this.heartbeat = setInterval(() => void this.beat(), this.config.site.leaderRenewMs);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await Promise.all([...this.held].map((id) => this.release(id)));
    await this.pub?.del(this.aliveKey(this.instanceId)).catch(() => undefined);
    this.pub?.disconnect();
    this.sub?.disconnect();
  }

  async claim(stationId: string): Promise<void> {
    this.held.add(stationId);
    await this.pub
      ?.set(this.ownerKey(stationId), this.instanceId, 'EX', OWNER_TTL_S)
      .catch((error: Error) => this.logger.warn(`claim ${stationId}: ${error.message}`));
  }

  async release(stationId: string): Promise<void> {
    this.held.delete(stationId);
    if (!this.pub) return;
    // Only the holder deletes: a station that reconnected to another replica keeps its new owner.
    await this.pub.eval(DELETE_IF, 1, this.ownerKey(stationId), this.instanceId).catch(() => undefined);
  }

  /** The replica holding the station's socket, or null (also when that replica has died). */
  async owner(stationId: string): Promise<string | null> {
    if (this.held.has(stationId)) return this.instanceId;
    if (!this.pub) return null;
    const owner = await this.pub.get(this.ownerKey(stationId)).catch(() => null);
    if (!owner) return null;
    return (await this.living([owner])).has(owner) ? owner : null;
  }

  /** Of these stations, those connected to a living replica (this one or another). */
  async owners(stationIds: string[]): Promise<Set<string>> {
    return new Set((await this.ownerOf(stationIds)).keys());
  }

  /**
   * The living replica holding each of these stations (this one's id for its own), for those
   * connected anywhere; one MGET of owner keys and one of heartbeats.
   */
  async ownerOf(stationIds: string[]): Promise<Map<string, string>> {
    const owners = new Map<string, string>();
    const others: string[] = [];
    for (const id of stationIds) {
      if (this.held.has(id)) owners.set(id, this.instanceId);
      else others.push(id);
    }
    if (!this.pub || others.length === 0) return owners;
    const values = await this.pub
      .mget(others.map((id) => this.ownerKey(id)))
      .catch(() => others.map((): string | null => null));
    const alive = await this.living(values.filter((v): v is string => v !== null));
    others.forEach((id, i) => {
      const owner = values[i];
      if (owner && alive.has(owner)) owners.set(id, owner);
    });
    return owners;
  }

  /** Of these replicas, those whose heartbeat key is still there. */
  private async living(instances: string[]): Promise<Set<string>> {
    const unique = [...new Set(instances)];
    if (!this.pub || unique.length === 0) return new Set(unique);
    const beats = await this.pub.mget(unique.map((i) => this.aliveKey(i))).catch(() => null);
    // Redis away: nobody is declared dead on a failed read.
    if (!beats) return new Set(unique);
    return new Set(unique.filter((i, n) => i === this.instanceId || beats[n] !== null));
  }

  /**
   * Stations whose owner key names a replica that is gone (killed without its shutdown): their
   * keys are removed (only if unchanged) and their ids returned, so they can be reported
   * disconnected.
   */
  async sweepOrphans(): Promise<string[]> {
    const pub = this.pub;
    if (!pub) return [];
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await pub.scan(cursor, 'MATCH', this.ownerKey('*'), 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length === 0) return [];
    const owners = await pub.mget(keys);
    const alive = await this.living(owners.filter((o): o is string => o !== null));
    const orphans: string[] = [];
    for (const [i, key] of keys.entries()) {
      const owner = owners[i];
      if (!owner || alive.has(owner)) continue;
      const removed = await pub.eval(DELETE_IF, 1, key, owner).catch(() => 0);
      if (removed === 1) orphans.push(key.slice(this.ownerKey('').length));
    }
    return orphans;
  }

  /**
   * Asks another replica's service (registered there with `answer`) and waits for its answer, at
   * most `timeoutMs`.
   */
  async ask(instance: string, method: string, params: Params, timeoutMs: number): Promise<Params> {
    return this.request(instance, { stationId: '', method, params, service: true }, timeoutMs);
  }

  /** Sends a call to the replica that holds the station and waits for its answer. */
  async remote(
    owner: string,
    stationId: string,
    method: string,
    params: Params,
    fencingToken?: number,
  ): Promise<Params> {
    const call = { stationId, method, params, ...(fencingToken !== undefined && { fencingToken }) };
    return this.request(owner, call, this.config.ocpp.callTimeoutMs + 2000);
  }

  private async request(
    instance: string,
    call: Pick<RouteRequest, 'stationId' | 'method' | 'params' | 'service' | 'fencingToken'>,
    timeoutMs: number,
  ): Promise<Params> {
    if (!this.pub) throw new Error('routing without Redis');
    const id = randomUUID();
    const what = call.service ? `${call.method}` : `${call.stationId}'s`;
    const reply = new Promise<RouteReply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, ok: false, status: 504, detail: `${what} replica did not answer ${call.method} in time` });
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(r);
      });
    });
    const request: RouteRequest = { id, replyTo: this.instanceId, ...call };
    await this.pub.publish(this.requests(instance), JSON.stringify(request));
    const r = await reply;
    if (r.ok) return r.result ?? {};
    throw new HttpException({ detail: r.detail ?? 'Routed call failed' }, r.status ?? 502);
  }

  private async onMessage(channel: string, message: string): Promise<void> {
    let parsed: RouteRequest | RouteReply;
    try {
      parsed = JSON.parse(message) as RouteRequest | RouteReply;
    } catch {
      return;
    }
    if (channel === this.replies(this.instanceId)) {
      this.pending.get(parsed.id)?.(parsed as RouteReply);
      return;
    }
    const req = parsed as RouteRequest;
    let reply: RouteReply;
    try {
      let result: Params;
      if (req.service) {
        const handler = this.services.get(req.method);
        if (!handler) throw new HttpException(`No ${req.method} on this replica`, 503);
        result = await handler(req.params);
      } else {
        if (!this.local) throw new HttpException('Replica not ready', 503);
        // A send of a leader that has lost its lease (paused, cut off) stops here, even if it left before.
        if (req.fencingToken !== undefined && this.fenceCheck && !(await this.fenceCheck(req.fencingToken)))
          throw new HttpException(`fencing token ${req.fencingToken} is no longer the site leader's`, 409);
        result = await this.local(req.stationId, req.method, req.params);
      }
      reply = { id: req.id, ok: true, result };
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 502;
      reply = { id: req.id, ok: false, status, detail: (error as Error).message };
    }
    await this.pub?.publish(this.replies(req.replyTo), JSON.stringify(reply)).catch(() => undefined);
  }

  private async refreshHeld(): Promise<void> {
    for (const id of this.held)
      await this.pub?.set(this.ownerKey(id), this.instanceId, 'EX', OWNER_TTL_S).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    await this.pub
      ?.set(this.aliveKey(this.instanceId), '1', 'PX', this.config.site.leaderLeaseMs)
      .catch((error: Error) => this.logger.warn(`heartbeat: ${error.message}`));
  }
}
