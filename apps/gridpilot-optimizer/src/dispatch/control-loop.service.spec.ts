import { FlexibleLoadConfig, GridpilotConfig, loadGridpilotConfig } from '@lib/config';
import type { InventoryService } from '../inventory/inventory.service';
import type { PlantReading } from '../inventory/plant-client';
import type { OptimizerService } from '../optimization/optimizer.service';
import { ControlLoopService } from './control-loop.service';
import type { DispatchOrder, DispatchService } from './dispatch.service';

const loads: FlexibleLoadConfig[] = [
  { name: 'training', minKw: 0, maxKw: 300, rampKwPerStep: 300, cooled: false, blocks: [{ kw: 300, valuePerMwh: 80 }] },
];

/** The loop with a plant whose generation the test sets, and a dispatcher that records the orders. */
function loop(config: Partial<GridpilotConfig['control']> = {}) {
  const base = loadGridpilotConfig({ PLANT_URL: 'http://plant.invalid', EXPORT_MIN_KW: '0', EXPORT_MAX_KW: '50' });
  const settings: GridpilotConfig = { ...base, loads, control: { ...base.control, ...config } };
  let consumption = 0;
  let generation = 200;
  const orders: DispatchOrder[] = [];
  const inventory = {
    plant: {},
    plantReading: (): Promise<PlantReading> =>
      Promise.resolve({
        at: new Date(),
        generationKw: generation,
        consumptionKw: consumption,
        exportedKw: generation - consumption,
      }),
    battery: () => ({ soc: 0.5 }),
  } as unknown as InventoryService;
  const recorder: { last: { order: DispatchOrder } | null; execute: (order: DispatchOrder) => Promise<unknown> } = {
    last: null,
    execute: (order) => {
      orders.push(order);
      consumption = order.consumptionKw;
      recorder.last = { order };
      return Promise.resolve({ status: 'success', order });
    },
  };
  const dispatcher = recorder as unknown as DispatchService;
  const service = new ControlLoopService(
    settings,
    inventory,
    { last: null } as unknown as OptimizerService,
    dispatcher,
  );
  return {
    service,
    orders,
    setGeneration: (kw: number) => (generation = kw),
    setConsumption: (kw: number) => (consumption = kw),
  };
}

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
});
