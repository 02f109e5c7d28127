import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConsoleConfig, ConsoleUpstream, ConsoleUpstreamName } from '../console.config';
import { CONSOLE_CONFIG } from '../console.tokens';

export type UpstreamState = 'up' | 'degraded' | 'down' | 'unknown';

export interface UpstreamHealth {
  /** The console's path segment: `/api/<name>/…`. */
  name: ConsoleUpstreamName;
  app: string;
  state: UpstreamState;
  /** The dependencies the app reports down on its /health/ready (e.g. `database`). */
  down: string[];
  checked_at: string | null;
}

/**
 * Asks every app for its `/health/ready` every CONSOLE_HEALTH_INTERVAL_MS: `up` (200), `degraded`
 * (503: it answers, but a dependency of its own is down), `down` (no answer). The page shows which
 * app is away and keeps showing the rest.
 */
@Injectable()
export class UpstreamHealthService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('console:upstreams');
  private readonly states = new Map<ConsoleUpstreamName, UpstreamHealth>();
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(all: UpstreamHealth[]) => void>();

  constructor(@Inject(CONSOLE_CONFIG) private readonly config: ConsoleConfig) {
    for (const u of config.upstreams) {
      this.states.set(u.name, { name: u.name, app: u.app, state: 'unknown', down: [], checked_at: null });
    }
  }

  onModuleInit(): void {
    void this.checkAll();
    this.timer = setInterval(() => void this.checkAll(), this.config.healthIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  all(): UpstreamHealth[] {
    return [...this.states.values()];
  }

  onChange(listener: (all: UpstreamHealth[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async checkAll(): Promise<UpstreamHealth[]> {
    const results = await Promise.all(this.config.upstreams.map((u) => this.check(u)));
    let changed = false;
    for (const health of results) {
      const before = this.states.get(health.name);
      if (before?.state !== health.state || before.down.join() !== health.down.join()) {
        changed = true;
        // Transitions only: at start every app is still coming up.
        if (before && before.state !== 'unknown')
          this.logger.log(`${health.app}: ${health.state}${health.down.length ? ` (${health.down.join(', ')})` : ''}`);
      }
      this.states.set(health.name, health);
    }
    if (changed) for (const listener of this.listeners) listener(this.all());
    return this.all();
  }

  private async check(upstream: ConsoleUpstream): Promise<UpstreamHealth> {
    const base = { name: upstream.name, app: upstream.app, checked_at: new Date().toISOString() };
    try {
      const response = await fetch(`${upstream.url}/health/ready`, { signal: AbortSignal.timeout(3000) });
      const body = (await response.json().catch(() => ({}))) as { details?: Record<string, { status?: string }> };
      const down = Object.entries(body.details ?? {})
        .filter(([, d]) => d.status === 'down')
        .map(([name]) => name);
      return { ...base, state: response.ok ? 'up' : 'degraded', down };
    } catch {
      return { ...base, state: 'down', down: [] };
    }
  }
}
