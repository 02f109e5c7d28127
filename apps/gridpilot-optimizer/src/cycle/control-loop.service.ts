import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { GridpilotConfig } from '@lib/config';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { DispatchRecord, DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { OptimizerService } from '../optimization/optimizer.service';
import { splitBudget } from '../optimization/split';
import { CycleService, controlLoopEnabled } from './cycle.service';
import { LoadTimers } from './load-timers';

/**
 * Follows generation between optimizations. Every CONTROL_PERIOD_S it reads the plant; while the
 * net export is inside its band it does nothing (the band is the dead band). Outside it, it aims
 * for the middle of the band: the flexible power budget is re-split by the auction, keeping the
 * battery where the last plan put it, within the load timers (LoadTimers). Its orders go through
 * the cycle's one dispatch path (CycleService.apply), which moves the timers and the SOC estimate.
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
      // The battery stays where the last plan put it, or at 0 while it is out of the plan.
      const batteryKw = !this.battery.available ? 0 : (last?.batteryKw ?? 0);
      const baseLoadKw = last?.baseLoadKw ?? 0;
      const target = reading.generationKw - (exportMinKw + exportMaxKw) / 2;
      const budget = Math.max(0, target - baseLoadKw - batteryKw);
      // EV charging only for the cars plugged in (the sessions ocpp-csms reports).
      const loads = this.inventory.flexibleLoads();
      const gates = new Map(loads.map((l) => [l.name, this.timers.mayRun(l, now)]));
      const split = splitBudget(loads, budget, coolingRatio, (l) => gates.get(l.name)?.allowed ?? true);
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
