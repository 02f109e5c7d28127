import { loadGridpilotConfig } from '../gridpilot-optimizer.config';
import { MAX_CONSUMPTION_MW, isoSeconds } from '@lib/contracts';
import { MetricsService } from '@lib/observability';
import type { DatabaseConnection } from '@lib/persistence';
import type { InventoryService } from '../inventory/inventory.service';
import type { PlantReading } from '../inventory/plant-client';
import type { SiteLink } from '../site-link';
import { BatteryLinkService } from './battery-link.service';
import { DispatchOrder, DispatchService } from './dispatch.service';
import { fakeBroker } from './fake-broker';
import { MAX_SITE_CHARGING_LIMIT_W } from './limits';

type Json = Record<string, unknown>;

/**
 * The real dispatcher and BESS link against a broker that acknowledges every command as the
 * device would (applying what it was told), a bus and a plant that record what they receive.
 */
function site() {
  const config = loadGridpilotConfig({
    PLANT_URL: 'http://plant.invalid',
    BESS_DEVICE_ID: 'bess-1',
    DISPATCH_DEVICES: 'inference:server-1,cooling:hvac-1',
    DEVICE_COMMAND_TIMEOUT_MS: '200',
  });
  const commands = new Map<string, Json>();
  // Every device acknowledges, applying what it was told (the BESS: its set-point as it came).
  const { mqtt } = fakeBroker((command, deviceId) => {
    commands.set(deviceId, command);
    const parameters = command.parameters as Json;
    return {
      device_id: deviceId,
      command_id: command.command_id,
      command: command.command,
      timestamp: isoSeconds(),
      success: true,
      result:
        deviceId === 'bess-1'
          ? { status: 'accepted', requested_kw: parameters.power_kw, power_kw: parameters.power_kw }
          : { power: parameters.power },
    };
  });
  const published: Json[] = [];
  const bus = {
    transport: 'redis',
    connected: true,
    publish: (_pattern: string, payload: Json) => Promise.resolve(void published.push(payload)),
  };
  const link = { bus, mqtt } as unknown as SiteLink;
  let consumptionKw: number | null = null;
  const inventory = {
    plant: { setConsumption: (kw: number) => Promise.resolve((consumptionKw = kw)) },
    plantReading: (): Promise<PlantReading> =>
      Promise.resolve({ at: new Date(), generationKw: 0, consumptionKw: consumptionKw ?? 0, exportedKw: 0 }),
  } as unknown as InventoryService;
  const metrics = new MetricsService('gridpilot-test');
  const battery = new BatteryLinkService(config, link, metrics);
  const dispatcher = new DispatchService(
    config,
    inventory,
    link,
    { connected: false } as unknown as DatabaseConnection,
    metrics,
    battery,
  );
  battery.onModuleInit();
  dispatcher.onModuleInit();
  return { config, dispatcher, commands, published, plantKw: () => consumptionKw };
}

const order = (fields: Partial<DispatchOrder>): DispatchOrder => ({
  allocation: {},
  batteryKw: 0,
  baseLoadKw: 0,
  consumptionKw: 0,
  constraintsSatisfied: true,
  soc: 0.5,
  socNext: 0.5,
  ...fields,
});

const powerOf = (command: Json | undefined): unknown => (command?.parameters as Json | undefined)?.power;

describe('every dispatch is clamped to what each device accepts', () => {
  it('absurd powers reach the BESS, the devices, the plant and ocpp-csms inside their limits', async () => {
    const { config, dispatcher, commands, published, plantKw } = site();
    const record = await dispatcher.execute(
      order({
        allocation: { inference: 1e300, cooling: 1e9, ev_charging: 1e300 },
        batteryKw: -1e9,
        consumptionKw: 1e12,
      }),
      'control',
    );
    const inferenceMaxKw = config.loads.find((l) => l.name === 'inference')?.maxKw;
    const cooledMaxKw = config.loads.filter((l) => l.cooled).reduce((s, l) => s + l.maxKw, 0);
    // The battery discharges at most BATTERY_MAX_POWER_KW (BessSetPointCommand: + discharges).
    expect((commands.get('bess-1')?.parameters as Json).power_kw).toBe(config.battery.maxPowerKw);
    expect(powerOf(commands.get('server-1'))).toBe(inferenceMaxKw);
    expect(powerOf(commands.get('hvac-1'))).toBeCloseTo(cooledMaxKw * config.site.coolingRatio, 9);
    expect(plantKw()).toBe(MAX_CONSUMPTION_MW * 1000);
    expect(published).toEqual([{ limit: MAX_SITE_CHARGING_LIMIT_W, unit: 'W' }]);
    expect(record.targets.every((t) => t.ok)).toBe(true);
  });

  it('negative and NaN powers become 0, and the battery does not charge a full battery', async () => {
    const { dispatcher, commands, published, plantKw } = site();
    await dispatcher.execute(
      order({
        allocation: { inference: -50, cooling: Number.NaN, ev_charging: -3 },
        batteryKw: 100,
        consumptionKw: Number.NaN,
        soc: 0.95,
      }),
      'api',
    );
    expect((commands.get('bess-1')?.parameters as Json).power_kw).toBe(0);
    expect(powerOf(commands.get('server-1'))).toBe(0);
    expect(powerOf(commands.get('hvac-1'))).toBe(0);
    expect(plantKw()).toBe(0);
    expect(published).toEqual([{ limit: 0, unit: 'W' }]);
  });
});
