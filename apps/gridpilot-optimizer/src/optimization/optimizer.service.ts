import { Inject, Injectable, OnModuleInit, ServiceUnavailableException } from '@nestjs/common';
import type { Highs } from 'highs';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { ForecastService } from '../forecast/forecast.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService, SiteSnapshot } from '../inventory/inventory.service';
import { highsRuntime } from './lp';
import { MpcResult, solveMpc } from './mpc';
import { BudgetSplit, splitBudget } from './split';

/** The share of the export band kept free on each side when planning. */
export const PLANNING_MARGIN = 0.2;

export interface AllocateOptions {
  horizonHours: number;
  riskAversion: number;
  lambdaDeg: number;
}

export interface Allocation extends BudgetSplit {
  at: Date;
  /** Battery power of the first step: positive charging, negative discharging (kW). */
  batteryKw: number;
  /** What the site will draw from the plant (kW): base + loads + cooling + battery. */
  consumptionKw: number;
  baseLoadKw: number;
  generationKw: number | null;
  soc: number;
  socNext: number;
  mpc: MpcResult;
  constraintsSatisfied: boolean;
  processingMs: number;
  notes: string[];
  /** The energy price of each step of the horizon ($/MWh), as the plan used it. */
  stepPrices: number[];
  stepMinutes: number;
}

/** The optimizer: the MPC over the horizon, then the auction of its first step's power budget. */
@Injectable()
export class OptimizerService implements OnModuleInit {
  private highs: Highs | null = null;
  last: Allocation | null = null;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly forecasts: ForecastService,
    private readonly inventory: InventoryService,
    private readonly batteryLink: BatteryLinkService,
  ) {}

  async onModuleInit(): Promise<void> {
    this.highs = await highsRuntime();
  }

  get ready(): boolean {
    return this.highs !== null;
  }

  async allocate(options: AllocateOptions, site?: SiteSnapshot): Promise<Allocation> {
    const started = performance.now();
    if (!this.highs) throw new ServiceUnavailableException('The LP solver is still loading');
    const snapshot = site ?? (await this.inventory.snapshot());
    const now = new Date();
    const forecast = this.forecasts.forecast(options.horizonHours, false, now);
    if (!forecast) throw new ServiceUnavailableException('No price history yet; the first refresh has not completed');
    const { stepMin } = this.config.horizon;
    const steps = Math.round((options.horizonHours * 60) / stepMin);
    const { price, sigma } = this.forecasts.perStep(forecast, steps, stepMin, now);
    const notes: string[] = [];
    const generation = snapshot.plant?.generationKw ?? null;
    if (generation === null)
      notes.push(`no plant reading (${snapshot.plantError ?? 'unknown'}); generation taken as 0`);
    const battery = snapshot.battery;
    // A BESS that refused, timed out or cannot be reached is planned at 0 kW until it answers again.
    const batteryMaxKw = this.batteryLink.available ? battery.maxPowerKw : 0;
    if (!this.batteryLink.available) {
      notes.push(`battery ${this.batteryLink.deviceId ?? ''} ${this.batteryLink.state}: planned at 0 kW`);
    }
    // EV charging is planned for the cars that are plugged in (the sessions ocpp-csms reports).
    const loads = this.inventory.flexibleLoads();
    const currentKw: Record<string, number> = {};
    for (const load of loads) currentKw[load.name] = this.last?.allocation[load.name] ?? load.minKw;
    const margin = (this.config.site.exportMaxKw - this.config.site.exportMinKw) * PLANNING_MARGIN;
    const mpc = solveMpc(this.highs, {
      steps,
      stepHours: stepMin / 60,
      price,
      priceUncertainty: sigma,
      // Generation random-walks: its best forecast is the current value (persistence).
      generationKw: Array<number>(steps).fill(generation ?? 0),
      baseLoadKw: Array<number>(steps).fill(snapshot.baseLoadKw),
      loads,
      currentKw,
      coolingRatio: this.config.site.coolingRatio,
      battery: { ...this.config.battery, capacityKwh: battery.capacityKwh, maxPowerKw: batteryMaxKw },
      soc0: battery.soc,
      // Plan inside the band with a margin of a fifth of its width on each side, so the export stays in
      // it while generation moves between two control ticks.
      site: {
        ...this.config.site,
        exportMinKw: this.config.site.exportMinKw + margin,
        exportMaxKw: this.config.site.exportMaxKw - margin,
      },
      riskAversion: options.riskAversion,
      lambdaDeg: options.lambdaDeg,
    });
    const first = mpc.steps[0];
    if (mpc.status !== 'optimal' || !first) notes.push(`the LP ended ${mpc.status}; loads held at their minimums`);
    const budget = first
      ? Object.values(first.loadsKw).reduce((s, v) => s + v, 0) + first.coolingKw
      : loads.reduce((s, l) => s + l.minKw * (l.cooled ? 1 + this.config.site.coolingRatio : 1), 0);
    const split = splitBudget(loads, budget, this.config.site.coolingRatio);
    if (first && first.bandViolationKw > 1e-6) {
      notes.push(
        `export leaves the band [${this.config.site.exportMinKw}, ${this.config.site.exportMaxKw}] kW by ${first.bandViolationKw.toFixed(1)} kW: target unreachable`,
      );
    }
    if (mpc.terminalShortfallKwh > 0.5) {
      notes.push(
        `the plan ends ${mpc.terminalShortfallKwh.toFixed(1)} kWh below the SOC it starts from (${mpc.terminalTargetSoc.toFixed(3)}): the horizon cannot refill the battery without leaving the export band`,
      );
    }
    if (!split.minimumsMet) notes.push('the budget does not cover every load minimum');
    const batteryKw = first ? first.chargeKw - first.dischargeKw : 0;
    const allocation: Allocation = {
      ...split,
      at: now,
      batteryKw,
      consumptionKw: snapshot.baseLoadKw + split.totalKw + batteryKw,
      baseLoadKw: snapshot.baseLoadKw,
      generationKw: generation,
      soc: battery.soc,
      socNext: first?.soc ?? battery.soc,
      mpc,
      constraintsSatisfied: mpc.constraintsSatisfied && split.minimumsMet,
      processingMs: performance.now() - started,
      notes,
      stepPrices: price,
      stepMinutes: stepMin,
    };
    this.last = allocation;
    return allocation;
  }
}
