import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthSettings, TokenVerifier, upgradeAllowed } from '@lib/auth';
import type { ConsoleConfig } from '../console.config';
import { MetricsService } from '@lib/observability';
import { CONSOLE_CONFIG } from '../console.tokens';
import { UpstreamHealthService } from '../upstreams/upstream-health.service';
import { LiveBusService } from './live-bus.service';
import { stationOf, type LiveItem } from './live-state';

export const LIVE_PATH = '/ws/live';
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** Most stations one browser follows at a time (a table's rows in view, a page's few hundred sessions). */
export const MAX_FOLLOWED_STATIONS = 2000;

/** What the browser receives on `/ws/live`. */
export type LiveFrame =
  | { type: 'snapshot'; items: LiveItem[]; apps: ReturnType<UpstreamHealthService['all']>; bus: BusState }
  | { type: 'update'; items: LiveItem[] }
  | { type: 'apps'; apps: ReturnType<UpstreamHealthService['all']>; bus: BusState }
  | { type: 'error'; detail: string };

/** What the browser may send: the stations whose status and meters it wants (all others are left out). */
export interface LiveSubscribe {
  type: 'subscribe';
  stations: string[];
}

/** The message as a subscription, or what is wrong with it. */
export function parseSubscribe(text: string): LiveSubscribe | { error: string } {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { error: 'a message on /ws/live is JSON: {"type":"subscribe","stations":[…]}' };
  }
  const m = message as Partial<LiveSubscribe> | null;
  if (!m || typeof m !== 'object' || m.type !== 'subscribe') return { error: 'type: only "subscribe" is understood' };
  if (!Array.isArray(m.stations) || !m.stations.every((s) => typeof s === 'string' && s.length > 0 && s.length <= 64))
    return { error: 'stations: a list of station ids (1–64 characters each)' };
  if (m.stations.length > MAX_FOLLOWED_STATIONS)
    return { error: `stations: at most ${MAX_FOLLOWED_STATIONS} at a time` };
  return { type: 'subscribe', stations: m.stations };
}

export type BusState = 'connected' | 'disconnected' | 'not_configured';

/**
 * `ws://host:3000/ws/live?access_token=…` (a viewer's token): the whole site in one socket. On
 * connect a snapshot of every item; then, every CONSOLE_LIVE_FLUSH_MS, the items that changed
 * (the latest value of each); and the apps' health whenever it changes.
 *
 * Stations are the exception: a site may have thousands, and a page shows a few dozen. A browser
 * gets a station's status and meters only once it has asked for that station
 * (`{"type":"subscribe","stations":[…]}`, which replaces the previous list; the current values of
 * the newly followed stations come at once), and the site-wide `station_totals` always.
 */
@Injectable()
export class LiveGateway implements OnApplicationShutdown {
  private readonly logger = new Logger('console:live');
  private server: WebSocketServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busState: BusState;
  private unsubscribe: (() => void) | null = null;
  private readonly behind = new WeakSet<WebSocket>();
  /** The stations each browser follows. */
  private readonly followed = new WeakMap<WebSocket, Set<string>>();

  constructor(
    @Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig,
    private readonly bus: LiveBusService,
    private readonly upstreams: UpstreamHealthService,
    private readonly settings: AuthSettings,
    private readonly verifier: TokenVerifier,
    private readonly metrics: MetricsService,
  ) {
    this.busState = bus.enabled ? 'disconnected' : 'not_configured';
  }

  private allowed(request: IncomingMessage): Promise<boolean> {
    return upgradeAllowed(this.settings, this.verifier, request, 'viewer');
  }

  attach(http: Server): void {
    const clients = this.metrics.gauge('console_live_clients', 'Browsers connected to /ws/live');
    this.server = new WebSocketServer({
      server: http,
      path: LIVE_PATH,
      maxPayload: 64 * 1024,
      verifyClient: (info, done) => {
        void this.allowed(info.req).then((ok) => (ok ? done(true) : done(false, 401, 'Unauthorized')));
      },
    });
    this.server.on('connection', (socket) => {
      clients.set(this.server?.clients.size ?? 0);
      this.followed.set(socket, new Set());
      this.sendSnapshot(socket, this.currentBusState());
      socket.on('message', (data: Buffer, isBinary: boolean) =>
        this.onMessage(socket, isBinary ? '' : data.toString()),
      );
      socket.on('close', () => clients.set(this.server?.clients.size ?? 0));
      socket.on('error', (error) => this.logger.debug(`client error: ${error.message}`));
    });
    this.unsubscribe = this.upstreams.onChange((apps) => this.broadcast({ type: 'apps', apps, bus: this.busState }));
    this.timer = setInterval(() => this.flush(), this.config.liveFlushMs);
    this.timer.unref();
  }

  private onMessage(socket: WebSocket, text: string): void {
    const message = parseSubscribe(text);
    if ('error' in message) {
      this.send(socket, { type: 'error', detail: message.error });
      return;
    }
    const before = this.followed.get(socket) ?? new Set<string>();
    const now = new Set(message.stations);
    this.followed.set(socket, now);
    const added = [...now].filter((id) => !before.has(id));
    const items = this.bus.state.stationItems(added);
    if (items.length > 0) this.send(socket, { type: 'update', items });
  }

  /** Every item but the stations', and the stations' this browser follows. */
  private sendSnapshot(socket: WebSocket, bus: BusState): void {
    const items = this.bus.state.snapshot().filter((item) => stationOf(item) === null);
    items.push(...this.bus.state.stationItems(this.followed.get(socket) ?? []));
    this.send(socket, { type: 'snapshot', items, apps: this.upstreams.all(), bus });
  }

  private currentBusState(): BusState {
    if (!this.bus.enabled) return 'not_configured';
    return this.bus.connected ? 'connected' : 'disconnected';
  }

  flush(): void {
    const bus = this.currentBusState();
    if (bus !== this.busState) {
      this.busState = bus;
      this.broadcast({ type: 'apps', apps: this.upstreams.all(), bus });
    }
    const items = this.bus.state.takeChanges();
    if (items.length === 0) return;
    const common: LiveItem[] = [];
    const byStation = new Map<string, LiveItem[]>();
    for (const item of items) {
      const station = stationOf(item);
      if (station === null) common.push(item);
      else {
        const list = byStation.get(station);
        if (list) list.push(item);
        else byStation.set(station, [item]);
      }
    }
    if (byStation.size === 0) {
      this.broadcast({ type: 'update', items: common });
      return;
    }
    // Each browser its own frame: the common items and the changes of the stations it follows.
    this.broadcast((socket) => {
      const own = [...common];
      for (const station of this.followed.get(socket) ?? []) own.push(...(byStation.get(station) ?? []));
      return own.length > 0 ? { type: 'update', items: own } : null;
    });
  }

  private send(socket: WebSocket, frame: LiveFrame): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  /** One frame to every browser, or each its own (null: nothing for that one). */
  private broadcast(frame: LiveFrame | ((socket: WebSocket) => LiveFrame | null)): void {
    if (!this.server || this.server.clients.size === 0) return;
    const shared = typeof frame === 'function' ? null : JSON.stringify(frame);
    for (const socket of this.server.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      // A browser that cannot keep up (4 MB queued) skips frames rather than growing our memory,
      // and gets a whole snapshot once it has caught up, so no item stays stale.
      if (socket.bufferedAmount >= MAX_BUFFERED_BYTES) {
        this.behind.add(socket);
      } else if (this.behind.delete(socket)) {
        this.sendSnapshot(socket, this.busState);
      } else if (shared !== null) {
        socket.send(shared);
      } else if (typeof frame === 'function') {
        const own = frame(socket);
        if (own) socket.send(JSON.stringify(own));
      }
    }
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.unsubscribe?.();
    for (const socket of this.server?.clients ?? []) socket.close(1001, 'server shutting down');
    this.server?.close();
  }
}
