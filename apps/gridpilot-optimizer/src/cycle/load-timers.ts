import { Inject, Injectable } from '@nestjs/common';
import type { FlexibleLoadConfig, GridpilotConfig } from '../gridpilot-optimizer.config';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';

interface LoadState {
  on: boolean;
  since: number;
  kw: number;
}

/**
 * Which loads run and since when, from what was dispatched (every dispatch of the cycle, the
 * control loop's too): a load that runs stays on for MIN_ON_S, one that stopped stays off for
 * MIN_OFF_S, so loads do not flap with every wobble of generation.
 */
@Injectable()
export class LoadTimers {
  private readonly states = new Map<string, LoadState>();

  constructor(@Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig) {}

  /** Records what was dispatched. */
  observe(allocation: Record<string, number>, at = Date.now()): void {
    for (const load of this.config.loads) {
      const kw = allocation[load.name] ?? 0;
      const on = kw > 1e-6;
      const state = this.states.get(load.name);
      if (!state || state.on !== on) this.states.set(load.name, { on, since: at, kw });
      else state.kw = kw;
    }
  }

  /** Whether a load may run in the next allocation, and whether it must (inside its minimum on time). */
  mayRun(load: FlexibleLoadConfig, now: number): { allowed: boolean; forced: boolean } {
    const state = this.states.get(load.name);
    if (!state) return { allowed: true, forced: false };
    if (state.on) return { allowed: true, forced: now - state.since < this.config.control.minOnMs };
    return { allowed: now - state.since >= this.config.control.minOffMs, forced: false };
  }

  /** What the load drew in the last dispatch (kW). */
  lastKw(load: string): number {
    return this.states.get(load)?.kw ?? 0;
  }
}
