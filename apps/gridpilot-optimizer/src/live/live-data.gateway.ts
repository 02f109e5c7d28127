import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocket, WebSocketServer } from 'ws';
import { AuthSettings, TokenVerifier, upgradeAllowed } from '@lib/auth';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { LiveService } from './live.service';

export const LIVE_DATA_PATH = '/ws/live-data';

/** `ws://host:PORT/ws/live-data`: document 003's live message to every client, every WS_INTERVAL_S (and on connect). */
@Injectable()
export class LiveDataGateway implements OnApplicationShutdown {
  private readonly logger = new Logger('live-data');
  private server: WebSocketServer | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly live: LiveService,
    private readonly settings: AuthSettings,
    private readonly verifier: TokenVerifier,
  ) {}

  /**
   * A viewer's token, in the Authorization header or (browsers cannot set headers on a WebSocket)
   * as `?access_token=`.
   */
  private allowed(request: IncomingMessage): Promise<boolean> {
    return upgradeAllowed(this.settings, this.verifier, request, 'viewer');
  }

  /** The clients connected now (the status shows it). */
  get clients(): number {
    return this.server?.clients.size ?? 0;
  }

  attach(http: Server): void {
    this.server = new WebSocketServer({
      server: http,
      path: LIVE_DATA_PATH,
      maxPayload: 4096,
      verifyClient: (info, done) => {
        void this.allowed(info.req).then((ok) => (ok ? done(true) : done(false, 401, 'Unauthorized')));
      },
    });
    this.server.on('connection', (socket) => {
      this.send(socket, JSON.stringify(this.live.message()));
      socket.on('error', (error) => this.logger.debug(`client error: ${error.message}`));
    });
    this.timer = setInterval(() => this.broadcast(), this.config.wsIntervalMs);
    this.timer.unref();
  }

  private send(socket: WebSocket, message: string): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(message);
  }

  broadcast(): void {
    if (!this.server || this.server.clients.size === 0) return;
    const message = JSON.stringify(this.live.message());
    for (const socket of this.server.clients) this.send(socket, message);
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    for (const socket of this.server?.clients ?? []) socket.close(1001, 'server shutting down');
    this.server?.close();
  }
}
