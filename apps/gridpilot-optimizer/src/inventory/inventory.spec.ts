import { EventEmitter } from 'node:events';
import { loadGridpilotConfig } from '../gridpilot-optimizer.config';
import { DEVICE_TOPICS, STATION_TOPICS, StationMeterMessage, StationStatusMessage, isoSeconds } from '@lib/contracts';
import type { MqttConnection } from '@lib/messaging';
import { MetricsService } from '@lib/observability';
import { EV_STATION_STALE_MS, EvStations } from './ev-stations';
import { InventoryService } from './inventory.service';
import type { SiteLink } from '../site-link';

/** The broker side of SiteLink: messages are handed to the service as mqtt.js would. */
function fakeLink(): { link: SiteLink; deliver: (topic: string, body: unknown) => void } {
  const client = Object.assign(new EventEmitter(), { subscribe: () => undefined });
  const mqtt = { client, connected: true, onEveryConnect: (action: () => void) => action() };
  const link = { mqtt: mqtt as unknown as MqttConnection } as unknown as SiteLink;
  return {
    link,
    deliver: (topic, body) => client.emit('message', topic, Buffer.from(JSON.stringify(body))),
  };
}

const reading = (deviceId: string, powerKw: number, deviceType?: string): Record<string, unknown> => ({
  device_id: deviceId,
  timestamp: isoSeconds(),
  power: powerKw,
  voltage: 400,
  current: 10,
  energy: 1,
  status: 'online',
  enabled: true,
  seq: 1,
  ...(deviceType ? { device_type: deviceType } : {}),
});

const status = (stationId: string, connected: boolean, at = new Date()): StationStatusMessage => ({
  station_id: stationId,
  connected,
  connectors: [{ connector_id: 1, status: 'Charging', error_code: 'NoError', transaction_id: 7, id_tag: 'TAG' }],
  timestamp: at.toISOString(),
});

const meter = (stationId: string, powerW: number, at = new Date()): StationMeterMessage => ({
  station_id: stationId,
  connector_id: 1,
  transaction_id: 7,
  power_w: powerW,
  energy_wh: 1000,
  session_energy_wh: 100,
  soc_pct: null,
  timestamp: at.toISOString(),
});

describe('inventory: every load counted', () => {
  const make = (env: Record<string, string> = {}) => {
    const { link, deliver } = fakeLink();
    const config = loadGridpilotConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env });
    const inventory = new InventoryService(config, link, new MetricsService('gridpilot-optimizer'));
    inventory.onModuleInit();
    return { inventory, deliver };
  };

  it('counts base load by the device_type of the telemetry, whatever the id looks like', async () => {
    const { inventory, deliver } = make({ DISPATCH_DEVICES: 'inference:rack-A' });
    // None of these ids is shaped mock-<type>-nnn.
    deliver(DEVICE_TOPICS.data('building.hvac'), reading('building.hvac', 12, 'hvac'));
    deliver(DEVICE_TOPICS.data('Lights_East'), reading('Lights_East', 3, 'lighting'));
    deliver(DEVICE_TOPICS.data('press7'), reading('press7', 40, 'industrial'));
    // A document 002 sender that names no type is a load all the same.
    deliver(DEVICE_TOPICS.data('kettle'), reading('kettle', 2));
    // The steered device is flexibility, not base load.
    deliver(DEVICE_TOPICS.data('rack-A'), reading('rack-A', 100, 'server'));
    const snapshot = await inventory.snapshot();
    expect(snapshot.baseLoadKw).toBeCloseTo(57, 6);
    expect(snapshot.steeredLoadKw).toBeCloseTo(100, 6);
    expect(snapshot.deviceCount).toBe(5);
  });

  it('takes the type from the body, not from an id shaped mock-<type>-nnn', async () => {
    const { inventory, deliver } = make();
    deliver(DEVICE_TOPICS.data('mock-hvac-001'), reading('mock-hvac-001', 25, 'server'));
    expect((await inventory.snapshot()).baseLoadKw).toBeCloseTo(25, 6);
    expect(inventory.reported('mock-hvac-001')?.type).toBe('server');
  });

  it('takes EV load from the station messages of ocpp-csms, not from ev_charger telemetry', async () => {
    const { inventory, deliver } = make();
    deliver(DEVICE_TOPICS.data('ev-sim-1'), {
      ...reading('ev-sim-1', 11, 'ev_charger'),
      ocpp_connected: true,
      transaction_id: 3,
      ev_connected: true,
      ev_soc_pct: 40,
      ev_capacity_kwh: 60,
      limit_w: 11_000,
      max_power_w: 22_000,
      meter_wh: 5000,
    });
    deliver(STATION_TOPICS.status('CP-1'), status('CP-1', true));
    deliver(STATION_TOPICS.meter('CP-1'), meter('CP-1', 7400));
    const snapshot = await inventory.snapshot();
    expect(snapshot.evChargingKw).toBeCloseTo(7.4, 6);
    expect(snapshot.evFlexibleKw).toBeCloseTo(7.4, 6);
    expect(snapshot.evChargers).toBe(1);
    expect(snapshot.evSessions).toBe(1);
    // The simulated charger's own telemetry (valid, and taken) is neither EV load nor base load.
    expect(inventory.malformed).toBe(0);
    expect(inventory.reported('ev-sim-1')?.type).toBe('ev_charger');
    expect(snapshot.baseLoadKw).toBe(0);
  });

  it('counts a malformed station message as malformed and keeps what it knew', async () => {
    const { inventory, deliver } = make();
    deliver(STATION_TOPICS.meter('CP-2'), meter('CP-2', 3000));
    deliver(STATION_TOPICS.meter('CP-2'), { ...meter('CP-2', 3000), power_w: -1e12 });
    deliver(STATION_TOPICS.status('CP-2'), { ...status('CP-2', false), station_id: 'CP-3' });
    expect(inventory.malformed).toBe(2);
    expect((await inventory.snapshot()).evChargingKw).toBeCloseTo(3, 6);
  });
});

describe('EvStations', () => {
  const t0 = Date.parse('2026-01-01T12:00:00Z');

  it('sums the measured power of connected stations', () => {
    const ev = new EvStations();
    ev.status(status('A', true, new Date(t0)), t0);
    ev.meter(meter('A', 7000, new Date(t0)), t0);
    ev.meter({ ...meter('B', 11000, new Date(t0)), connector_id: 2 }, t0);
    expect(ev.load(t0 + 1000)).toMatchObject({ chargingKw: 18, flexibleKw: 18, stations: 2, sessions: 2 });
    expect(ev.load(t0 + 1000).byStation).toEqual([
      { stationId: 'A', chargingKw: 7, sessions: 1 },
      { stationId: 'B', chargingKw: 11, sessions: 1 },
    ]);
  });

  it('counts a station that disconnects as 0 at once', () => {
    const ev = new EvStations();
    ev.meter(meter('A', 7000, new Date(t0)), t0);
    ev.status(status('A', false, new Date(t0 + 500)), t0 + 500);
    expect(ev.load(t0 + 1000)).toEqual({ chargingKw: 0, flexibleKw: 0, stations: 0, sessions: 0, byStation: [] });
  });

  it('counts a station whose messages stopped for more than 2 minutes as 0', () => {
    const ev = new EvStations();
    ev.status(status('A', true, new Date(t0)), t0);
    ev.meter(meter('A', 7000, new Date(t0)), t0);
    expect(ev.load(t0 + EV_STATION_STALE_MS - 1000).chargingKw).toBe(7);
    expect(ev.load(t0 + EV_STATION_STALE_MS + 1000)).toEqual({
      chargingKw: 0,
      flexibleKw: 0,
      stations: 0,
      sessions: 0,
      byStation: [],
    });
  });

  it('takes a retained status by its own time: an old one counts no session', () => {
    const ev = new EvStations();
    const old = new Date(t0 - 10 * 60_000);
    ev.status(status('A', true, old), t0);
    expect(ev.load(t0).sessions).toBe(0);
  });

  it('ends with power 0 at the stop, and ignores a reading older than the one it has', () => {
    const ev = new EvStations();
    ev.meter(meter('A', 7000, new Date(t0)), t0);
    ev.meter(meter('A', 0, new Date(t0 + 1000)), t0 + 1000);
    ev.meter(meter('A', 9000, new Date(t0 + 500)), t0 + 1200);
    expect(ev.load(t0 + 2000).chargingKw).toBe(0);
  });
});
