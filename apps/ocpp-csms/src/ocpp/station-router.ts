import { HttpException, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { OcppCsmsConfig } from '@lib/config';
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
}

interface RouteReply {
  id: string;
  ok: boolean;
  result?: Params;
  status?: number;
  detail?: string;
}

const OWNER_TTL_S = 90;
const REFRESH_MS = 30_000;
const ownerKey = (stationId: string): string => `csms:owner:${stationId}`;
const requests = (instance: string): string => `csms:rpc:${instance}`;
const replies = (instance: string): string => `csms:rpc-reply:${instance}`;

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
  private refresh: NodeJS.Timeout | null = null;
  private local: LocalCall | null = null;

  constructor(
    @Inject(CSMS_CONFIG) private readonly config: OcppCsmsConfig,
    readiness: ReadinessRegistry,
  ) {
    const url = config.bus.redisUrl;
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

  /** How this replica runs a call on a station it holds (set by the central system). */
  serve(local: LocalCall): void {
    this.local = local;
  }

  async onModuleInit(): Promise<void> {
    if (!this.pub || !this.sub) return;
    for (const client of [this.pub, this.sub])
      client.on('error', (error: Error) => this.logger.warn(`redis: ${error.message}`));
    await Promise.all([this.pub.connect(), this.sub.connect()]).catch((error: Error) =>
      this.logger.warn(`redis unavailable at start: ${error.message}`),
    );
    this.sub.on('message', (channel: string, message: string) => void this.onMessage(channel, message));
    await this.sub.subscribe(requests(this.instanceId), replies(this.instanceId)).catch(() => undefined);
    this.refresh = setInterval(() => void this.refreshHeld(), REFRESH_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.refresh) clearInterval(this.refresh);
    await Promise.all([...this.held].map((id) => this.release(id)));
    this.pub?.disconnect();
    this.sub?.disconnect();
  }

  async claim(stationId: string): Promise<void> {
    this.held.add(stationId);
    await this.pub
      ?.set(ownerKey(stationId), this.instanceId, 'EX', OWNER_TTL_S)
      .catch((error: Error) => this.logger.warn(`claim ${stationId}: ${error.message}`));
  }

  async release(stationId: string): Promise<void> {
    this.held.delete(stationId);
    if (!this.pub) return;
    // Only the holder deletes: a station that reconnected to another replica keeps its new owner.
    await this.pub
      .eval(
        "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end",
        1,
        ownerKey(stationId),
        this.instanceId,
      )
      .catch(() => undefined);
  }

  /** The replica holding the station's socket, or null. */
  async owner(stationId: string): Promise<string | null> {
    if (this.held.has(stationId)) return this.instanceId;
    if (!this.pub) return null;
    return this.pub.get(ownerKey(stationId)).catch(() => null);
  }

  async owners(stationIds: string[]): Promise<Set<string>> {
    const connected = new Set(stationIds.filter((id) => this.held.has(id)));
    const others = stationIds.filter((id) => !this.held.has(id));
    if (this.pub && others.length > 0) {
      const values = await this.pub.mget(others.map(ownerKey)).catch(() => others.map(() => null));
      others.forEach((id, i) => values[i] && connected.add(id));
    }
    return connected;
  }

  /** Sends a call to the replica that holds the station and waits for its answer. */
  async remote(owner: string, stationId: string, method: string, params: Params): Promise<Params> {
    if (!this.pub) throw new Error('routing without Redis');
    const id = randomUUID();
    const timeoutMs = this.config.ocpp.callTimeoutMs + 2000;
    const reply = new Promise<RouteReply>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve({ id, ok: false, status: 504, detail: `${stationId}'s replica did not answer ${method} in time` });
      }, timeoutMs);
      this.pending.set(id, (r) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(r);
      });
    });
    const request: RouteRequest = { id, replyTo: this.instanceId, stationId, method, params };
    await this.pub.publish(requests(owner), JSON.stringify(request));
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
    if (channel === replies(this.instanceId)) {
      this.pending.get(parsed.id)?.(parsed as RouteReply);
      return;
    }
    const req = parsed as RouteRequest;
    let reply: RouteReply;
    try {
      if (!this.local) throw new HttpException('Replica not ready', 503);
      reply = { id: req.id, ok: true, result: await this.local(req.stationId, req.method, req.params) };
    } catch (error) {
      const status = error instanceof HttpException ? error.getStatus() : 502;
      reply = { id: req.id, ok: false, status, detail: (error as Error).message };
    }
    await this.pub?.publish(replies(req.replyTo), JSON.stringify(reply)).catch(() => undefined);
  }

  private async refreshHeld(): Promise<void> {
    for (const id of this.held)
      await this.pub?.set(ownerKey(id), this.instanceId, 'EX', OWNER_TTL_S).catch(() => undefined);
  }
}
