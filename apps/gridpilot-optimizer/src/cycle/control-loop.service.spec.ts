import { FlexibleLoadConfig, GridpilotConfig, loadGridpilotConfig } from '../gridpilot-optimizer.config';
import { MetricsService } from '@lib/observability';
import type { DatabaseConnection } from '@lib/persistence';
import type { InventoryService } from '../inventory/inventory.service';
import type { PlantReading } from '../inventory/plant-client';
import type { SiteLink } from '../site-link';
import type { Allocation, OptimizerService } from '../optimization/optimizer.service';
import type { PricesService } from '../prices/prices.service';
import { BatteryLinkService } from '../dispatch/battery-link.service';
import { DispatchOrder, DispatchService } from '../dispatch/dispatch.service';
import { ControlLoopService } from './control-loop.service';
import { CycleService } from './cycle.service';
import { LoadTimers } from './load-timers';

const loads: FlexibleLoadConfig[] = [
  { name: 'training', minKw: 0, maxKw: 300, rampKwPerStep: 300, cooled: false, blocks: [{ kw: 300, valuePerMwh: 80 }] },
];

/**
 * The cycle and its control loop with a plant whose generation the test sets, the real dispatcher
 * (no broker, no database: records wait in memory), an inventory that keeps the SOC estimate and
 * an optimizer whose plan the test sets.
 */
function loop(
  config: Partial<GridpilotConfig['control']> = {},
  env: Record<string, string> = {},
  siteLoads: FlexibleLoadConfig[] = loads,
) {
  const base = loadGridpilotConfig({
    PLANT_URL: 'http://plant.invalid',
    EXPORT_MIN_KW: '0',
    EXPORT_MAX_KW: '50',
    ...env,
  });
  const settings: GridpilotConfig = { ...base, loads: siteLoads, control: { ...base.control, ...config } };
  let consumption = 0;
  let generation = 200;
  let socEstimate = 0.5;
  const orders: DispatchOrder[] = [];
  const inventory = {
    plant: {
      setConsumption: (kw: number): Promise<number> => {
        consumption = kw;
        return Promise.resolve(kw);
      },
    },
    plantReading: (): Promise<PlantReading> =>
      Promise.resolve({
        at: new Date(),
        generationKw: generation,
        consumptionKw: consumption,
        exportedKw: generation - consumption,
      }),
    battery: () => ({ soc: socEstimate }),
    // No CSMS on the bus in these tests: the configured bounds stand.
    flexibleLoads: () => settings.loads,
    setSocEstimate: (soc: number) => (socEstimate = soc),
  } as unknown as InventoryService;
  const link = { bus: { transport: 'none', connected: false }, mqtt: null } as unknown as SiteLink;
  const metrics = new MetricsService('gridpilot-test');
  const battery = new BatteryLinkService(settings, link, metrics);
  const dispatcher = new DispatchService(
    settings,
    inventory,
    link,
    { connected: false } as unknown as DatabaseConnection,
    metrics,
    battery,
  );
  const execute = dispatcher.execute.bind(dispatcher);
  dispatcher.execute = (order, origin, simulate) => {
    orders.push(order);
    return execute(order, origin, simulate);
  };
  const optimizer = {
    last: null as Partial<Allocation> | null,
    allocate: (): Promise<Partial<Allocation> | null> => Promise.resolve(optimizer.last),
  };
  const prices = { refresh: (): Promise<void> => Promise.resolve() } as unknown as PricesService;
  const timers = new LoadTimers(settings);
  const cycle = new CycleService(
    settings,
    prices,
    optimizer as unknown as OptimizerService,
    dispatcher,
    inventory,
    timers,
  );
  const service = new ControlLoopService(
    settings,
    inventory,
    optimizer as unknown as OptimizerService,
    dispatcher,
    battery,
    cycle,
    timers,
  );
  return {
    service,
    cycle,
    timers,
    orders,
    battery,
    dispatcher,
    optimizer,
    socEstimate: () => socEstimate,
    setSoc: (soc: number) => (socEstimate = soc),
    setGeneration: (kw: number) => (generation = kw),
    setConsumption: (kw: number) => (consumption = kw),
  };
}

/** A plan that charges the battery at 100 kW and expects the SOC to rise from 0.5 to 0.52. */
const chargingPlan: Partial<Allocation> = { batteryKw: 100, baseLoadKw: 0, soc: 0.5, socNext: 0.52 };

/** The same plan as a full cycle makes it: 50 kW of training, the battery charging at 100 kW. */
const fullPlan = (soc: number, socNext: number): Partial<Allocation> => ({
  allocation: { training: 50, cooling: 0 },
  payments: {},
  batteryKw: 100,
  baseLoadKw: 0,
  consumptionKw: 150,
  constraintsSatisfied: true,
  soc,
  socNext,
});

describe('control loop', () => {
  it('does nothing while the export is inside its band (the dead band)', async () => {
    const { service, orders, setConsumption } = loop();
    setConsumption(170); // exporting 30 kW of 200
    expect(await service.tick()).toBeNull();
    expect(orders).toHaveLength(0);
    expect(service.holds).toBe(1);
  });

  it('outside the band, steers the loads to bring the export to the middle of the band', async () => {
    const { service, orders } = loop();
    await service.tick(); // exporting all 200 kW
    expect(orders).toHaveLength(1);
    expect(orders[0].consumptionKw).toBeCloseTo(175, 6);
    expect(orders[0].allocation.training).toBeCloseTo(175, 6);
  });

  it('keeps a load on for its minimum on time, and off for its minimum off time', async () => {
    const { service, orders, setGeneration } = loop({ minOnMs: 60_000, minOffMs: 60_000 });
    const t0 = 1_000_000;
    await service.tick(t0);
    expect(orders.at(-1)?.allocation.training).toBeCloseTo(175, 6);
    // Generation collapses 10 s later: the load may not stop yet, so it keeps running (at what it drew).
    setGeneration(10);
    await service.tick(t0 + 10_000);
    expect(orders.at(-1)?.allocation.training).toBeGreaterThan(0);
    // After its minimum on time it stops.
    await service.tick(t0 + 70_000);
    expect(orders.at(-1)?.allocation.training).toBe(0);
    // Generation comes back 10 s later: it may not restart before its minimum off time…
    setGeneration(200);
    await service.tick(t0 + 80_000);
    expect(orders.at(-1)?.allocation.training ?? 0).toBe(0);
    // …and does after it.
    await service.tick(t0 + 140_000);
    expect(orders.at(-1)?.allocation.training).toBeCloseTo(175, 6);
  });

  it('a control-loop dispatch moves the SOC estimate as a full cycle does', async () => {
    const { service, optimizer, orders, socEstimate } = loop();
    optimizer.last = chargingPlan;
    expect(socEstimate()).toBe(0.5);
    const record = await service.tick();
    expect(record?.origin).toBe('control');
    expect(orders[0].batteryKw).toBe(100);
    // Before the fix the control path left the estimate where it was (0.5) while the battery charged.
    expect(socEstimate()).toBe(0.52);
  });

  it('a BESS that cannot be reached is planned around: 0 kW, the plant told so, the status says why', async () => {
    const { service, optimizer, battery, socEstimate } = loop({}, { BESS_DEVICE_ID: 'bess-unit-1' });
    optimizer.last = chargingPlan;
    expect(battery.available).toBe(true);
    const first = await service.tick();
    // The set-point could not go out (no broker): the dispatch counts the battery at 0 kW.
    expect(first?.status).toBe('partial');
    expect(first?.targets[0]).toMatchObject({ target: 'bess:bess-unit-1', ok: false, detail: { requested_kw: -100 } });
    // 175 kW planned (75 kW of load + 100 kW of charging); the plant is told 75 kW.
    expect(first?.order.batteryKw).toBe(0);
    expect(first?.order.consumptionKw).toBeCloseTo(75, 6);
    expect(socEstimate()).toBe(0.5);
    expect(battery.available).toBe(false);
    expect(battery.view()).toMatchObject({
      device_id: 'bess-unit-1',
      state: 'offline',
      planned_around: true,
      last_error: 'MQTT broker unavailable',
    });
    // The next control step no longer counts on the battery the last plan wanted.
    const second = await service.tick();
    expect(second?.targets[0]).toMatchObject({
      ok: false,
      error: 'planned at 0 kW while the BESS is offline (MQTT broker unavailable)',
    });
    expect(second?.order.batteryKw).toBe(0);
    expect(second?.order.allocation.training).toBeCloseTo(175, 6);
    expect(second?.order.consumptionKw).toBeCloseTo(175, 6);
  });

  describe('with a BESS that takes its set-points', () => {
    /** One load that must run 100 kW, a plan charging the battery at 100 kW, and a BESS that acknowledges what it is sent. */
    const site = (soc = 0.5) => {
      const mustRun: FlexibleLoadConfig[] = [
        {
          name: 'training',
          minKw: 100,
          maxKw: 300,
          rampKwPerStep: 300,
          cooled: false,
          blocks: [{ kw: 300, valuePerMwh: 80 }],
        },
      ];
      const l = loop({ minOnMs: 0, minOffMs: 0 }, { BESS_DEVICE_ID: 'bess-unit-1' }, mustRun);
      l.optimizer.last = chargingPlan;
      l.setSoc(soc);
      const setPoints: number[] = [];
      l.battery.dispatch = (batteryKw: number) => {
        setPoints.push(batteryKw);
        return Promise.resolve({ target: { target: 'bess:bess-unit-1', ok: true, detail: {} }, appliedKw: batteryKw });
      };
      return { ...l, setPoints };
    };

    it('keeps the battery at the plan while the loads can follow', async () => {
      const { service, orders, setGeneration } = site();
      setGeneration(400);
      await service.tick();
      // 375 kW to consume: 100 kW into the battery as planned, 275 kW to the load.
      expect(orders.at(-1)).toMatchObject({ batteryKw: 100, consumptionKw: 375, socNext: 0.52 });
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(275, 6);
    });

    it('a cloud deeper than the loads can give up: the BESS discharges the rest, then goes back to the plan', async () => {
      const { service, orders, setGeneration, setPoints } = site();
      setGeneration(400);
      await service.tick();
      // Generation falls to 100 kW: the load goes down to the 100 kW it must run, 25 kW short of
      // the 75 kW the band wants consumed; before the fix the battery kept charging at 100 kW and
      // the load was cut below its minimum, to 0, to pay for it (export 0 kW, at the edge of the band).
      setGeneration(100);
      await service.tick();
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(100, 6);
      expect(orders.at(-1)?.batteryKw).toBeCloseTo(-25, 6);
      expect(orders.at(-1)?.consumptionKw).toBeCloseTo(75, 6);
      // The plan's SOC does not hold while the battery does something else.
      expect(orders.at(-1)?.socNext).toBe(0.5);
      // The sun is back: the battery returns to the plan's 100 kW of charging, the load takes the rest.
      setGeneration(400);
      await service.tick();
      expect(orders.at(-1)).toMatchObject({ batteryKw: 100, consumptionKw: 375 });
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(275, 6);
      // One move out, one move back: charge, discharge, charge.
      expect(setPoints.map(Math.sign)).toEqual([1, -1, 1]);
    });

    it('more sun than the loads can take: the BESS charges more, up to its power', async () => {
      const { service, orders, setGeneration } = site();
      setGeneration(700);
      await service.tick();
      // 675 kW to consume, the load takes its 300 kW, the battery the rest up to 250 kW.
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(300, 6);
      expect(orders.at(-1)?.batteryKw).toBe(250);
      expect(orders.at(-1)?.consumptionKw).toBeCloseTo(550, 6);
    });

    it('a load held on by its minimum on time stays on through the cloud; the BESS covers it too', async () => {
      const twoLoads: FlexibleLoadConfig[] = [
        {
          name: 'training',
          minKw: 100,
          maxKw: 300,
          rampKwPerStep: 300,
          cooled: false,
          blocks: [{ kw: 300, valuePerMwh: 80 }],
        },
        {
          name: 'ev_charging',
          minKw: 0,
          maxKw: 50,
          rampKwPerStep: 50,
          cooled: false,
          blocks: [{ kw: 50, valuePerMwh: 70 }],
        },
      ];
      const { service, orders, setGeneration, optimizer, battery } = loop(
        { minOnMs: 60_000, minOffMs: 60_000 },
        { BESS_DEVICE_ID: 'bess-unit-1' },
        twoLoads,
      );
      optimizer.last = chargingPlan;
      battery.dispatch = (batteryKw: number) =>
        Promise.resolve({ target: { target: 'bess:bess-unit-1', ok: true, detail: {} }, appliedKw: batteryKw });
      const t0 = 1_000_000;
      setGeneration(450);
      await service.tick(t0);
      expect(orders.at(-1)?.allocation).toMatchObject({ training: 300, ev_charging: 25 });
      // 10 s later a cloud: training goes down to its 100 kW, EV charging may not stop yet (25 kW).
      setGeneration(100);
      await service.tick(t0 + 10_000);
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(100, 6);
      expect(orders.at(-1)?.allocation.ev_charging).toBeCloseTo(25, 6);
      expect(orders.at(-1)?.batteryKw).toBeCloseTo(-50, 6);
      expect(orders.at(-1)?.consumptionKw).toBeCloseTo(75, 6);
    });

    it('a battery at its lowest SOC does not discharge: the load is cut below its minimum instead', async () => {
      const { service, orders, setGeneration } = site(0.1);
      setGeneration(100);
      await service.tick();
      expect(orders.at(-1)?.batteryKw).toBe(0);
      expect(orders.at(-1)?.allocation.training).toBeCloseTo(75, 6);
      expect(orders.at(-1)?.constraintsSatisfied).toBe(false);
    });
  });
});

describe('the cycle: one dispatch path for the full cycle, dispatch/execute and the control loop', () => {
  it('a full cycle and then a control-loop adjustment both move the SOC estimate and the load timers', async () => {
    const { cycle, service, optimizer, timers, orders, socEstimate, setGeneration } = loop({ minOnMs: 60_000 });
    const training = loads[0];
    optimizer.last = fullPlan(0.5, 0.52);
    const full = await cycle.full({});
    expect(full.record.origin).toBe('api');
    expect(orders[0].allocation.training).toBe(50);
    expect(socEstimate()).toBe(0.52);
    // The timers saw training start: it may not stop within its minimum on time.
    expect(timers.mayRun(training, Date.now())).toEqual({ allowed: true, forced: true });
    expect(timers.lastKw('training')).toBe(50);
    // Generation rises to 400 kW (250 kW exported): the control loop re-splits and dispatches the same way.
    setGeneration(400);
    optimizer.last = { ...chargingPlan, soc: 0.52, socNext: 0.54 };
    const adjustment = await service.tick();
    expect(adjustment?.origin).toBe('control');
    expect(orders).toHaveLength(2);
    expect(socEstimate()).toBe(0.54);
    // 375 kW for the middle of the band, 100 kW of it charging the battery.
    expect(timers.lastKw('training')).toBeCloseTo(275, 6);
  });

  it('dispatch/execute takes the same path', async () => {
    const { cycle, optimizer, timers, socEstimate } = loop();
    optimizer.last = fullPlan(0.5, 0.51);
    const record = await cycle.dispatchLast(false);
    expect(record.origin).toBe('api');
    expect(socEstimate()).toBe(0.51);
    expect(timers.lastKw('training')).toBe(50);
  });

  it('a simulated cycle sends nothing and moves nothing', async () => {
    const { cycle, optimizer, timers, socEstimate } = loop();
    optimizer.last = fullPlan(0.5, 0.52);
    const full = await cycle.full({ simulate: true });
    expect(full.record.status).toBe('simulated');
    expect(socEstimate()).toBe(0.5);
    expect(timers.mayRun(loads[0], Date.now())).toEqual({ allowed: true, forced: false });
    expect(timers.lastKw('training')).toBe(0);
  });
});
