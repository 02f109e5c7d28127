import { AddressInfo, Server, Socket, createServer, connect } from 'node:net';

/**
 * A TCP proxy in front of a real service, so a test can take the service away from an app and
 * give it back (an outage) without stopping the machine's shared server.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly upstreams = new Map<Socket, Socket>();
  private paused = false;
  port = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => {
      const upstream = connect(this.targetPort, this.targetHost);
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => s.destroy());
      }
      client.pipe(upstream);
      if (!this.paused) upstream.pipe(client);
      this.upstreams.set(upstream, client);
      upstream.on('close', () => this.upstreams.delete(upstream));
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.port;
  }

  /** Cuts every connection and stops accepting new ones: the service is "down". */
  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await new Promise((resolve) => (this.server ? this.server.close(resolve) : resolve(undefined)));
    this.server = null;
  }

  /** Holds back everything the service sends, keeping the connections open (a stalled peer). */
  pause(): void {
    this.paused = true;
    for (const [upstream, client] of this.upstreams) upstream.unpipe(client);
  }

  /** Delivers what was held back and goes on forwarding. */
  resume(): void {
    this.paused = false;
    for (const [upstream, client] of this.upstreams) upstream.pipe(client);
  }

  /** Brings the service back on the same port. */
  restart(): Promise<number> {
    return this.start(this.port);
  }
}
