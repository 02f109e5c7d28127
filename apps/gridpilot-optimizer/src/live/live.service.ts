import { Inject, Injectable } from '@nestjs/common';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { OptimizerService } from '../optimization/optimizer.service';
import { PricesService } from '../prices/prices.service';
import { r2, r3 } from '../round';
import { Uptime } from '../system/uptime';
import type { LiveMessageDto } from './live.dto';

/** Document 003's live message: the price and its trend, what is left of the site, the last allocation. */
@Injectable()
export class LiveService {
  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly prices: PricesService,
    private readonly optimizer: OptimizerService,
    private readonly inventory: InventoryService,
    private readonly dispatcher: DispatchService,
    private readonly uptime: Uptime,
  ) {}

  message(): LiveMessageDto {
    const latest = this.prices.latest();
    const recent = latest ? this.prices.hourly(2).values : [];
    const reference = recent.at(-1);
    const trend =
      !latest || reference === undefined
        ? 'unknown'
        : latest.energyPrice > reference * 1.02
          ? 'rising'
          : latest.energyPrice < reference * 0.98
            ? 'falling'
            : 'stable';
    const last = this.optimizer.last;
    const used = this.dispatcher.last?.order.consumptionKw ?? 0;
    return {
      timestamp: isoSeconds(),
      prices: { current: latest?.energyPrice ?? null, trend },
      inventory: {
        power_available: r2(this.config.site.powerKw - used),
        battery_soc: r3(this.inventory.battery().soc),
      },
      allocation: last?.allocation ?? {},
      system_metrics: {
        last_optimization_time: last ? r3(last.processingMs / 1000) : null,
        total_allocation_kw: last ? r2(last.totalKw) : 0,
        constraints_satisfied: last?.constraintsSatisfied ?? null,
        uptime: this.uptime.seconds,
      },
    };
  }
}
