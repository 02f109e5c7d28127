import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadOcppCsmsConfig } from '../apps/ocpp-csms/src/ocpp-csms.config';
import { DEVICE_TOPICS, EvChargerData } from '@lib/contracts';
import { connectAsync } from 'mqtt';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { createCsmsApp } from '../apps/ocpp-csms/src/app.factory';
import { CentralSystemService } from '../apps/ocpp-csms/src/ocpp/central-system.service';
import { testServices } from './services';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { mysqlAdmin, mysqlDatabaseUrl } from './support/infra';

const DB_CSMS = `ev_csms_${process.pid}`;
const DB_IOT = `ev_iot_${process.pid}`;

/**
 * The charging side of the site loop: iot-mock's simulated EV charger (a real OCPP 1.6-J
 * client) dials the real CSMS, charges an EV, reports meter values, and draws no more than the
 * profile the CSMS sends.
 */
describe('simulated EV chargers against the CSMS', () => {
  let csms: NestFastifyApplication;
  let iot: NestFastifyApplication;
  let csmsUrl: string;
  let iotUrl: string;
  const charger = `EVSIM-${process.pid}`;
  const data: EvChargerData[] = [];
  let mqtt: Awaited<ReturnType<typeof connectAsync>>;

  const nextData = async (ok: (m: EvChargerData) => boolean): Promise<EvChargerData> => {
    const since = data.length;
    const found = await eventually(
      () => Promise.resolve(data.slice(since).find(ok)),
      (m) => m !== undefined,
      10_000,
    );
    if (!found) throw new Error('no matching data message');
    return found;
  };
  const command = (body: unknown) =>
    postJson<Record<string, unknown>>(`${iotUrl}/api/v1/devices/${charger}/command`, body);

  beforeAll(async () => {
    for (const db of [DB_CSMS, DB_IOT])
      await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`).then(() => mysqlAdmin(`CREATE DATABASE ${db}`));
    csms = await createCsmsApp(
      loadOcppCsmsConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB_CSMS),
        OCPP_PORT: '0',
      }),
    );
    csmsUrl = await listenOnFreePort(csms);
    // The charger's first dial must find the CSMS's database migrated, or it backs off for a while.
    await eventually(
      () => http(`${csmsUrl}/health/ready`),
      (r) => r.status === 200,
      15_000,
    );
    const ocppPort = csms.get(CentralSystemService).port;
    iot = await createIotMockApp(
      loadIotMockConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        MQTT_URL: testServices.mqttUrl,
        DATABASE_URL: mysqlDatabaseUrl(DB_IOT),
        DEFAULT_DEVICES: 'false',
        SIMULATION_INTERVAL: '0.2',
        CSMS_OCPP_URL: `ws://127.0.0.1:${ocppPort}`,
        EV_METER_INTERVAL_S: '0.3',
        // Only this file's bays get simulated drivers; EVSIM-… is driven by hand.
        EV_DRIVERS: `DRV-${process.pid}-*`,
      }),
    );
    iotUrl = await listenOnFreePort(iot);
    await eventually(
      () => http(`${iotUrl}/health`),
      (r) => r.status === 200,
      15_000,
    );
    mqtt = await connectAsync(testServices.mqttUrl);
    mqtt.on('message', (_t, payload) => data.push(JSON.parse(payload.toString()) as EvChargerData));
    await mqtt.subscribeAsync(DEVICE_TOPICS.data(charger), { qos: 1 });
  });

  afterAll(async () => {
    await mqtt?.endAsync();
    await iot?.close();
    await csms?.close();
    for (const db of [DB_CSMS, DB_IOT]) await mysqlAdmin(`DROP DATABASE IF EXISTS ${db}`);
  });

  it('boots against the CSMS as soon as the device exists', async () => {
    expect(
      (await postJson(`${iotUrl}/api/v1/devices`, { device_type: 'ev_charger', name: 'Bay 1', device_id: charger }))
        .status,
    ).toBe(201);
    const station = await eventually(
      () =>
        http<{ connected: boolean; vendor: string; feature_profiles: string[] | null }>(
          `${csmsUrl}/stations/${charger}`,
        ),
      (r) => r.status === 200 && r.body.feature_profiles !== null,
      10_000,
    );
    expect(station.body).toMatchObject({ connected: true, vendor: 'EnergySite' });
    expect(station.body.feature_profiles).toContain('SmartCharging');
    expect((await nextData((m) => m.ocpp_connected)).ev_connected).toBe(false);
  });

  it('charges a plugged-in EV: a transaction in the CSMS, meter values, SOC rising', async () => {
    const plug = await command({
      command: 'plug_in',
      parameters: { soc_pct: 30, capacity_kwh: 60, max_current_a: 32, phases: 3, id_tag: 'EV-TAG-1' },
    });
    expect(plug.status).toBe(200);
    expect(plug.body).toMatchObject({ success: true, result: { started: true } });
    const charging = await nextData((m) => m.power > 20);
    expect(charging.power).toBeCloseTo(22.08, 1);
    const active = await http<{ transaction_id: number; id_tag: string }[]>(
      `${csmsUrl}/transactions?station_id=${charger}&active=true`,
    );
    expect(active.body).toEqual([
      expect.objectContaining({ id_tag: 'EV-TAG-1', transaction_id: charging.transaction_id }),
    ]);
    const meter = await eventually(
      () =>
        http<{
          connectors: {
            connector_id: number;
            latest_meter: { values: { measurand: string; value: number }[] } | null;
          }[];
        }>(`${csmsUrl}/stations/${charger}`),
      (r) =>
        (r.body.connectors.find((c) => c.connector_id === 1)?.latest_meter?.values ?? []).some(
          (v) => v.measurand === 'Power.Active.Import' && v.value > 20_000,
        ),
    );
    expect(meter.status).toBe(200);
    const later = await nextData((m) => (m.ev_soc_pct ?? 0) > (charging.ev_soc_pct ?? 0));
    expect(later.meter_wh).toBeGreaterThan(charging.meter_wh);
  });

  it('draws no more than the profile the CSMS sends, and reports the same composite schedule', async () => {
    const res = await postJson<{ status: string }>(`${csmsUrl}/stations/${charger}/test_profiles`, {
      scenario: 'peak_shaving',
      max_power_w: 7400,
    });
    expect(res.body.status).toBe('success');
    const limited = await nextData((m) => m.limit_w === 7400);
    const after = await nextData((m) => m.seq > limited.seq);
    expect(after.power).toBeLessThanOrEqual(7.4);
    expect(after.power).toBeGreaterThan(7);
    const q = 'connector_id=1&duration=600';
    const fromStation = await http<{ schedule: { chargingSchedulePeriod: unknown[] } }>(
      `${csmsUrl}/stations/${charger}/composite_schedule?${q}`,
    );
    const fromCsms = await http<{ schedule: { chargingSchedulePeriod: unknown[] } }>(
      `${csmsUrl}/stations/${charger}/composite_schedule?${q}&source=csms`,
    );
    expect(fromStation.body.schedule.chargingSchedulePeriod).toEqual([{ startPeriod: 0, limit: 7400 }]);
    expect(fromCsms.body.schedule.chargingSchedulePeriod).toEqual(fromStation.body.schedule.chargingSchedulePeriod);
  });

  it('follows the site limit as a TxProfile', async () => {
    await http(`${csmsUrl}/site/charging_limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit: 5000 }),
    });
    const m = await nextData((x) => x.limit_w === 5000);
    expect((await nextData((x) => x.seq > m.seq)).power).toBeLessThanOrEqual(5);
    await http(`${csmsUrl}/site/charging_limit`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ limit: null }),
    });
  });

  it('stops the transaction when the EV is unplugged, with its energy', async () => {
    const before = await nextData(() => true);
    const unplug = await command({ command: 'unplug' });
    expect(unplug.body).toMatchObject({ success: true, result: { stopped: true } });
    const tx = await http<{ active: boolean; energy_wh: number; stop_reason: string }>(
      `${csmsUrl}/transactions/${before.transaction_id}`,
    );
    expect(tx.body).toMatchObject({ active: false, stop_reason: 'EVDisconnected' });
    expect(tx.body.energy_wh).toBeGreaterThan(0);
    expect((await nextData((x) => x.transaction_id === null)).power).toBe(0);
  });

  it('simulated drivers: a bay matching EV_DRIVERS gets a car within a minute, as its plan says', async () => {
    interface Plan {
      enabled: boolean;
      time_zone: string;
      sessions: { kind: string; arrive_at: string; depart_at: string; id_tag: string; plugged_in: boolean }[];
    }
    const bay = `DRV-${process.pid}-1`;
    const created = await postJson(`${iotUrl}/api/v1/devices`, {
      device_type: 'ev_charger',
      name: 'Bay 2',
      device_id: bay,
    });
    expect(created.status).toBe(201);
    try {
      const plan = await http<Plan>(`${iotUrl}/api/v1/devices/${bay}/drivers?hours=168`);
      expect(plan.body).toMatchObject({ enabled: true, time_zone: 'UTC' });
      // The demo car, or a commuter or resident already due: there within a minute.
      const [first] = plan.body.sessions;
      expect(Date.parse(first.arrive_at)).toBeLessThan(Date.now() + 60_000);
      expect(Date.parse(first.depart_at)).toBeGreaterThan(Date.now() + 60_000);
      // A week of a site: commuters and residents follow (two days over a weekend may bring none:
      // a quarter of the bays get a car on a weekend day, a third in the evening).
      expect(plan.body.sessions.length).toBeGreaterThan(1);
      const active = await eventually(
        () => http<{ id_tag: string; active: boolean }[]>(`${csmsUrl}/transactions?active=true&station_id=${bay}`),
        (r) => r.status === 200 && r.body.length > 0,
        45_000,
      );
      expect(active.body[0].id_tag).toBe(first.id_tag);
      const now = await http<Plan>(`${iotUrl}/api/v1/devices/${bay}/drivers`);
      expect(now.body.sessions[0]).toMatchObject({ id_tag: first.id_tag, plugged_in: true });
      // The bay driven by hand has no drivers.
      expect((await http<Plan>(`${iotUrl}/api/v1/devices/${charger}/drivers`)).body).toMatchObject({
        enabled: false,
        sessions: [],
      });
      expect((await http(`${iotUrl}/api/v1/devices/${bay}/drivers?hours=-1`)).status).toBe(400);
    } finally {
      await http(`${iotUrl}/api/v1/devices/${bay}`, { method: 'DELETE' });
    }
  }, 70_000);

  it('refuses plug_in on other devices and with bad parameters', async () => {
    expect((await command({ command: 'plug_in', parameters: { soc_pct: 150 } })).status).toBe(400);
    await postJson(`${iotUrl}/api/v1/devices`, { device_type: 'server', name: 's', device_id: `srv-${process.pid}` });
    expect((await postJson(`${iotUrl}/api/v1/devices/srv-${process.pid}/command`, { command: 'plug_in' })).status).toBe(
      400,
    );
  });
});
