import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthSettings, TokenVerifier, upgradeAllowed } from '@lib/auth';
import type { ConsoleConfig } from '@lib/config';
import { MetricsService } from '@lib/observability';
import { CONSOLE_CONFIG } from '../console.tokens';
import { UpstreamHealthService } from '../upstreams/upstream-health.service';
import { LiveBusService } from './live-bus.service';
import type { LiveItem } from './live-state';

export const LIVE_PATH = '/ws/live';
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** What the browser receives on `/ws/live`. */
export type LiveFrame =
  | { type: 'snapshot'; items: LiveItem[]; apps: ReturnType<UpstreamHealthService['all']>; bus: BusState }
  | { type: 'update'; items: LiveItem[] }
  | { type: 'apps'; apps: ReturnType<UpstreamHealthService['all']>; bus: BusState };

export type BusState = 'connected' | 'disconnected' | 'not_configured';

/**
 * `ws://host:3000/ws/live?access_token=…` (a viewer's token): the whole site in one socket. On
 * connect a snapshot of every item; then, every CONSOLE_LIVE_FLUSH_MS, the items that changed
 * (the latest value of each); and the apps' health whenever it changes.
 */
@Injectable()
export class LiveGateway implements OnApplicationShutdown {
  private readonly logger = new Logger('console:live');
  private server: WebSocketServer | null = null;
  private timer: NodeJS.Timeout | null = null;
  private busState: BusState;
  private unsubscribe: (() => void) | null = null;
  private readonly behind = new WeakSet<WebSocket>();

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
      maxPayload: 4096,
      verifyClient: (info, done) => {
        void this.allowed(info.req).then((ok) => (ok ? done(true) : done(false, 401, 'Unauthorized')));
      },
    });
    this.server.on('connection', (socket) => {
      clients.set(this.server?.clients.size ?? 0);
      this.send(socket, {
        type: 'snapshot',
        items: this.bus.state.snapshot(),
        apps: this.upstreams.all(),
        bus: this.currentBusState(),
      });
      socket.on('close', () => clients.set(this.server?.clients.size ?? 0));
      socket.on('error', (error) => this.logger.debug(`client error: ${error.message}`));
    });
    this.unsubscribe = this.upstreams.onChange((apps) => this.broadcast({ type: 'apps', apps, bus: this.busState }));
    this.timer = setInterval(() => this.flush(), this.config.liveFlushMs);
    this.timer.unref();
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
    if (items.length > 0) this.broadcast({ type: 'update', items });
  }

  private send(socket: WebSocket, frame: LiveFrame): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  private broadcast(frame: LiveFrame): void {
    if (!this.server || this.server.clients.size === 0) return;
    const text = JSON.stringify(frame);
    for (const socket of this.server.clients) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      // A browser that cannot keep up (4 MB queued) skips frames rather than growing our memory,
      // and gets a whole snapshot once it has caught up, so no item stays stale.
      if (socket.bufferedAmount >= MAX_BUFFERED_BYTES) {
        this.behind.add(socket);
      } else if (this.behind.delete(socket)) {
        this.send(socket, {
          type: 'snapshot',
          items: this.bus.state.snapshot(),
          apps: this.upstreams.all(),
          bus: this.busState,
        });
      } else {
        socket.send(text);
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
