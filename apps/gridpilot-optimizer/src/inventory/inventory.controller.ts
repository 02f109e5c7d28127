import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@lib/auth';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { isoSeconds } from '@lib/contracts';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { OptimizerService } from '../optimization/optimizer.service';
import { PricesService } from '../prices/prices.service';
import { r2, r3 } from '../round';
import { InventoryDto } from './inventory.dto';
import { InventoryService } from './inventory.service';

@ApiTags('data')
@RequireRole('viewer')
@Controller('api/v1/data')
export class InventoryController {
  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly inventory: InventoryService,
    private readonly optimizer: OptimizerService,
    private readonly dispatcher: DispatchService,
    private readonly battery: BatteryLinkService,
    private readonly prices: PricesService,
  ) {}

  @Get('inventory')
  @ApiOperation({ summary: 'Site power, battery, compute, generation, EV and device loads' })
  @ApiOkResponse({ type: InventoryDto })
  async inventoryView(): Promise<InventoryDto> {
    const site = await this.inventory.snapshot();
    const last = this.optimizer.last;
    const usedKw = this.dispatcher.last?.order.consumptionKw ?? site.plant?.consumptionKw ?? site.baseLoadKw;
    const total = this.config.site.powerKw;
    const compute = this.config.loads.filter((l) => l.cooled);
    const computeMax = compute.reduce((s, l) => s + l.maxKw, 0);
    const computeNow = compute.reduce((s, l) => s + (last?.allocation[l.name] ?? 0), 0);
    const alerts: string[] = [];
    if (site.plantError) alerts.push(`plant: ${site.plantError}`);
    if (site.battery.source === 'estimate') alerts.push('battery: no BESS telemetry; SOC is the plan estimate');
    if (!this.battery.available)
      alerts.push(`battery: BESS ${this.battery.deviceId ?? ''} ${this.battery.state}; planned at 0 kW`);
    if (!this.prices.latest()) alerts.push('prices: no data yet');
    return {
      power: {
        total_kw: total,
        available_kw: r2(total - usedKw),
        used_kw: r2(usedKw),
        utilization: r3(usedKw / total),
      },
      battery: {
        soc: r3(site.battery.soc),
        capacity_mwh: r3(site.battery.capacityKwh / 1000),
        max_power_kw: site.battery.maxPowerKw,
        source: site.battery.source,
      },
      gpu: {
        utilization: computeMax > 0 ? r3(computeNow / computeMax) : 0,
        cooling_load_kw: r2(last?.allocation.cooling ?? 0),
      },
      generation: site.plant
        ? {
            generation_kw: r2(site.plant.generationKw),
            consumption_kw: r2(site.plant.consumptionKw),
            exported_kw: r2(site.plant.exportedKw),
            timestamp: isoSeconds(site.plant.at),
          }
        : null,
      ev: {
        source: 'ocpp-csms',
        charging_kw: r2(site.evChargingKw),
        flexible_kw: r2(site.evFlexibleKw),
        chargers: site.evChargers,
        sessions: site.evSessions,
        stations: site.evStations.map((s) => ({
          station_id: s.stationId,
          charging_kw: r2(s.chargingKw),
          sessions: s.sessions,
        })),
      },
      devices: {
        reporting: site.deviceCount,
        unsteered_load_kw: r2(site.baseLoadKw),
        steered_load_kw: r2(site.steeredLoadKw),
      },
      operational: {
        temperature: site.temperatureC === null ? null : r2(site.temperatureC),
        efficiency: r3(this.config.battery.efficiency ** 2),
        status: alerts.length === 0 ? 'operational' : 'degraded',
        alerts,
      },
      timestamp: isoSeconds(),
    };
  }
}
