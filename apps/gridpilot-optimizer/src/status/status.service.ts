import { Inject, Injectable } from '@nestjs/common';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { DatabaseConnection } from '@lib/persistence';
import { ControlLoopService } from '../cycle/control-loop.service';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { SiteLink } from '../site-link';
import { LiveDataGateway } from '../live/live-data.gateway';
import { OptimizerService } from '../optimization/optimizer.service';
import { PricesService } from '../prices/prices.service';
import { r2, r3 } from '../round';
import { Uptime } from '../system/uptime';
import type { StatusDto } from './status.dto';

/**
 * The status: whether prices, the plant, the database and the bus answer; the last optimization;
 * the control loop's and the dispatcher's counters; the BESS link.
 */
@Injectable()
export class StatusService {
  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly prices: PricesService,
    private readonly optimizer: OptimizerService,
    private readonly inventory: InventoryService,
    private readonly dispatcher: DispatchService,
    private readonly control: ControlLoopService,
    private readonly link: SiteLink,
    private readonly database: DatabaseConnection,
    private readonly battery: BatteryLinkService,
    private readonly live: LiveDataGateway,
    private readonly uptime: Uptime,
  ) {}

  async status(): Promise<StatusDto> {
    const last = this.optimizer.last;
    const pricesAvailable = this.prices.latest() !== null;
    const plant = this.inventory.plant ? await this.inventory.plantReading() : null;
    const degraded = !pricesAvailable || !this.database.connected || (this.inventory.plant !== null && plant === null);
    const uptime = this.uptime.seconds;
    return {
      status: degraded ? 'degraded' : 'operational',
      timestamp: isoSeconds(),
      api_connectivity: {
        overall_status: degraded ? 'degraded' : 'operational',
        prices_available: pricesAvailable,
        api_key_configured: this.inventory.plant !== null,
        price_source: this.prices.source.name,
        price_error: this.prices.lastError,
        plant_reachable: plant !== null,
        plant_error: this.inventory.plantError,
        database_connected: this.database.connected,
        bus: { transport: this.link.bus.transport, connected: this.link.bus.connected },
        mqtt_connected: this.link.mqtt?.connected ?? false,
      },
      system_metrics: {
        last_optimization_time: last ? r3(last.processingMs / 1000) : null,
        last_optimization_at: last ? isoSeconds(last.at) : null,
        total_allocation_kw: last ? r2(last.totalKw) : 0,
        constraints_satisfied: last?.constraintsSatisfied ?? null,
        uptime,
      },
      performance_summary: {
        forecaster_ready: this.prices.hourly(48).values.length >= 48,
        last_data_update: this.prices.lastRefresh !== null,
        last_data_update_at: this.prices.lastRefresh ? isoSeconds(this.prices.lastRefresh) : null,
        websocket_clients: this.live.clients,
        uptime_seconds: uptime,
        last_allocation_kw: last ? r2(last.totalKw) : 0,
      },
      control_loop: {
        enabled: this.control.enabled,
        period_s: this.config.control.periodMs / 1000,
        ticks: this.control.ticks,
        holds: this.control.holds,
        adjustments: this.control.adjustments,
      },
      dispatch: {
        count: this.dispatcher.count,
        failed: this.dispatcher.failed,
        last_status: this.dispatcher.last?.status ?? null,
        last_at: this.dispatcher.last ? isoSeconds(this.dispatcher.last.at) : null,
      },
      battery: this.battery.view(),
    };
  }
}
