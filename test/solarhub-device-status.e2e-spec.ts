import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectAsync } from 'mqtt';
import { loadIotMockConfig } from '../apps/iot-mock/src/iot-mock.config';
import { loadSolarhubConfig } from '../apps/solarhub-api/src/solarhub-api.config';
import { SERVICE_TOPICS } from '@lib/contracts';
import { createIotMockApp } from '../apps/iot-mock/src/app.factory';
import { IotMqttService } from '../apps/iot-mock/src/mqtt/iot-mqtt.service';
import { testServices } from './services';
import { eventually, http, listenOnFreePort, postJson } from './support/http';
import { ingestEnv, mysqlAdmin, mysqlDatabaseUrl } from './support/infra';
import { createSolarhubApp } from '../apps/solarhub-api/src/app.factory';

// Unique per run: other suites (and other people's) share the broker.
const TAG = `${process.pid}-${Date.now() % 1_000_000}`;
const SERVICE = `iot-e2e-${TAG}`;
const DB = `solarhub_status_${process.pid}`;
const IOT_DB = join(tmpdir(), `iot-status-${TAG}.sqlite`);
const DEVICES = {
  [`dst-${TAG}-bess-1`]: 'bess',
  [`dst-${TAG}-meter-1`]: 'meter',
  [`dst-${TAG}-inverter-1`]: 'pv_inverter',
  [`dst-${TAG}-server-1`]: 'server',
  // Unit 12: the PCS view below reads it (the other suites' PCS ids name no unit this high).
  [`dst-${TAG}-pcs-12`]: 'pcs',
} as const;
const IDS = Object.keys(DEVICES);

interface StatusView {
  device_id: string;
  device_type: string | null;
  service: string;
  status: 'online' | 'offline';
  reason: string | null;
  fault: string | null;
}
interface StatusList {
  devices: StatusView[];
  services: { service: string; status: string }[];
}

async function startIotMock(): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await createIotMockApp(
    loadIotMockConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      MQTT_URL: testServices.mqttUrl,
      DATABASE_URL: `sqlite:${IOT_DB}`,
      DEFAULT_DEVICES: 'false',
      SIMULATION_INTERVAL: '0.5',
      IOT_SERVICE_NAME: SERVICE,
      EV_DRIVERS: '',
    }),
  );
  const url = await listenOnFreePort(app);
  await eventually(
    () => http<{ mqtt_connected: boolean }>(`${url}/health`),
    (r) => r.status === 200 && r.body.mqtt_connected,
    15_000,
  );
  return { app, url };
}

describe('solarhub-api: device statuses from the bus, and a dead iot-mock takes its devices offline', () => {
  let solarhub: NestFastifyApplication;
  let url: string;
  let iot: { app: NestFastifyApplication; url: string } | null = null;

  const ours = async (): Promise<StatusView[]> => {
    const res = await http<StatusList>(`${url}/api/v1/devices/status`);
    return res.body.devices.filter((d) => IDS.includes(d.device_id));
  };
  const allAre = (status: 'online' | 'offline') => (list: StatusView[]) =>
    list.length === IDS.length && list.every((d) => d.status === status);

  beforeAll(async () => {
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    await mysqlAdmin(`CREATE DATABASE ${DB}`);
    solarhub = await createSolarhubApp(
      loadSolarhubConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: mysqlDatabaseUrl(DB),
        MQTT_URL: testServices.mqttUrl,
        ...ingestEnv(),
        PCS_NUMBER: '12',
        INGEST_FLUSH_MS: '200',
      }),
    );
    url = await listenOnFreePort(solarhub);
    await eventually(
      () => http(`${url}/health/ready`),
      (r) => r.status === 200,
      20_000,
    );
    iot = await startIotMock();
    for (const [device_id, device_type] of Object.entries(DEVICES)) {
      const created = await postJson(`${iot.url}/api/v1/devices`, { device_id, device_type, name: device_id });
      expect(created.status).toBe(201);
    }
  }, 60_000);

  afterAll(async () => {
    if (iot) {
      // Deleting a device clears its retained status.
      for (const id of IDS) await http(`${iot.url}/api/v1/devices/${id}`, { method: 'DELETE' });
      await iot.app.close();
    }
    const client = await connectAsync(testServices.mqttUrl, { clientId: `status-e2e-clean-${TAG}` });
    await client.publishAsync(SERVICE_TOPICS.status(SERVICE), '', { retain: true, qos: 1 });
    await client.endAsync();
    await solarhub?.close();
    await mysqlAdmin(`DROP DATABASE IF EXISTS ${DB}`);
    rmSync(IOT_DB, { force: true });
  });

  it('shows every device online, BESS, meter and inverter included, with its type and service', async () => {
    const list = await eventually(ours, allAre('online'));
    expect(list.map((d) => [d.device_id, d.device_type, d.service]).sort()).toEqual(
      Object.entries(DEVICES)
        .map(([id, type]) => [id, type, SERVICE])
        .sort(),
    );
    const one = await http<StatusView>(`${url}/api/v1/devices/${IDS[0]}/status`);
    expect(one.body).toMatchObject({ device_id: IDS[0], status: 'online', reason: null });
    expect((await http(`${url}/api/v1/devices/never-seen-${TAG}/status`)).status).toBe(404);
  });

  it('shows a device in an offline fault offline, and online again once cleared', async () => {
    const meter = `dst-${TAG}-meter-1`;
    const command = (body: object) => postJson(`${iot?.url}/api/v1/devices/${meter}/command`, body);
    expect((await command({ command: 'inject_fault', parameters: { fault: 'offline' } })).status).toBe(200);
    const down = await eventually(
      () => http<StatusView>(`${url}/api/v1/devices/${meter}/status`),
      (r) => r.body.status === 'offline',
    );
    expect(down.body).toMatchObject({ reason: 'device', fault: 'offline' });
    expect((await command({ command: 'clear_fault' })).status).toBe(200);
    await eventually(
      () => http<StatusView>(`${url}/api/v1/devices/${meter}/status`),
      (r) => r.body.status === 'online',
    );
  });

  it('marks all its devices offline at once when iot-mock dies (its last will), and online when it is back', async () => {
    // Its PCS is online in the PCS view: fresh telemetry, and its status says so.
    const pcs = `${url}/api/v1/pcs/12`;
    await eventually(
      () => http<{ online: boolean }>(pcs),
      (r) => r.status === 200 && r.body.online,
      15_000,
    );
    // The process dies: its broker connection drops without a DISCONNECT, so the broker sends the will.
    iot?.app.get(IotMqttService).connection.client.end(true);
    const down = await eventually(ours, allAre('offline'), 10_000);
    expect(down.every((d) => d.reason === 'service_offline')).toBe(true);
    const services = (await http<StatusList>(`${url}/api/v1/devices/status`)).body.services;
    expect(services).toContainEqual({ service: SERVICE, status: 'offline' });
    // At once, though its last reading is only seconds old.
    expect((await http<{ online: boolean }>(pcs)).body.online).toBe(false);
    await iot?.app.close();
    iot = null;

    // A new start: the service and each device say online again (the devices kept in its database).
    iot = await startIotMock();
    const up = await eventually(ours, allAre('online'), 10_000);
    expect(up.every((d) => d.reason === null)).toBe(true);
  }, 40_000);
});
