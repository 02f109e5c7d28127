import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { GridpilotConfig } from '@lib/config';
import { isoSeconds } from '@lib/contracts';
import { DatabaseConnection } from '@lib/persistence';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { ControlLoopService } from '../dispatch/control-loop.service';
import { DispatchRecord, DispatchService } from '../dispatch/dispatch.service';
import { ForecastService } from '../forecast/forecast.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { SiteLink } from '../inventory/site-link';
import { AllocateOptions, Allocation, OptimizerService } from '../optimization/optimizer.service';
import type { PricePoint } from '../prices/price-point';
import { PricesService } from '../prices/prices.service';
import type { AllocateDto, FullCycleDto } from './dto';

const r2 = (v: number): number => Math.round(v * 100) / 100;
const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const DAY_MS = 86_400_000;
/** How soon the first cycle is tried after start, and again while it cannot run yet. */
const FIRST_CYCLE_RETRY_MS = 2000;

/** Document 003's responses, built from the services; also the background refresh. */
@Injectable()
export class GridpilotService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('gridpilot');
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private firstTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  websocketClients = 0;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly prices: PricesService,
    private readonly forecasts: ForecastService,
    private readonly optimizer: OptimizerService,
    private readonly inventory: InventoryService,
    private readonly dispatcher: DispatchService,
    private readonly control: ControlLoopService,
    private readonly link: SiteLink,
    private readonly database: DatabaseConnection,
    private readonly battery: BatteryLinkService,
  ) {}

  /**
   * A first full cycle as soon as it can run (prices loaded, solver ready), so there is a plan from
   * the start; then every REFRESH_INTERVAL_S (dispatching when the control loop runs).
   */
  onModuleInit(): void {
    const cycle = (): Promise<unknown> => this.runCycle({ simulate: !this.control.enabled }, 'cycle');
    const first = (): void => {
      if (this.stopped) return;
      cycle().then(
        () => this.logger.log('first plan computed'),
        () => (this.firstTimer = setTimeout(first, FIRST_CYCLE_RETRY_MS).unref()),
      );
    };
    this.firstTimer = setTimeout(first, FIRST_CYCLE_RETRY_MS).unref();
    this.timer = setInterval(() => {
      void cycle().catch((error: Error) => this.logger.warn(`background cycle failed: ${error.message}`));
    }, this.config.prices.refreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.firstTimer) clearTimeout(this.firstTimer);
  }

  get uptimeS(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }

  options(dto: AllocateDto): AllocateOptions {
    return {
      horizonHours: dto.forecast_periods ?? this.config.horizon.hours,
      riskAversion: dto.risk_aversion ?? 0.5,
      lambdaDeg: dto.lambda_deg ?? 0.0002,
    };
  }

  root(): Record<string, unknown> {
    return {
      service: 'gridpilot-optimizer',
      description: 'Prices, forecasts, an LP optimizer with a VCG auction, and dispatch (document 003)',
      version: '1.0.0',
      status: 'operational',
      docs: '/docs',
      websocket: '/ws/live-data',
      timestamp: isoSeconds(),
    };
  }

  async status(): Promise<Record<string, unknown>> {
    const last = this.optimizer.last;
    const pricesAvailable = this.prices.latest() !== null;
    const plant = this.inventory.plant ? await this.inventory.plantReading() : null;
    const degraded = !pricesAvailable || !this.database.connected || (this.inventory.plant !== null && plant === null);
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
        uptime: this.uptimeS,
      },
      performance_summary: {
        forecaster_ready: this.prices.hourly(48).values.length >= 48,
        last_data_update: this.prices.lastRefresh !== null,
        last_data_update_at: this.prices.lastRefresh ? isoSeconds(this.prices.lastRefresh) : null,
        websocket_clients: this.websocketClients,
        uptime_seconds: this.uptimeS,
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

  async priceData(hoursBack: number): Promise<Record<string, unknown>> {
    const points = await this.prices.history(hoursBack);
    const vol = rollingVolatility(points);
    const energy = points.map((p) => p.energyPrice);
    return {
      data: points.map((p, i) => ({
        timestamp: isoSeconds(p.at),
        energy_price: p.energyPrice,
        hash_price: p.hashPrice,
        token_price: p.tokenPrice,
        volume: p.volume,
        volatility_24h: r3(vol[i]),
      })),
      metadata: {
        total_records: points.length,
        latest_price: energy.at(-1) ?? null,
        price_range: {
          min: energy.length ? Math.min(...energy) : null,
          max: energy.length ? Math.max(...energy) : null,
        },
        source: this.prices.source.name,
        unit: '$/MWh',
        timestamp: isoSeconds(),
      },
    };
  }

  async inventoryView(): Promise<Record<string, unknown>> {
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

  forecastView(periods: number, advanced: boolean): Record<string, unknown> | null {
    const started = performance.now();
    const f = this.forecasts.forecast(periods, advanced);
    if (!f) return null;
    const mean = f.values.reduce((s, v) => s + v, 0) / f.values.length;
    const sd = Math.sqrt(f.values.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, f.values.length - 1));
    const mape = f.backtest.ensemble.mape;
    return {
      forecast: f.hours.map((at, h) => ({
        timestamp: isoSeconds(at),
        predicted_price: r2(f.values[h]),
        lower_bound: r2(f.lower[h]),
        upper_bound: r2(f.upper[h]),
        uncertainty_energy: r2((f.upper[h] - f.lower[h]) / 2),
        method: 'ensemble',
      })),
      metadata: {
        periods,
        model_type: advanced ? 'advanced' : 'standard',
        methods_used: f.methods,
        features_used: 10,
        history_hours: f.historyHours,
        avg_predicted_price: r2(mean),
        price_volatility: r3(mean === 0 ? 0 : sd / mean),
      },
      backtest: {
        origins: f.backtest.origins,
        horizon_hours: f.backtest.horizon,
        methods: f.backtest.methods.map((m) => ({
          method: m.method,
          mae: r3(m.mae),
          mape: r2(m.mape),
          weight: r3(m.weight),
        })),
        ensemble: { mae: r3(f.backtest.ensemble.mae), mape: r2(f.backtest.ensemble.mape) },
      },
      performance_metrics: {
        processing_time_ms: r2(performance.now() - started),
        model_time_ms: r2(f.computeMs),
        forecast_accuracy: Number.isFinite(mape) ? r3(1 - mape / 100) : 'N/A',
        model_confidence: !Number.isFinite(mape) ? 'low' : mape < 10 ? 'high' : mape < 20 ? 'medium' : 'low',
      },
    };
  }

  allocationView(a: Allocation): Record<string, unknown> {
    const maxKw = this.config.loads.reduce(
      (s, l) => s + l.maxKw * (l.cooled ? 1 + this.config.site.coolingRatio : 1),
      0,
    );
    const first = a.mpc.steps[0];
    return {
      allocation: a.allocation,
      payments: a.payments,
      optimization_metrics: {
        processing_time_ms: r2(a.processingMs),
        social_welfare: a.welfare,
        allocation_efficiency: r3(maxKw > 0 ? a.totalKw / maxKw : 0),
        total_allocation_kw: r2(a.totalKw),
        utilization: r3(a.consumptionKw / this.config.site.powerKw),
      },
      mpc: {
        status: a.mpc.status,
        steps: a.mpc.steps.length,
        step_minutes: this.config.horizon.stepMin,
        objective: r2(a.mpc.objective),
        columns: a.mpc.columns,
        rows: a.mpc.rows,
        build_time_ms: r2(a.mpc.buildMs),
        solve_time_ms: r2(a.mpc.solveMs),
        battery_power_kw: r2(a.batteryKw),
        soc: r3(a.soc),
        soc_next: r3(a.socNext),
        soc_end: r3(a.mpc.steps.at(-1)?.soc ?? a.soc),
        import_kw: r2(first?.importKw ?? 0),
        export_kw: r2(first?.exportKw ?? 0),
        band_violation_kw: r2(first?.bandViolationKw ?? 0),
      },
      notes: a.notes,
      constraints_satisfied: a.constraintsSatisfied,
    };
  }

  async allocate(dto: AllocateDto): Promise<Allocation> {
    return this.optimizer.allocate(this.options(dto));
  }

  /** Dispatches the last allocation (making one first if there is none). */
  async dispatch(origin: 'api' | 'cycle', simulate: boolean, allocation?: Allocation): Promise<DispatchRecord> {
    const a = allocation ?? this.optimizer.last ?? (await this.optimizer.allocate(this.options({})));
    const record = await this.dispatcher.execute(
      {
        allocation: a.allocation,
        batteryKw: a.batteryKw,
        baseLoadKw: a.baseLoadKw,
        consumptionKw: a.consumptionKw,
        constraintsSatisfied: a.constraintsSatisfied,
        soc: a.soc,
        socNext: a.socNext,
      },
      origin,
      simulate,
    );
    if (!simulate) this.control.observe(a.allocation);
    return record;
  }

  dispatchView(record: DispatchRecord): Record<string, unknown> {
    const ratio = this.config.site.coolingRatio;
    const o = record.order;
    return {
      dispatch_result: {
        status: record.status,
        dispatch_id: record.id,
        message: record.message,
        payload: {
          allocation: o.allocation,
          power_requirements: {
            total_power_kw: r2(o.consumptionKw),
            cooling_power_kw: r2(o.allocation.cooling ?? 0),
            battery_power_kw: r2(o.batteryKw),
            base_load_kw: r2(o.baseLoadKw),
          },
          constraints_satisfied: o.constraintsSatisfied,
          system_state: {
            soc: r3(o.soc),
            utilization: r3(o.consumptionKw / this.config.site.powerKw),
            efficiency: r3(this.config.battery.efficiency ** 2),
          },
        },
        cooling_requirements: { cooling_kw: r2(o.allocation.cooling ?? 0), cop: ratio > 0 ? r2(1 / ratio) : null },
        targets: record.targets,
        export_kw: record.exportKw === null ? null : r2(record.exportKw),
      },
      performance_metrics: {
        processing_time_ms: r2(record.processingMs),
        constraints_satisfied: o.constraintsSatisfied,
        total_power_kw: r2(o.consumptionKw),
      },
      timestamp: isoSeconds(record.at),
    };
  }

  /** data → forecast → optimize → dispatch. */
  async runCycle(dto: FullCycleDto, origin: 'api' | 'cycle' = 'api'): Promise<Record<string, unknown>> {
    const started = performance.now();
    await this.prices.refresh();
    const allocation = await this.optimizer.allocate(this.options(dto));
    const built = performance.now();
    const record = await this.dispatch(origin, dto.simulate ?? false, allocation);
    const totalMs = performance.now() - started;
    const success = record.status === 'success' || record.status === 'simulated';
    return {
      cycle_result: {
        success,
        elapsed_time: r3(totalMs / 1000),
        soc: r3(allocation.soc),
        total_power: r2(allocation.totalKw),
        allocation: allocation.allocation,
        revenue: allocation.payments,
        power_requirements: {
          total_power_kw: r2(allocation.consumptionKw),
          cooling_power_kw: r2(allocation.allocation.cooling ?? 0),
          battery_power_kw: r2(allocation.batteryKw),
        },
        constraints_satisfied: allocation.constraintsSatisfied,
        dispatch: { id: record.id, status: record.status, message: record.message, export_kw: record.exportKw },
        notes: allocation.notes,
        performance_metrics: {
          build_time_ms: r2(built - started),
          solve_time_ms: r2(allocation.mpc.solveMs),
          total_time_ms: r2(totalMs),
        },
      },
      performance_metrics: { total_time_ms: r2(totalMs), success },
      timestamp: isoSeconds(),
    };
  }

  /** The WebSocket message of document 003. */
  liveMessage(): Record<string, unknown> {
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
        uptime: this.uptimeS,
      },
    };
  }
}

/** Per point, the coefficient of variation of the energy price over the 24 hours before it. */
export function rollingVolatility(points: readonly PricePoint[]): number[] {
  const out: number[] = [];
  let start = 0;
  let sum = 0;
  let sumSq = 0;
  points.forEach((p, i) => {
    sum += p.energyPrice;
    sumSq += p.energyPrice ** 2;
    while (points[start].at.getTime() <= p.at.getTime() - DAY_MS) {
      sum -= points[start].energyPrice;
      sumSq -= points[start].energyPrice ** 2;
      start += 1;
    }
    const n = i - start + 1;
    const mean = sum / n;
    const variance = n > 1 ? Math.max(0, (sumSq - n * mean * mean) / (n - 1)) : 0;
    out.push(mean === 0 ? 0 : Math.sqrt(variance) / Math.abs(mean));
  });
  return out;
}
