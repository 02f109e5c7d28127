import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { GridpilotConfig } from '../gridpilot-optimizer.config';
import { allocateOptions } from '../allocation/allocation.dto';
import { DispatchOrder, DispatchOrigin, DispatchRecord, DispatchService } from '../dispatch/dispatch.service';
import { GRIDPILOT_CONFIG } from '../gridpilot.tokens';
import { InventoryService } from '../inventory/inventory.service';
import { Allocation, OptimizerService } from '../optimization/optimizer.service';
import { PricesService } from '../prices/prices.service';
import type { FullCycleDto } from './cycle.dto';
import { LoadTimers } from './load-timers';

/** How soon the first cycle is tried after start, and again while it cannot run yet. */
const FIRST_CYCLE_RETRY_MS = 2000;

/** The control loop runs with CONTROL_LOOP and a plant to read; the background cycle then dispatches. */
export const controlLoopEnabled = (config: GridpilotConfig, inventory: InventoryService): boolean =>
  config.control.enabled && inventory.plant !== null;

/** What the dispatcher is told of an allocation. */
export const planOrder = (a: Allocation): DispatchOrder => ({
  allocation: a.allocation,
  batteryKw: a.batteryKw,
  baseLoadKw: a.baseLoadKw,
  consumptionKw: a.consumptionKw,
  constraintsSatisfied: a.constraintsSatisfied,
  soc: a.soc,
  socNext: a.socNext,
});

export interface FullCycle {
  allocation: Allocation;
  record: DispatchRecord;
  /** Prices, forecast and the MPC (ms). */
  buildMs: number;
  totalMs: number;
}

/**
 * The control cycle: forecast → optimize → allocate → dispatch → state. The full cycle (every
 * REFRESH_INTERVAL_S, `run-full-cycle`), `dispatch/execute` and each control-loop adjustment
 * (ControlLoopService, between optimizations) all dispatch through `apply`, the one place where a
 * dispatch moves the state: the load timers and the SOC estimate.
 */
@Injectable()
export class CycleService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('gridpilot');
  private timer: NodeJS.Timeout | null = null;
  private firstTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(GRIDPILOT_CONFIG) private readonly config: GridpilotConfig,
    private readonly prices: PricesService,
    private readonly optimizer: OptimizerService,
    private readonly dispatcher: DispatchService,
    private readonly inventory: InventoryService,
    private readonly timers: LoadTimers,
  ) {}

  /**
   * A first full cycle as soon as it can run (prices loaded, solver ready), so there is a plan from
   * the start; then every REFRESH_INTERVAL_S (dispatching when the control loop runs).
   */
  onModuleInit(): void {
    const cycle = (): Promise<unknown> =>
      this.full({ simulate: !controlLoopEnabled(this.config, this.inventory) }, 'cycle');
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

  /** The full cycle: prices → forecast and optimize → dispatch. */
  async full(dto: FullCycleDto, origin: 'api' | 'cycle' = 'api'): Promise<FullCycle> {
    const started = performance.now();
    await this.prices.refresh();
    const allocation = await this.optimizer.allocate(allocateOptions(dto, this.config));
    const built = performance.now();
    const record = await this.apply(planOrder(allocation), origin, dto.simulate ?? false);
    return { allocation, record, buildMs: built - started, totalMs: performance.now() - started };
  }

  /** Dispatches the last allocation (making one first if there is none). */
  async dispatchLast(simulate: boolean): Promise<DispatchRecord> {
    const a = this.optimizer.last ?? (await this.optimizer.allocate(allocateOptions({}, this.config)));
    return this.apply(planOrder(a), 'api', simulate);
  }

  /**
   * Every dispatch goes through here: the order to the targets, then (unless simulated) the state
   * follows what was actually dispatched (after the BESS answered): which loads run since when,
   * and the SOC the plan expects, which the next plan starts from while no BESS reports.
   */
  async apply(
    order: DispatchOrder,
    origin: DispatchOrigin,
    simulate = false,
    now = Date.now(),
  ): Promise<DispatchRecord> {
    const record = await this.dispatcher.execute(order, origin, simulate);
    if (!simulate) {
      this.timers.observe(record.order.allocation, now);
      this.inventory.setSocEstimate(record.order.socNext);
    }
    return record;
  }
}
