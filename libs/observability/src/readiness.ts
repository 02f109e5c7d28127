import { Injectable } from '@nestjs/common';

export interface DependencyState {
  up: boolean;
  /** What an operator needs to see, e.g. the broker URL or the last error. */
  info?: Record<string, string | number | boolean>;
}

export type ReadinessProbe = () => DependencyState | Promise<DependencyState>;

/**
 * Where each module declares the dependencies its app needs to serve (broker, database, cache).
 * `/health/ready` answers 503 while any of them is down.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly probes = new Map<string, ReadinessProbe>();

  register(name: string, probe: ReadinessProbe): void {
    this.probes.set(name, probe);
  }

  async states(): Promise<Record<string, DependencyState>> {
    const entries = await Promise.all(
      [...this.probes].map(async ([name, probe]): Promise<[string, DependencyState]> => {
        try {
          return [name, await probe()];
        } catch (error) {
          return [name, { up: false, info: { error: (error as Error).message } }];
        }
      }),
    );
    return Object.fromEntries(entries);
  }
}
