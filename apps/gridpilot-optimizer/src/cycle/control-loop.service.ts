import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { FlexibleLoadConfig, GridpilotConfig } from '../gridpilot-optimizer.config';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { DispatchRecord, DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { OptimizerService } from '../optimization/optimizer.service';
import { BudgetSplit, splitBudget } from '../optimization/split';
import { batterySetPointKw } from '../dispatch/limits';
import { CycleService, controlLoopEnabled } from './cycle.service';
import { LoadTimers } from './load-timers';

/** The auction's split among the loads, and the site power it takes (cooling included). */
type LoadSplit = BudgetSplit & { flexibleKw: number };

/**
 * Follows generation between optimizations. Every CONTROL_PERIOD_S it reads the plant; while the
 * net export is inside its band it does nothing (the band is the dead band). Outside it, it aims
 * for the middle of the band: the flexible power budget is re-split by the auction, keeping the
 * battery where the last plan put it as long as the loads can follow. When they cannot (generation
 * falls below what they must run, or rises above what they can take), a BESS in the plan takes
 * the difference within its power and SOC limits, and returns to the plan's power as soon as the
 * loads can follow again: one move out and one move back per swing, no hunting. Loads keep their
 * timers (LoadTimers). Its orders go through the cycle's one dispatch path (CycleService.apply),
 * which moves the timers and the SOC estimate.
 */
@Injectable()
export class ControlLoopService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('control');
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  ticks = 0;
  holds = 0;
  adjustments = 0;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly inventory: InventoryService,
    private readonly optimizer: OptimizerService,
    private readonly dispatch: DispatchService,
    private readonly battery: BatteryLinkService,
    private readonly cycle: CycleService,
    private readonly timers: LoadTimers,
  ) {}

  get enabled(): boolean {
    return controlLoopEnabled(this.config, this.inventory);
  }

  onModuleInit(): void {
    if (!this.enabled) return;
    this.timer = setInterval(() => void this.tick(), this.config.control.periodMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /**
   * The auction's split of `budgetKw` among the loads the timers let run, and the site power it
   * takes (cooling included); a load inside its minimum on time keeps at least its minimum.
   */
  private splitLoads(
    loads: FlexibleLoadConfig[],
    gates: Map<string, { allowed: boolean; forced: boolean }>,
    budgetKw: number,
  ): LoadSplit {
    const { coolingRatio } = this.config.site;
    const split = splitBudget(loads, budgetKw, coolingRatio, (l) => gates.get(l.name)?.allowed ?? true);
    // A load inside its minimum on time keeps at least its minimum (or a sliver when that is 0).
    for (const load of loads) {
      if (gates.get(load.name)?.forced && (split.allocation[load.name] ?? 0) <= 1e-6) {
        const kw = Math.max(load.minKw, Math.min(load.maxKw, this.timers.lastKw(load.name)));
        split.allocation[load.name] = kw;
        if (load.cooled) split.allocation.cooling += kw * coolingRatio;
      }
    }
    const flexibleKw = loads.reduce(
      (s, l) => s + (split.allocation[l.name] ?? 0) * (l.cooled ? 1 + coolingRatio : 1),
      0,
    );
    return { ...split, flexibleKw };
  }

  async tick(now = Date.now()): Promise<DispatchRecord | null> {
    if (this.running) return null;
    this.running = true;
    try {
      this.ticks += 1;
      const last = this.optimizer.last;
      const soc = last?.soc ?? this.inventory.battery().soc;
      // A BESS out of the plan is asked, once a period, whether it answers again (not waited for).
      void this.battery.probe(soc, now).catch((error: Error) => this.logger.warn(`BESS probe: ${error.message}`));
      const reading = await this.inventory.plantReading(0);
      if (!reading) return null;
      const { exportMinKw, exportMaxKw, coolingRatio } = this.config.site;
      if (reading.exportedKw >= exportMinKw && reading.exportedKw <= exportMaxKw) {
        this.holds += 1;
        return null;
      }
      // The battery stays where the last plan put it, or at 0 while it is out of the plan…
      const plannedBatteryKw = !this.battery.available ? 0 : (last?.batteryKw ?? 0);
      const baseLoadKw = last?.baseLoadKw ?? 0;
      const target = reading.generationKw - (exportMinKw + exportMaxKw) / 2;
      // EV charging only for the cars plugged in (the sessions ocpp-csms reports).
      const loads = this.inventory.flexibleLoads();
      const gates = new Map(loads.map((l) => [l.name, this.timers.mayRun(l, now)]));
      let batteryKw = plannedBatteryKw;
      let split: LoadSplit | null = null;
      if (this.battery.deviceId && this.battery.available) {
        // …unless the loads cannot follow (a cloud deeper than what they can give up above their
        // minimums and timers, or more sun than they can take): a BESS in the plan takes the rest,
        // within its power and SOC limits, and goes back to the plan once the loads can follow.
        const floorKw = loads
          .filter((l) => gates.get(l.name)?.allowed ?? true)
          .reduce((s, l) => s + l.minKw * (l.cooled ? 1 + coolingRatio : 1), 0);
        split = this.splitLoads(loads, gates, Math.max(floorKw, target - baseLoadKw - plannedBatteryKw));
        const wantedKw = target - baseLoadKw - split.flexibleKw;
        if (Math.abs(wantedKw - plannedBatteryKw) > 1e-3) {
          batteryKw = -batterySetPointKw(this.config.battery, wantedKw, this.inventory.battery().soc) || 0;
          // What the battery cannot take at its limits, the loads do after all (below their minimums).
          if (Math.abs(batteryKw - wantedKw) > 1e-3) split = null;
        }
      }
      split ??= this.splitLoads(loads, gates, Math.max(0, target - baseLoadKw - batteryKw));
      const flexibleKw = split.flexibleKw;
      const consumptionKw = baseLoadKw + flexibleKw + batteryKw;
      const previous = this.dispatch.last?.order.consumptionKw;
      if (previous !== undefined && Math.abs(previous - consumptionKw) < 0.5) {
        // Nothing to change (every load is at a bound or a timer): do not re-send the same orders.
        this.holds += 1;
        return null;
      }
      this.adjustments += 1;
      return await this.cycle.apply(
        {
          allocation: split.allocation,
          batteryKw,
          baseLoadKw,
          consumptionKw,
          constraintsSatisfied: split.minimumsMet,
          soc,
          // The plan's next SOC holds while the battery does what the plan said; else it stays.
          socNext: last && batteryKw === last.batteryKw ? last.socNext : soc,
        },
        'control',
        false,
        now,
      );
    } catch (error) {
      this.logger.warn(`control tick failed: ${(error as Error).message}`);
      return null;
    } finally {
      this.running = false;
    }
  }
}
